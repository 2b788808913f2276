"""Live reload: the client script, the tag that loads it, and the event stream it listens to.

The script is an external file (``/__shinmun/livereload.js``), so a site with a strict Content
Security Policy (``script-src 'self'``) still reloads. The tag is added to HTML *responses*
only; the files on disk stay byte-for-byte what ``shinmun build`` writes.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator, Callable
from importlib import resources

from .events import Broadcaster, Event

__all__ = ["CLIENT_PATH", "EVENTS_PATH", "client_script", "event_stream", "inject", "script_tag"]

PREFIX = "/__shinmun"
CLIENT_PATH = f"{PREFIX}/livereload.js"
EVENTS_PATH = f"{PREFIX}/events"
RETRY_MS = 500
"""How soon a browser reconnects after losing the server (e.g. while it restarts)."""
KEEPALIVE_SECONDS = 15.0
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def client_script() -> bytes:
    return resources.files(__package__).joinpath("livereload.js").read_bytes()


def script_tag(version: str, file: str, mode: str) -> str:
    """The tag loading the client; ``mode`` is ``page``, ``missing`` (404) or ``error``.

    The page's version tells the client whether it missed a rebuild while disconnected.
    """
    attributes = {"version": version, "file": file, "mode": mode}
    data = " ".join(f'data-{k}="{html.escape(v)}"' for k, v in attributes.items())
    return f'<script src="{CLIENT_PATH}" {data} defer></script>'


def inject(document: bytes, tag: str) -> bytes:
    """``document`` with ``tag`` before ``</head>`` (else before the last ``</body>``)."""
    encoded = tag.encode()
    match = _HEAD_END.search(document)
    if match is None:
        matches = list(_BODY_END.finditer(document))
        match = matches[-1] if matches else None
    if match is None:
        return document + encoded
    return document[: match.start()] + encoded + document[match.start() :]


async def event_stream(
    broadcaster: Broadcaster, greeting: Callable[[], Event]
) -> AsyncIterator[bytes]:
    """One client's stream: the greeting (the current version, what the page missed), then
    each event as it happens.

    The greeting is made after subscribing: a change announced in between is then in the
    queue (and maybe in the greeting too, which is harmless), never in neither. Ends when the
    broadcaster closes (server shutting down), so shutdown never waits for open tabs; the page
    then reconnects to the next server by itself.
    """
    queue = broadcaster.subscribe()
    try:
        yield f"retry: {RETRY_MS}\n\n".encode() + greeting().encode()
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield b": keep-alive\n\n"
                continue
            if event is None:
                return
            yield event.encode()
    finally:
        broadcaster.unsubscribe(queue)
