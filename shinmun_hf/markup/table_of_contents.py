"""Python-Markdown's ``toc`` extension, building the HTML table only for a ``[TOC]`` marker.

The stock extension collects the headings (the tokens the theme's table of contents is drawn
from) and then also builds, prettifies, serializes and post-processes an HTML table for every
document, to replace a ``[TOC]`` marker that almost no document has: a tenth of the rendering
time of a typical post. Here that HTML is built only when the marker occurs in the document.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from markdown.extensions.toc import TocExtension, TocTreeprocessor

__all__ = ["TableOfContentsExtension"]


class _MarkerOnlyTocTreeprocessor(TocTreeprocessor):
    def run(self, doc: ET.Element) -> None:
        configured = self.marker
        if configured and not any(configured in line for line in self.md.lines):
            self.marker = ""  # no marker to replace: the tokens are all that is needed
        try:
            super().run(doc)
        finally:
            self.marker = configured

    def build_toc_div(self, toc_list: list[dict[str, Any]]) -> ET.Element:
        if not self.marker:
            return ET.Element("div")
        return super().build_toc_div(toc_list)


class TableOfContentsExtension(TocExtension):
    """``toc`` with the same options; ``md.toc`` is empty when the document has no marker."""

    TreeProcessorClass = _MarkerOnlyTocTreeprocessor
