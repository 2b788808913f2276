"""CORS on the hub's API endpoints only, as huggingface.co: browsers call discovery, JWKS,
token, userinfo and the inference router from any origin; the authorize page is navigated to,
and a path the hub does not serve gets no CORS headers (nor a preflight answer)."""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["SelectiveCORS"]

NO_CORS_PATHS = frozenset({"/oauth/authorize"})


class SelectiveCORS:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.routes = getattr(app, "routes", [])
        self.cors = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["authorization", "content-type", "accept", "x-hf-bill-to"],
            expose_headers=["x-request-id", "retry-after"],
            max_age=600,
        )

    def _served(self, scope: Scope) -> bool:
        """A path one of the routes answers (whatever the method: a preflight is OPTIONS)."""
        return any(route.matches(scope)[0] != Match.NONE for route in self.routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in NO_CORS_PATHS and self._served(scope):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
