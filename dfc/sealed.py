"""Small secrets we must give back (a SIM's PIN and PUK), encrypted at rest with a key
derived from the service's SECRET_KEY: a copy of the database alone does not reveal them.
Fernet (AES-128-CBC with an HMAC) from `cryptography`, so a changed byte is refused rather
than read as another code."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from dfc.errors import Conflict
from dfc.settings import get_settings

PURPOSE = b"dfc-sealed-v1:"


class CannotUnseal(Conflict):
    """A code sealed under another key (SECRET_KEY changed), or tampered with."""


def _box() -> Fernet:
    key = hashlib.sha256(PURPOSE + get_settings().secret_key().encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(plain: str | None) -> bytes | None:
    return None if plain is None else _box().encrypt(plain.encode())


def unseal(sealed: bytes | None) -> str | None:
    if sealed is None:
        return None
    try:
        return _box().decrypt(bytes(sealed)).decode()
    except InvalidToken:
        raise CannotUnseal(
            "The code was sealed with another SECRET_KEY; enter it again from the SIM's card"
        ) from None
