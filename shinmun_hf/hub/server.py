"""Running the hub on loopback in a background thread (for ``serve`` and the tests)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable
from types import TracebackType

import uvicorn

from ..background_server import start_in_thread, stop_thread
from .app import create_hub_app
from .settings import DEFAULT_CLIENT_ID, HubSettings
from .state import HubState
from .tokens import Signer

__all__ = ["HubServer"]


class HubServer:
    """``with HubServer(redirect_uris=[...]) as hub:`` serves at ``hub.url`` until the block ends.

    ``settings`` (faults, lifetimes, clients) and ``state`` (issued codes and tokens, request
    counters) may be changed by tests while it runs.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        redirect_uris: Iterable[str] = (),
        client_id: str = DEFAULT_CLIENT_ID,
        settings: HubSettings | None = None,
    ) -> None:
        self.settings = settings or HubSettings()
        self.client_id = client_id
        self.settings.register(client_id, list(redirect_uris), name="shinmun-hf local demo")
        self.state = HubState()
        self.signer = Signer()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        if not self.settings.issuer:
            self.settings.issuer = self.url
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> HubServer:
        app = create_hub_app(self.settings, self.state, self.signer)
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = start_in_thread(self._server, self._socket, "shinmun-hub")
        return self

    def stop(self) -> None:
        stop_thread(self._server, self._thread, self._socket)

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
