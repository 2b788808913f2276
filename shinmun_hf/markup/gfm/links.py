"""Link URLs normalised as markdown-it-py does, with a shortcut for the common case.

markdown-it-py parses, re-encodes and punycodes every link's URL (and an autolink's text),
a noticeable share of a typical post's parsing. A URL made only of characters that
need no encoding, with no ``%`` escape to decode and no punycoded host (``xn--``), comes out
of both as it went in, so it is returned at once; anything else takes the full path.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt

__all__ = ["fast_links_plugin"]

PLAIN_URL = re.compile(r"[A-Za-z0-9;/?:@&=+$,\-_.!~*'()#]*")
"""The characters mdurl's ``encode`` keeps as they are (its default set). ``%`` is left out:
an escape is decoded for display and a lone ``%`` is encoded."""


def fast_links_plugin(md: MarkdownIt) -> None:
    md.normalizeLink = _shortcut(md.normalizeLink)  # type: ignore[method-assign]
    md.normalizeLinkText = _shortcut(md.normalizeLinkText)  # type: ignore[method-assign]


def _shortcut(normalize: Callable[[str], str]) -> Callable[[str], str]:
    def normalized(url: str) -> str:
        if PLAIN_URL.fullmatch(url) and "xn--" not in url.lower():
            return url
        return normalize(url)

    return normalized
