"""Dependency records: which facts each output read while it was rendered.

Every path by which a template can reach site data (the page's own entry, listings, helpers such
as ``related_posts`` or ``recent_posts``, ``site.posts``) calls :func:`record` with a *key* that
names the fact and the *digest* of its current value. The build stores the keys per output; the
next build re-evaluates only those keys against the new site model and re-renders an output only
when a digest differs. Full builds, cached builds and the dev server share this one mechanism.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["Recorder", "record", "recording"]

_current: ContextVar[Recorder | None] = ContextVar("shinmun_recorder", default=None)


class Recorder:
    """Collects ``key -> digest`` for one output."""

    __slots__ = ("facts",)

    def __init__(self) -> None:
        self.facts: dict[str, str] = {}


def record(key: str, digest: str) -> None:
    recorder = _current.get()
    if recorder is not None:
        recorder.facts[key] = digest


@contextmanager
def recording() -> Iterator[Recorder]:
    recorder = Recorder()
    token = _current.set(recorder)
    try:
        yield recorder
    finally:
        _current.reset(token)
