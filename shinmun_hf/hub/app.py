"""The hub as one ASGI application."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.types import ASGIApp

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
    return SelectiveCORS(Starlette(routes=routes))
