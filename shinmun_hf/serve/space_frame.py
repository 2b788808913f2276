"""``serve --space``: the site framed by a page of another site, as a static Space is shown.

huggingface.co shows a Space at ``huggingface.co/spaces/OWNER/NAME`` in a sandboxed iframe of
the Space's own origin (``OWNER-NAME.hf.space``). In that frame the browser partitions or refuses
storage, and login pages refuse to be framed, which is what the widget must cope with. This
page does the same on this machine: served as ``localhost`` when the site is ``127.0.0.1``
(another site, for the browser, whatever the ports), with the sandbox flags a Space's frame has.
"""

from __future__ import annotations

import socket
import threading
from html import escape
from types import TracebackType

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from ..background_server import start_in_thread, stop_thread
from ..hosts import LocalHostsOnly, allowed_hosts

__all__ = ["SpaceFrame", "wrapper_page"]

SANDBOX = (
    "allow-downloads allow-forms allow-modals allow-popups allow-popups-to-escape-sandbox "
    "allow-same-origin allow-scripts"
)
"""No ``allow-top-navigation``: the framed site cannot take the whole tab, as on a Space."""


def wrapper_page(site_url: str, title: str) -> str:
    """A page like a Space's on huggingface.co: a header bar, then the site in a frame."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} - a Space (simulated)</title><style>"
        "html,body{height:100%;margin:0}body{display:flex;flex-direction:column;"
        "font:15px/1.4 system-ui,sans-serif;background:#fff;color:#1f2328}"
        "header{padding:.5rem 1rem;border-bottom:1px solid #d0d7de;display:flex;gap:.75rem;"
        "flex-wrap:wrap;align-items:baseline}header small{color:#57606a}"
        "iframe{flex:1;border:0;width:100%}"
        "@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}"
        "header{border-color:#30363d}header small{color:#9da7b3}}"
        "</style></head><body>"
        f"<header><strong>Spaces: local/{escape(title)}</strong>"
        "<small>shinmun serve --space: the site framed by another origin, as on "
        "huggingface.co</small></header>"
        f'<iframe src="{escape(site_url)}" title="{escape(title)}" sandbox="{SANDBOX}" '
        'allow="clipboard-write"></iframe></body></html>'
    )


class SpaceFrame:
    """``with SpaceFrame(site_url, title) as frame:`` serves the wrapper at ``frame.url``."""

    def __init__(self, site_url: str, title: str, port: int = 0, site_host: str = "") -> None:
        page = wrapper_page(site_url, title)

        async def wrapper(request: Request) -> HTMLResponse:
            return HTMLResponse(page, headers={"cache-control": "no-store"})

        app = Starlette(routes=[Route("/{path:path}", wrapper)])
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._socket.bind(("127.0.0.1", port))
        except OSError:
            self._socket.bind(("127.0.0.1", 0))
        bound = self._socket.getsockname()[1]
        # Another site than the framed one's: its storage is then third-party in the frame.
        host = "127.0.0.1" if site_host == "localhost" else "localhost"
        self.url = f"http://{host}:{bound}/spaces/local/{_slug(title)}"
        config = uvicorn.Config(
            LocalHostsOnly(app, allowed_hosts("127.0.0.1")),
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    def __enter__(self) -> SpaceFrame:
        self._thread = start_in_thread(self._server, self._socket, "shinmun-space-frame")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        stop_thread(self._server, self._thread, self._socket)


def _slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split()) or "blog"
