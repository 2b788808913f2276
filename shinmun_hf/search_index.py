"""``search-index.json``: what a client-side search needs, and nothing more."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .content import Entry
    from .site import Document

__all__ = ["EXCERPT_LENGTH", "search_fields", "search_index"]

EXCERPT_LENGTH = 300


def search_fields(doc: Document | Entry) -> tuple:
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


FIELDS = ("title", "kind", "date", "category", "tags", "summary", "content")


def search_index(documents: Iterable[Document]) -> bytes:
    items = [
        {"url": doc.url, **dict(zip(FIELDS, search_fields(doc), strict=True))} for doc in documents
    ]
    return json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
