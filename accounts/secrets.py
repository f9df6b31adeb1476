"""Random secrets handed to callers, and the hashes we keep of them."""

import hashlib
import secrets

SESSION_PREFIX = "dfcs_"
TOKEN_PREFIX = "dfct_"
API_KEY_PREFIX = "dfck_"


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """SHA-256 is enough here: the secrets are long and random, unlike passwords."""
    return hashlib.sha256(secret.encode()).hexdigest()
