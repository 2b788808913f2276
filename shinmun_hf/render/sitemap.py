"""``sitemap.xml``: every published HTML page, absolute URLs, ``lastmod`` for posts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

__all__ = ["sitemap"]

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(entries: Iterable[tuple[str, str | None]]) -> bytes:
    """``entries``: (absolute URL, lastmod date or None)."""
    urlset = ET.Element("urlset", {"xmlns": NS})
    for location, lastmod in entries:
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = location
        if lastmod:
            ET.SubElement(url, "lastmod").text = lastmod
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
