"""Heading ids on Python-Markdown's element tree, by the shared rules (:mod:`..headings`).

Names are what the ``toc`` extension made them (the inner HTML, footnote references left out,
tags stripped), and every id an element already has is taken, as ``toc`` took it, so ids stay
those of earlier versions.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.toc import remove_fnrefs, render_inner_html, strip_tags
from markdown.treeprocessors import Treeprocessor

from ..headings import Heading, assign_ids

__all__ = ["HeadingIdsExtension"]

LEVELS = {f"h{n}": n for n in range(1, 7)}


class _HeadingIds(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        taken = {el.attrib["id"] for el in root.iter() if el.attrib.get("id")}
        found: list[tuple[Heading, ET.Element]] = []
        for element in root.iter():
            level = LEVELS.get(element.tag) if isinstance(element.tag, str) else None
            if level is None:
                continue
            name = strip_tags(render_inner_html(remove_fnrefs(element), self.md))
            found.append((Heading(level, name, element.attrib.get("id") or None), element))
        headings = [heading for heading, _ in found]
        assign_ids(headings, taken)
        for heading, element in found:
            element.attrib["id"] = heading.id or ""
        self.md.shinmun_headings = headings  # type: ignore[attr-defined]


class HeadingIdsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.shinmun_headings = []  # type: ignore[attr-defined]
        # After smart punctuation (5), before the stash is restored (0), where toc ran.
        md.treeprocessors.register(_HeadingIds(md), "shinmun_heading_ids", 4)
