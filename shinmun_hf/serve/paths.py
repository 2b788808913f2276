"""Mapping a request path to a file of the built site, and nothing outside it.

The decision works on the *raw* path (before percent-decoding) so that an encoded slash or dot
can never turn into a separator or a parent reference after the checks ran: each segment is
decoded on its own and rejected if it decodes to ``..``, ``.``, a slash, a backslash or NUL.
The file found is then resolved (symlinks included) and must still lie inside the site root.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

__all__ = ["Found", "Missing", "Redirect", "Rejected", "Target", "resolve"]

FORBIDDEN_IN_SEGMENT = ("/", "\\", "\x00")
WELL_KNOWN = ".well-known"


@dataclass(frozen=True, slots=True)
class Found:
    """A file to serve; ``file`` is its path below the site root (``a/b/index.html``)."""

    path: Path
    file: str


@dataclass(frozen=True, slots=True)
class Redirect:
    location: str


@dataclass(frozen=True, slots=True)
class Missing:
    """Nothing there: the site's 404 page answers."""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A malformed or hostile path: 400, and no file is looked at."""


Target = Found | Redirect | Missing | Rejected


def resolve(root: Path, raw_path: bytes, base_path: str, query: bytes = b"") -> Target:
    """What to answer for ``raw_path`` (the request target's path, still percent-encoded).

    ``base_path`` (``""`` or ``/blog``) is where the site lives: the server's root redirects
    there, and only paths below it reach the site. ``/x`` names a directory only through a
    redirect to ``/x/`` (so relative links in its index page resolve as they will when
    published).
    """
    try:
        text = raw_path.decode("ascii")
    except UnicodeDecodeError:
        return Rejected()
    if not text.startswith("/") or "\\" in text:
        return Rejected()
    segments = []
    for raw in text[1:].split("/"):
        try:
            segment = unquote(raw, errors="strict") if "%" in raw else raw
        except UnicodeDecodeError:
            return Rejected()
        if segment in (".", "..") or any(c in segment for c in FORBIDDEN_IN_SEGMENT):
            return Rejected()
        segments.append(segment)
    suffix = "?" + query.decode("latin-1") if query else ""

    base = [unquote(s) for s in base_path.split("/") if s]  # (written %XX in config.yml)
    if base:
        if segments[: len(base)] != base:
            if segments == [""]:  # the server's root: the site is one level down
                return Redirect(f"{base_path}/{suffix}")
            return Missing()
        if len(segments) == len(base):  # /blog: the site's root needs its slash
            return Redirect(f"{base_path}/{suffix}")
        segments = segments[len(base) :]

    directory_wanted = segments[-1] == ""
    names = segments[:-1] if directory_wanted else segments
    # empty segments (``//``) and hidden names (the writer's marker) are never part of a site,
    # but for the well-known URIs at its root (RFC 8615: the client metadata document)
    if any(
        name == "" or (name.startswith(".") and (i, name) != (0, WELL_KNOWN))
        for i, name in enumerate(names)
    ):
        return Missing()

    candidate = root.joinpath(*names)
    if not _inside(root, candidate):
        return Missing()
    if candidate.is_dir():
        if not directory_wanted:
            return Redirect(f"{text}/{suffix}")
        index = candidate / "index.html"
        if index.is_file() and _inside(root, index):
            return Found(index, "/".join([*names, "index.html"]))
        return Missing()
    if directory_wanted or not candidate.is_file():
        return Missing()
    return Found(candidate, "/".join(names))


def _inside(root: Path, path: Path) -> bool:
    """``path`` resolves (symlinks followed) to the root or below it."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root + os.sep)
