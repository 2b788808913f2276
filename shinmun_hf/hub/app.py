"""The hub as one ASGI application: answering only requests addressed to this machine (a
rebound DNS name must not reach it, as for ``serve``), with CORS on its API endpoints."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.types import ASGIApp

from ..hosts import LocalHostsOnly, allowed_hosts
from .cors import SelectiveCORS
from .inference import inference_routes
from .oauth import oauth_routes
from .settings import HubSettings
from .state import HubState
from .tokens import Signer

__all__ = ["create_hub_app"]


def create_hub_app(
    settings: HubSettings, state: HubState | None = None, signer: Signer | None = None
) -> ASGIApp:
    if not settings.issuer:
        raise ValueError("HubSettings.issuer must be the hub's own URL, e.g. http://127.0.0.1:8765")
    state = state or HubState()
    signer = signer or Signer()
    routes = [*oauth_routes(settings, state, signer), *inference_routes(settings, state)]
    bound = urlsplit(settings.issuer).hostname or "127.0.0.1"
    return LocalHostsOnly(SelectiveCORS(Starlette(routes=routes)), allowed_hosts(bound))
