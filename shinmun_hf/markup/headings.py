"""Heading ids and the outline, made by the project for both dialects alike.

Ids are Python-Markdown's ``toc`` rules (ASCII letters and digits, ``-`` between words, ``_1``
for a repeat), which every ``#anchor`` written for this engine so far relies on; markdown-it's
own anchors differ (``héllo-world``, ``c--rust``). Working on the HTML either parser produces
keeps them in one place. A heading may set its own id as ``## Title {#my-id}``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

__all__ = ["Heading", "add_heading_ids", "outline", "slug", "toc_html", "unique"]

HEADING = re.compile(r"<h([1-6])((?:\s[^>]*)?)>(.*?)</h\1>", re.S)
ID_ATTRIBUTE = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
OWN_ID = re.compile(r"\s*\{\s*#([A-Za-z][\w:.-]*)\s*\}\s*$")
"""``{#my-id}`` at the end of a heading (Hugo's and Pandoc's spelling)."""
FOOTNOTE_REFERENCE = re.compile(r"<sup\b[^>]*\bid=\"fnref\d*:[^\"]*\"[^>]*>.*?</sup>", re.S)
TAG = re.compile(r"<[^>]+>")
NUMBERED = re.compile(r"^(.*)_([0-9]+)$")
OUTLINE_LEVELS = range(2, 7)
"""The outline (the contents box) lists ``##`` to ``######``: ``#`` is the page's title."""

Heading = dict[str, Any]
"""``{level, id, name, html, children}``: ``name`` is the heading's text (HTML-escaped)."""


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


def add_heading_ids(body: str) -> tuple[str, list[Heading]]:
    """Give every heading without one an id; return the HTML and the flat list of headings."""
    if "<h" not in body:
        return body, []
    used = {m[1] or m[2] or m[3] for m in ID_ATTRIBUTE.finditer(body)}
    headings: list[Heading] = []

    def with_id(match: re.Match[str]) -> str:
        level, attributes, inner = match[1], match[2], match[3]
        existing = ID_ATTRIBUTE.search(attributes)
        own = OWN_ID.search(inner) if existing is None else None
        if own:
            inner = inner[: own.start()]
            heading_id = unique(own[1], used)
        elif existing:
            heading_id = existing[1] or existing[2] or existing[3] or ""
        text = html.unescape(TAG.sub("", FOOTNOTE_REFERENCE.sub("", inner))).strip()
        if not own and not existing:
            heading_id = unique(slug(text), used)
        headings.append(
            {"level": int(level), "id": heading_id, "name": html.escape(text), "html": inner}
        )
        if existing:
            return f"<h{level}{attributes}>{inner}</h{level}>"
        return f'<h{level} id="{html.escape(heading_id)}"{attributes}>{inner}</h{level}>'

    return HEADING.sub(with_id, body), headings


def outline(headings: list[Heading]) -> list[Heading]:
    """The headings ``##``..``######`` nested by level (the contents box's tree)."""
    root: list[Heading] = []
    stack: list[Heading] = []
    for heading in headings:
        if heading["level"] not in OUTLINE_LEVELS:
            continue
        node = {**heading, "children": []}
        while stack and stack[-1]["level"] >= node["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(node)
        stack.append(node)
    return root


def toc_html(nodes: list[Heading]) -> str:
    """A nested ``<ul>`` of links to the headings; empty for no headings."""
    if not nodes:
        return ""
    items = "".join(
        f'<li><a href="#{html.escape(n["id"])}">{n["name"]}</a>{toc_html(n["children"])}</li>'
        for n in nodes
    )
    return f"<ul>{items}</ul>"
