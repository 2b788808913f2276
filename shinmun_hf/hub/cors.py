"""CORS on every endpoint but authorize, as huggingface.co: browsers call discovery, token,
userinfo and the inference router from any origin; the authorize page is navigated to."""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["SelectiveCORS"]

NO_CORS_PATHS = frozenset({"/oauth/authorize"})


class SelectiveCORS:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["authorization", "content-type", "accept", "x-hf-bill-to"],
            expose_headers=["x-request-id", "retry-after"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in NO_CORS_PATHS:
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
