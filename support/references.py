"""Ticket references a parent can read out on the phone, and unguessable links."""

import secrets

from accounts.secrets import secret_hash

# No 0/O or 1/I: they are confused when read aloud or copied from a text.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 8


def new_reference() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(reference: str) -> str:
    """K7RM3QXP is shown as K7RM-3QXP, easier to read out."""
    return f"{reference[:4]}-{reference[4:]}"


def normalise(text: str) -> str:
    """What a parent types back to the stored form: no dashes, spaces or case."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def new_access_token() -> tuple[str, str]:
    """(token for the family's link, the hash we keep)."""
    token = secrets.token_urlsafe(24)
    return token, secret_hash(token)
