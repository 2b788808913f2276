"""The ASGI application: the built site, the live-reload client and its event stream.

Only the output folder is ever read (see :mod:`.paths`); the project's sources are not served.
Every response says ``no-store``: what the browser shows must be the latest build, never a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from ..project.variables import script_safe_json
from .events import Broadcaster, Event
from .livereload import CLIENT_PATH, EVENTS_PATH, client_script, event_stream, inject, script_tag
from .media import media_type
from .overlay import overlay_page
from .paths import Found, Missing, Redirect, resolve
from .state import State

__all__ = ["create_app"]

HEADERS = {"cache-control": "no-store", "x-content-type-options": "nosniff"}
HTML = media_type("index.html")
NOT_FOUND_PAGE = "404.html"


def create_app(
    root: Path,
    project: Path,
    current: Callable[[], State],
    broadcaster: Broadcaster,
    space_variables: dict[str, str] | None = None,
) -> Starlette:
    """Serve the site built into ``root``; ``current()`` is what the build thread last did.

    ``space_variables`` are injected into every page as ``window.huggingface.variables``, as
    a static Space's host does (``serve --space``)."""
    client = client_script()
    extra = "" if space_variables is None else space_script(space_variables)

    def livereload(request: Request) -> Response:
        return Response(client, media_type=media_type(CLIENT_PATH), headers=HEADERS)

    async def events(request: Request) -> Response:
        since = request.query_params.get("since", "")

        def greeting() -> Event:
            # The page says which version it shows: the greeting tells it what it missed since.
            state = current()
            missed = state.missed_since(since)
            return Event("hello", {"version": state.version, **missed.as_data()})

        return StreamingResponse(
            event_stream(broadcaster, greeting),
            media_type="text/event-stream",
            headers={**HEADERS, "x-accel-buffering": "no"},
        )

    def site(request: Request) -> Response:
        state = current()
        raw_path = request.scope.get("raw_path") or request.scope["path"].encode()
        target = resolve(root, raw_path, state.base_path, request.scope.get("query_string", b""))
        if isinstance(target, Redirect):
            return RedirectResponse(target.location, status_code=302, headers=HEADERS)
        if isinstance(target, Found):
            if not target.file.lower().endswith((".html", ".htm")):
                return FileResponse(
                    target.path, media_type=media_type(target.file), headers=HEADERS
                )
            if state.failure is not None:
                return _overlay(state, project)
            return _page(target.path, state, target.file, "page", 200, extra)
        if isinstance(target, Missing):
            if state.failure is not None:
                return _overlay(state, project)
            if (root / NOT_FOUND_PAGE).is_file():
                return _page(root / NOT_FOUND_PAGE, state, NOT_FOUND_PAGE, "missing", 404)
            return Response("Not found", 404, headers=HEADERS, media_type=media_type("x.txt"))
        return Response("Bad request", 400, headers=HEADERS, media_type=media_type("x.txt"))

    routes = [
        Route(CLIENT_PATH, livereload, methods=["GET", "HEAD"]),
        Route(EVENTS_PATH, events, methods=["GET"]),
        Route("/{path:path}", site, methods=["GET", "HEAD"]),
    ]
    return Starlette(routes=routes)


def space_script(variables: dict[str, str]) -> str:
    """What a static Space's host puts in its pages (HTML-safe JSON)."""
    return f"<script>window.huggingface={{variables:{script_safe_json(variables)}}};</script>"


def _page(path: Path, state: State, file: str, mode: str, status: int, extra: str = "") -> Response:
    try:
        document = path.read_bytes()
    except FileNotFoundError:  # removed by a rebuild since it was found
        return Response("Not found", 404, headers=HEADERS, media_type=media_type("x.txt"))
    body = inject(document, extra + script_tag(state.version, file, mode))
    return Response(body, status, headers=HEADERS, media_type=HTML)


def _overlay(state: State, project: Path) -> Response:
    assert state.failure is not None
    tag = script_tag(state.version, "", "error")
    return Response(
        overlay_page(state.failure, project, tag), 500, headers=HEADERS, media_type=HTML
    )
