"""Authorization codes and tokens the hub has issued: in memory, single use, expiring."""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["AccessToken", "Grant", "HubState"]


@dataclass
class Grant:
    """What an authorization code stands for until it is exchanged (once)."""

    client_id: str
    redirect_uri: str
    scope: list[str]
    code_challenge: str
    nonce: str | None
    issued_at: float
    auth_time: int


@dataclass
class AccessToken:
    client_id: str
    scope: list[str]
    expires_at: float
    revoked: bool = False


@dataclass
class HubState:
    codes: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, AccessToken] = field(default_factory=dict)
    pending: dict[str, dict[str, str]] = field(default_factory=dict)
    """Consent forms shown and not answered yet, by form id."""
    requests: Counter = field(default_factory=Counter)
    """Requests per (path or model) — tests count retries with it."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue_code(self, grant: Grant) -> str:
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = grant
        return code

    def take_code(self, code: str) -> Grant | None:
        """The grant of ``code``, removed: a code works once, even when the exchange fails."""
        with self.lock:
            return self.codes.pop(code, None)

    def issue_token(self, client_id: str, scope: list[str], lifetime: float) -> str:
        token = "hf_oauth_" + secrets.token_urlsafe(30)
        with self.lock:
            self.tokens[token] = AccessToken(client_id, scope, time.time() + lifetime)
        return token

    def valid_token(self, token: str) -> AccessToken | None:
        with self.lock:
            record = self.tokens.get(token)
        if record is None or record.revoked or record.expires_at <= time.time():
            return None
        return record

    def revoke_all(self) -> None:
        """What a user revoking the app on huggingface.co does to its tokens."""
        with self.lock:
            for record in self.tokens.values():
                record.revoked = True

    def expire_all(self) -> None:
        with self.lock:
            for record in self.tokens.values():
                record.expires_at = 0.0
