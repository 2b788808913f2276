"""URL slugs: readable, ASCII, stable. Non-ASCII text is transliterated (Ünïcode -> unicode)."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from slugify import slugify as _slugify

__all__ = ["MAX_SEGMENT", "is_url_safe", "slugify"]

# Without these, "C++" and "C#" would both become "c" and share one tag page.
REPLACEMENTS = [["+", " plus "], ["#", " sharp "], ["&", " and "]]
MAX_SEGMENT = 200
"""Characters in one URL segment: it is a folder name, and file systems take 255 bytes."""
URL_SAFE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._~-]{{0,{MAX_SEGMENT - 1}}}\Z")
MAX_SLUG = 80
"""A longer made-up slug is cut, with a digest of the whole text so that it stays unique."""


@lru_cache(maxsize=65536)  # taxonomy names repeat on every page that links them
def slugify(text: str) -> str:
    """``"Hello, Wörld!"`` -> ``"hello-world"``; never empty, at most ``MAX_SLUG`` long.

    Text with nothing to transliterate (``"🎉"``, ``"???"``) is spelt by its code points
    (``"u1f389"``): a shared fallback would merge unrelated tags into one page.
    """
    text = str(text)
    slug = _slugify(text, replacements=REPLACEMENTS)
    if not slug:
        points = [f"{ord(c):x}" for c in text if not c.isspace()]
        slug = "u" + "-".join(points) if points else "untitled"
    if len(slug) > MAX_SLUG:
        digest = hashlib.blake2b(text.encode(), digest_size=4).hexdigest()
        slug = slug[: MAX_SLUG - 9].rstrip("-") + "-" + digest
    return slug


def is_url_safe(segment: str) -> bool:
    return bool(URL_SAFE.match(segment))
