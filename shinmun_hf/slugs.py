"""URL slugs: readable, ASCII, stable. Non-ASCII text is transliterated (Ünïcode -> unicode)."""

from __future__ import annotations

import re
from functools import lru_cache

from slugify import slugify as _slugify

__all__ = ["is_url_safe", "slugify"]

# Without these, "C++" and "C#" would both become "c" and share one tag page.
REPLACEMENTS = [["+", " plus "], ["#", " sharp "], ["&", " and "]]
URL_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*\Z")


@lru_cache(maxsize=65536)  # taxonomy names repeat on every page that links them
def slugify(text: str) -> str:
    """``"Hello, Wörld!"`` -> ``"hello-world"``; never empty."""
    return _slugify(str(text), replacements=REPLACEMENTS) or "untitled"


def is_url_safe(segment: str) -> bool:
    return bool(URL_SAFE.match(segment))
