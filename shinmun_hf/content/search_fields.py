"""What the search index holds about an entry: part of each entry's digest, so it lives with
the entries and ``render/search_index.py`` only lays the fields out."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .entry import Entry

__all__ = ["EXCERPT_LENGTH", "search_fields"]

EXCERPT_LENGTH = 300


def search_fields(doc: object) -> tuple:
    """What the index holds about a document, URL aside (entries' digests are made of this).

    Read from the entry, so building the index records no dependency on each body: the
    index's own ``search`` fact covers exactly these fields.
    """
    entry: Entry = getattr(doc, "entry", doc)
    return (
        entry.title,
        entry.kind,
        entry.date.date().isoformat() if entry.date else None,
        entry.category,
        list(entry.tags),
        entry.description,
        entry.rendered.text[:EXCERPT_LENGTH],
    )
