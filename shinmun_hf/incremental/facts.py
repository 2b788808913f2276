"""Dependency records: which facts each output read while it was rendered.

Every path by which a template can reach site data (the page's own entry, listings, helpers such
as ``related_posts`` or ``recent_posts``, ``site.posts``) calls :func:`record` with a *key* that
names the fact and the *digest* of its current value. The build stores the keys per output; the
next build re-evaluates only those keys against the new site model and re-renders an output only
when a digest differs. Full builds, cached builds and the dev server share this one mechanism.

A key is a string, because the manifest stores tens of thousands of them: :func:`fact_key`
makes one and :func:`parse_fact_key` takes it apart into a :class:`FactKey`, and nothing else
builds or splits keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

__all__ = [
    "FactKey",
    "Recorder",
    "fact_key",
    "parse_fact_key",
    "record",
    "recording",
    "split_taxonomy_name",
    "taxonomy_name",
]

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


class FactKey(NamedTuple):
    """A fact key taken apart (see :func:`parse_fact_key`)."""

    kind: str
    """What sort of fact: ``entry``, ``listing``, ``neighbour``, ``category``, ``posts``..."""
    subject: str = ""
    """What it is about: a content file, a listing's or a taxonomy's name (see
    :func:`taxonomy_name`), a month, a component; empty for a fact about the whole site."""
    number: int = 0
    """A page of a listing, a neighbour's step, a limit (kinds of :data:`NUMBERED`; 0 for
    the others)."""


NUMBERED = frozenset({"listing", "neighbour", "related", "recent"})
"""The kinds whose key ends in a number."""


def fact_key(kind: str, subject: str = "", number: int | None = None) -> str:
    """The key a fact is recorded under: ``kind``, ``kind:subject``, ``kind:number`` or
    ``kind:subject:number`` (``listing:tag/python:2``, ``neighbour:content/posts/a.md:-1``).
    A subject may hold colons: only the kind and a number are split off."""
    if number is None:
        return f"{kind}:{subject}" if subject else kind
    return f"{kind}:{subject}:{number}" if subject else f"{kind}:{number}"


def parse_fact_key(key: str) -> FactKey:
    """The parts of a key made by :func:`fact_key`."""
    kind, _, rest = key.partition(":")
    if kind in NUMBERED:
        subject, _, number = rest.rpartition(":")
        return FactKey(kind, subject, int(number))
    return FactKey(kind, rest)


def taxonomy_name(kind: str, slug: str) -> str:
    """The name of a category's or a tag's listing, the subject of its facts:
    ``category/<slug>`` or ``tag/<slug>``."""
    return f"{kind}/{slug}"


def split_taxonomy_name(name: str) -> tuple[str, str]:
    """(kind, slug) of a name made by :func:`taxonomy_name` (("index", "") for the index)."""
    kind, _, slug = name.partition("/")
    return kind, slug
