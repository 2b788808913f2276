"""The hub's signing key, its JWKS, and RS256 id_tokens (with joserfc)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

__all__ = ["Signer"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64json(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


class Signer:
    """One RSA key per hub, generated at start-up (nothing to configure, nothing to leak)."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"})
        self.key.ensure_kid()

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}

    def id_token(
        self,
        claims: dict[str, Any],
        *,
        alg: str | None = None,
        kid: str | None = None,
        forged: bool = False,
    ) -> str:
        """An RS256 id_token; the keyword arguments make the broken ones tests need."""
        header = {"alg": alg or "RS256", "typ": "JWT", "kid": kid or self.key.kid}
        if alg == "none":
            return f"{_b64json(header)}.{_b64json(claims)}."
        if alg == "HS256":
            signing_input = f"{_b64json(header)}.{_b64json(claims)}"
            secret = json.dumps(self.jwks()["keys"][0]).encode()
            mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
            return f"{signing_input}.{_b64(mac)}"
        key = RSAKey.generate_key(2048) if forged else self.key
        return jwt.encode(header, claims, key)

    @staticmethod
    def now() -> int:
        return int(time.time())
