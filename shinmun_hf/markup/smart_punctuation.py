"""Smart punctuation (SmartyPants' rules) for the text of one block, in one regular expression.

Both dialects feed a block's text runs through :class:`SmartPunctuation` in order, skipping code
(which counts as a word for the quote that follows it). Each quote is decided by the character
before it, so a run that starts a block opens its quote.
"""

from __future__ import annotations

import re

__all__ = ["SmartPunctuation"]

TOKENS = re.compile(r"(?P<fixed>---|--|\.\.\.)|(?P<decade>'(?=\d\ds\b))|(?P<quote>['\"])")
OPENING_CONTEXT = frozenset(" \t\n\r([{<\u2013\u2014\u2018\u201c-/")
"""After these characters (or at the start of a block) a quote opens."""
FIXED = {"---": "\u2014", "--": "\u2013", "...": "\u2026"}


class SmartPunctuation:
    """Converts the text runs of a block, remembering the last character seen."""

    __slots__ = ("previous",)

    def __init__(self) -> None:
        self.previous = " "

    def start_block(self) -> None:
        self.previous = " "

    def skip(self, text: str = "x") -> None:
        """Text left as it is (code, an escaped quote): only its last character counts."""
        if text:
            self.previous = text[-1]

    def convert(self, text: str) -> str:
        if not text:
            return text
        if "'" not in text and '"' not in text and "--" not in text and "..." not in text:
            self.previous = text[-1]  # most text: four substring tests instead of a regex pass
            return text
        before = self.previous

        def replace(match: re.Match[str]) -> str:
            if match["fixed"]:
                return FIXED[match["fixed"]]
            if match["decade"]:
                return "\u2019"  # '80s
            start = match.start()
            opening = (text[start - 1] if start else before) in OPENING_CONTEXT
            if match["quote"] == '"':
                return "\u201c" if opening else "\u201d"
            return "\u2018" if opening else "\u2019"

        converted = TOKENS.sub(replace, text)
        self.previous = text[-1]
        return converted
