"""``search-index.json``: what a client-side search needs, and nothing more."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..content.search_fields import search_fields

if TYPE_CHECKING:
    from ..site.model import Document

__all__ = ["search_index"]

FIELDS = ("title", "kind", "date", "category", "tags", "summary", "content")


def search_index(documents: Iterable[Document]) -> bytes:
    items = [
        {"url": doc.url, **dict(zip(FIELDS, search_fields(doc), strict=True))} for doc in documents
    ]
    return json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
