"""Smart punctuation (SmartyPants rules) in one pass over the finished element tree.

Python-Markdown's ``smarty`` extension adds a dozen inline patterns, each tried at every
position of every text node: on a typical post it costs as much as the rest of the rendering.
This rule makes the same substitutions with one regular expression per text node, after inline
parsing, skipping code, and deciding each quote by the character before it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

__all__ = ["SmartPunctuationExtension"]

TOKENS = re.compile(r"(?P<fixed>---|--|\.\.\.)|(?P<decade>'(?=\d\ds\b))|(?P<quote>['\"])")
OPENING_CONTEXT = frozenset(" \t\n\r([{<\u2013\u2014\u2018\u201c-/")
"""After these characters (or at the start of a block) a quote opens."""
FIXED = {"---": "\u2014", "--": "\u2013", "...": "\u2026"}
SKIPPED = frozenset({"code", "pre", "kbd", "samp", "script", "style", "math"})
BLOCKS = frozenset(
    {
        "p",
        "li",
        "dt",
        "dd",
        "td",
        "th",
        "blockquote",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figcaption",
        "caption",
        "summary",
        "ol",
        "ul",
        "table",
        "tr",
    }
)


def _has_token(text: str) -> bool:
    """Whether ``TOKENS`` can match anywhere in ``text``."""
    return "'" in text or '"' in text or "--" in text or "..." in text


class _SmartPunctuation(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        self._previous = " "
        self._walk(root)

    def _walk(self, element: ET.Element) -> None:
        if element.tag in BLOCKS:
            self._previous = " "
        if element.tag in SKIPPED:
            self._previous = "x"  # code counts as a word before what follows
        elif element.text:
            element.text = self._convert(element.text)
        if element.tag not in SKIPPED:
            for child in element:
                self._walk(child)
                if child.tail:
                    child.tail = self._convert(child.tail)

    def _convert(self, text: str) -> str:
        if not _has_token(text):  # most text: four substring tests instead of a regex pass
            self._previous = text[-1]
            return text
        before = self._previous

        def replace(match: re.Match[str]) -> str:
            if match.group("fixed"):
                return FIXED[match.group("fixed")]
            if match.group("decade"):
                return "\u2019"  # '80s
            start = match.start()
            opening = (text[start - 1] if start else before) in OPENING_CONTEXT
            if match.group("quote") == '"':
                return "\u201c" if opening else "\u201d"
            return "\u2018" if opening else "\u2019"

        converted = TOKENS.sub(replace, text)
        self._previous = text[-1]
        return converted


class SmartPunctuationExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.ESCAPED_CHARS.extend(c for c in "\"'" if c not in md.ESCAPED_CHARS)  # \" stays "
        # After inline parsing (20), before the stash is restored (unescape runs at 0).
        md.treeprocessors.register(_SmartPunctuation(md), "shinmun_smart_punctuation", 5)
