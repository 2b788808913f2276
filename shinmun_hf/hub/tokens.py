"""The hub's signing key, its JWKS, and RS256 id_tokens (with joserfc)."""

from __future__ import annotations

import time
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

__all__ = ["Signer"]


class Signer:
    """One RSA key per hub, generated at start-up (nothing to configure, nothing to leak)."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"})
        self.key.ensure_kid()

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}

    def id_token(self, claims: dict[str, Any]) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": self.key.kid}
        return jwt.encode(header, claims, self.key)

    @staticmethod
    def now() -> int:
        return int(time.time())
