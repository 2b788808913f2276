"""The ``python-markdown`` dialect: Python-Markdown with the extensions Pelican and MkDocs sites
use (fenced code, tables, footnotes, attribute lists, definition lists). Glue only: the directives,
the heading-id rules, highlighting and everything after parsing are shared with the ``gfm``
dialect.

One ``Markdown`` instance is kept per process and setting, reset between documents: building
one costs more than converting a typical post.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..headings import Heading
from ..highlighting import CSS_CLASS, formatter_for, use_in_codehilite
from ..smart_punctuation import SmartPunctuation
from .headings import HeadingIdsExtension
from .inline_prefilter import InlinePrefilterExtension

__all__ = ["fenced_lines", "render"]

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")

SKIPPED = frozenset({"code", "pre", "kbd", "samp", "script", "style", "math"})
BLOCKS = frozenset(
    [
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
    ]
)


def render(text: str, *, smart_punctuation: bool) -> tuple[str, list[Heading]]:
    """The HTML of ``text`` and its headings (with their ids)."""
    md = _markdown(smart_punctuation)
    md.reset()
    md.shinmun_headings = []  # type: ignore[attr-defined]
    html = md.convert(text)
    return html, md.shinmun_headings  # type: ignore[attr-defined]


def fenced_lines(text: str) -> set[int]:
    """The 0-based lines inside fenced code, as Python-Markdown's ``fenced_code`` finds them:
    fences at the start of a line (up to three spaces), never inside a list or quote."""
    inside: set[int] = set()
    fence: str | None = None
    for number, line in enumerate(text.split("\n")):
        opened = FENCE.match(line)
        if fence is not None:
            inside.add(number)
            if opened and opened[1].startswith(fence) and not opened[2].strip():
                fence = None
        elif opened and not (opened[1][0] == "`" and "`" in opened[2]):
            fence = opened[1]
            inside.add(number)
    return inside


@cache
def _markdown(smart_punctuation: bool) -> Markdown:
    # Extensions as instances: given by name, each would make Markdown scan every installed
    # package's entry points first (an ``importlib.metadata`` scan in every process).
    from markdown.extensions.attr_list import AttrListExtension
    from markdown.extensions.codehilite import CodeHiliteExtension
    from markdown.extensions.def_list import DefListExtension
    from markdown.extensions.fenced_code import FencedCodeExtension
    from markdown.extensions.footnotes import FootnoteExtension
    from markdown.extensions.tables import TableExtension

    use_in_codehilite()
    extensions: list[Extension] = [
        FencedCodeExtension(),
        CodeHiliteExtension(
            css_class=CSS_CLASS, guess_lang=False, wrapcode=True, pygments_formatter=formatter_for
        ),
        TableExtension(),
        FootnoteExtension(BACKLINK_TITLE="Back to reference %d"),
        AttrListExtension(),
        DefListExtension(),
        InlinePrefilterExtension(),
        HeadingIdsExtension(),
    ]
    if smart_punctuation:
        extensions.append(_SmartPunctuationExtension())
    return Markdown(extensions=extensions, output_format="html")


class _SmartPunctuationTreeprocessor(Treeprocessor):
    """One pass over the finished element tree: Python-Markdown's ``smarty`` adds a dozen
    inline patterns, tried at every position of every text node."""

    def run(self, root: ET.Element) -> None:
        self._smart = SmartPunctuation()
        self._walk(root)

    def _walk(self, element: ET.Element) -> None:
        smart = self._smart
        if element.tag in BLOCKS:
            smart.start_block()
        if element.tag in SKIPPED or (element.tag == "a" and element.text == element.get("href")):
            smart.skip()  # code, and a URL shown as written (an autolink)
            return
        if element.text:
            element.text = smart.convert(element.text)
        for child in element:
            self._walk(child)
            if child.tail:
                child.tail = smart.convert(child.tail)


class _SmartPunctuationExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.ESCAPED_CHARS.extend(c for c in "\"'" if c not in md.ESCAPED_CHARS)  # \" stays "
        # After inline parsing (20), before the stash is restored (unescape runs at 0).
        md.treeprocessors.register(_SmartPunctuationTreeprocessor(md), "shinmun_smart", 5)
