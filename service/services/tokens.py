"""Random bearer tokens: 256 bits of entropy, stored only as SHA-256 digests."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast digest is enough; no salt or stretching needed.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
