"""``search-index.json``: what a client-side search needs, and nothing more."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .site import Document

__all__ = ["EXCERPT_LENGTH", "search_index"]

EXCERPT_LENGTH = 300


def search_index(documents: Iterable[Document]) -> bytes:
    items = []
    for doc in documents:
        items.append(
            {
                "title": doc.title,
                "url": doc.url,
                "kind": doc.kind,
                "date": doc.date.date().isoformat() if doc.date else None,
                "category": doc.category,
                "tags": list(doc.tags),
                "summary": doc.description,
                "content": doc.text[:EXCERPT_LENGTH],
            }
        )
    return json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
