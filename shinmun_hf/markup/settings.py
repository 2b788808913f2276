"""What besides the text decides the HTML a document renders to: one value, one cache key."""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass
from functools import cache

__all__ = ["DEFAULT_DIALECT", "DIALECTS", "RenderSettings"]

GFM = "gfm"
PYTHON_MARKDOWN = "python-markdown"
DIALECTS = (GFM, PYTHON_MARKDOWN)
"""``gfm``: CommonMark with GitHub's extensions (markdown-it-py), as GitHub, Hugo, Jekyll and
Zola read Markdown. ``python-markdown``: Python-Markdown's rules, for sites coming from Pelican
or MkDocs."""
DEFAULT_DIALECT = GFM

RENDERER_VERSION = "12"
"""Bump when the HTML produced for the same text and settings, or what a cached entry holds,
changes: part of :attr:`RenderSettings.key`."""


@dataclass(frozen=True, slots=True)
class RenderSettings:
    """Every setting the Markdown stage reads. Entries are cached under :attr:`key`, so a
    change of any of them (the dialect above all) renders every document anew."""

    dialect: str = DEFAULT_DIALECT
    smart_punctuation: bool = True
    """Curly quotes, en and em dashes and ellipses (SmartyPants' rules), outside code."""
    base_path: str = ""
    """Put in front of root-relative links (``/about/``) for a site published in a folder."""

    def __post_init__(self) -> None:
        if self.dialect not in DIALECTS:
            raise ValueError(f"unknown Markdown dialect {self.dialect!r}")

    @property
    def key(self) -> str:
        return _key_of(self)


@cache
def _key_of(settings: RenderSettings) -> str:
    """Every entry's cache key holds it: worked out once per settings, not once per entry."""
    text = repr((RENDERER_VERSION, *astuple(settings)))
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
