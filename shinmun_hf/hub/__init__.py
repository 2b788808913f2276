"""A local stand-in for huggingface.co: OpenID provider and inference router, for ``serve
--hub local`` and the tests. Behaves like the real endpoints and is as strict."""

from .app import create_hub_app
from .oauth import redirect_uri_allowed
from .server import HubServer
from .settings import DEFAULT_CLIENT_ID, SCOPES, Client, Faults, HubSettings, TestUser
from .state import HubState

__all__ = [
    "DEFAULT_CLIENT_ID",
    "SCOPES",
    "Client",
    "Faults",
    "HubServer",
    "HubSettings",
    "HubState",
    "TestUser",
    "create_hub_app",
    "redirect_uri_allowed",
]
