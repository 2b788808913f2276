"""Content types of served files, the same on every machine.

Python's :mod:`mimetypes` reads the system's ``mime.types`` files, which differ between
machines (and some map ``.js`` to ``application/javascript`` or nothing at all, which browsers
refuse for module scripts). The table below wins; Python's built-in defaults cover the rest.
"""

from __future__ import annotations

import mimetypes

__all__ = ["media_type"]

OWN = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".wasm": "application/wasm",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
    ".avif": "image/avif",
}
TEXTUAL = ("text/", "application/json", "application/manifest+json", "image/svg+xml")
"""Types whose files the engine writes in UTF-8: they get ``charset=utf-8``."""

_defaults = mimetypes.MimeTypes(filenames=())  # built-in table only, no system files


OWN_NAMES = {"oauth-cimd": "application/json"}
"""Files without a suffix: the client metadata document (its fetchers want JSON)."""


def media_type(name: str) -> str:
    """``text/javascript; charset=utf-8`` for ``app.js``; octet-stream when unknown."""
    dot = name.rfind(".")
    suffix = name[dot:].lower() if dot > name.rfind("/") else ""
    kind = (
        OWN.get(suffix)
        or OWN_NAMES.get(name.rpartition("/")[2])
        or _defaults.guess_type("x" + suffix)[0]
        or "application/octet-stream"
    )
    if kind.startswith(TEXTUAL) or kind.endswith("+xml") or kind == "application/xml":
        return f"{kind}; charset=utf-8"
    return kind
