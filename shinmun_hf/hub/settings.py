"""What the local hub knows: its registered apps, its test user, lifetimes, and test faults."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DEFAULT_CLIENT_ID", "SCOPES", "Client", "Faults", "HubSettings", "TestUser"]

DEFAULT_CLIENT_ID = "shinmun-local-dev"
SCOPES = [
    "openid", "profile", "email", "read-billing", "read-memberships", "read-repos",
    "gated-repos", "contribute-repos", "write-repos", "manage-repos", "read-collections",
    "write-collections", "inference-api", "read-endpoints", "write-endpoints", "jobs",
    "webhooks", "write-discussions",
]  # fmt: skip


@dataclass
class Client:
    """A registered OAuth app (public: PKCE, no secret)."""

    client_id: str
    name: str
    redirect_uris: list[str] = field(default_factory=list)
    """Exact URIs; for http loopback hosts (127.0.0.1, localhost, [::1]) any port matches."""
    origins: list[str] = field(default_factory=list)
    """Origins any of whose URLs is a redirect URI (``http://127.0.0.1:8000``): the app Hugging
    Face makes for a static Space accepts any page of the Space."""


@dataclass
class TestUser:
    sub: str = "6612345678abcdef01234567"
    name: str = "Ada Lovelace"
    preferred_username: str = "ada"
    email: str = "ada@example.org"
    is_pro: bool = False
    can_pay: bool = True
    orgs: list[dict[str, object]] = field(
        default_factory=lambda: [
            {
                "sub": "6612345678abcdef0000beef",
                "name": "Analytical Engines",
                "preferred_username": "analytical-engines",
                "isEnterprise": False,
                "roleInOrg": "admin",
            }
        ]
    )


@dataclass
class Faults:
    """Switches for end-to-end tests of the widget's checks; all off by default."""

    discovery_issuer: str | None = None
    """Advertise this issuer in discovery instead of the hub's own URL."""
    id_token_issuer: str | None = None
    id_token_audience: str | None = None
    id_token_nonce: str | None = None
    """Put this nonce in id_tokens instead of the one from the authorize request."""
    id_token_expired: bool = False
    id_token_from_the_future: bool = False
    """An ``iat`` an hour ahead."""
    id_token_alg: str | None = None
    """``none`` (unsigned) or ``HS256`` (keyed with the public key: the confusion attack)."""
    id_token_kid: str | None = None
    """A key id the JWKS does not list (the token is still signed with the hub's key)."""
    id_token_forged: bool = False
    """Signed with another key under the hub's key id: a bad signature."""


@dataclass
class HubSettings:
    clients: dict[str, Client] = field(default_factory=dict)
    user: TestUser = field(default_factory=TestUser)
    code_lifetime: float = 60.0
    access_token_lifetime: float = 8 * 3600.0
    id_token_lifetime: float = 3600.0
    stream_delay: float = 0.02
    """Seconds between streamed tokens (so a Stop button can be tested)."""
    auto_approve: bool = False
    """Skip the consent page (tests of the redirect handling only)."""
    faults: Faults = field(default_factory=Faults)
    issuer: str = ""
    """The hub's own URL (``http://127.0.0.1:8765``, no trailing slash): its issuer and the base
    of every URL it advertises, whatever Host header a request carries. ``HubServer`` sets it to
    its address when left empty."""

    def register(self, client_id: str, redirect_uris: list[str], name: str = "") -> Client:
        client = Client(client_id, name or client_id, list(redirect_uris))
        self.clients[client_id] = client
        return client
