"""Heading ids and the outline, by the same rules in both dialects.

Ids are Python-Markdown's ``toc`` rules (ASCII letters and digits, ``-`` between words, ``_1``
for a repeat), which every ``#anchor`` written for this engine so far relies on; markdown-it's
own anchors differ (``héllo-world``, ``c--rust``). A heading may set its own id as
``## Title {#my-id}``; ids set so are reserved before any other is made, so an automatic id
never takes one. Each dialect hands its Markdown headings (never raw HTML) to
:func:`assign_ids`: markdown-it as tokens (:mod:`.gfm.headings`), Python-Markdown as elements.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

__all__ = [
    "FOOTNOTE_REFERENCE",
    "Heading",
    "assign_ids",
    "outline",
    "own_id",
    "slug",
    "toc_html",
    "unique",
]

OWN_ID = re.compile(r"\s*\{\s*#([A-Za-z][\w:.-]*)\s*\}\s*$")
"""``{#my-id}`` at the end of a heading (Hugo's and Pandoc's spelling)."""
FOOTNOTE_REFERENCE = re.compile(r"<sup\b[^>]*\bid=\"fnref\d*:[^\"]*\"[^>]*>.*?</sup>", re.S)
NUMBERED = re.compile(r"^(.*)_([0-9]+)$")
OUTLINE_LEVELS = range(2, 7)
"""The outline (the contents box) lists ``##`` to ``######``: ``#`` is the page's title."""


@dataclass(slots=True)
class Heading:
    """A Markdown heading as its dialect found it."""

    level: int
    name: str
    """The heading's text, HTML-escaped (footnote references left out)."""
    id: str | None = None
    """Set by the author (``{#id}``, or an attribute list), or by :func:`assign_ids`."""


def slug(text: str) -> str:
    """``Héllo, World!`` -> ``hello-world`` (accents folded, other non-ASCII dropped)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^\w\s-]", "", ascii_text).strip().lower()
    return re.sub(r"[-\s]+", "-", words)


def unique(candidate: str, used: set[str]) -> str:
    """``candidate``, or ``candidate_1``, ``_2``... whichever is free (and never empty)."""
    while candidate in used or not candidate:
        numbered = NUMBERED.match(candidate)
        candidate = f"{numbered[1]}_{int(numbered[2]) + 1}" if numbered else f"{candidate}_1"
    used.add(candidate)
    return candidate


def own_id(text: str) -> tuple[str, str | None]:
    """``Title {#intro}`` -> ``("Title", "intro")``; other text -> ``(text, None)``."""
    found = OWN_ID.search(text)
    return (text[: found.start()], found[1]) if found else (text, None)


def assign_ids(headings: list[Heading], taken: set[str] | None = None) -> None:
    """Give each heading without an id one made from its text, never one that is taken."""
    used = {h.id for h in headings if h.id} | (taken or set())
    for heading in headings:
        if not heading.id:
            heading.id = unique(slug(html.unescape(heading.name)), used)


def outline(headings: list[Heading]) -> list[dict[str, Any]]:
    """The headings ``##``..``######`` nested by level: ``{level, id, name, children}``."""
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for heading in headings:
        if heading.level not in OUTLINE_LEVELS:
            continue
        node = {"level": heading.level, "id": heading.id, "name": heading.name, "children": []}
        while stack and stack[-1]["level"] >= node["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(node)
        stack.append(node)
    return root


def toc_html(nodes: list[dict[str, Any]]) -> str:
    """A nested ``<ul>`` of links to the headings; empty for no headings."""
    if not nodes:
        return ""
    items = "".join(
        f'<li><a href="#{html.escape(n["id"])}">{n["name"]}</a>{toc_html(n["children"])}</li>'
        for n in nodes
    )
    return f"<ul>{items}</ul>"
