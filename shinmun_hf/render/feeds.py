"""RSS 2.0 (``/index.rss``) and Atom (``/atom.xml``), with full content and absolute URLs.

Built with ElementTree rather than templates: every value is escaped by construction, and
characters XML 1.0 cannot hold at all (control characters from pasted terminal output) are
dropped, so the result is well-formed XML whatever the content holds.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ..site.model import Document, Site
from ..urls import resolve_links
from .template_api import rfc822

__all__ = ["atom_feed", "rss_feed"]

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
ET.register_namespace("atom", ATOM_NS)
ET.register_namespace("content", CONTENT_NS)
ET.register_namespace("dc", DC_NS)


NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters no XML 1.0 document may contain, even escaped: one makes a reader drop the feed."""


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: NOT_IN_XML.sub("", v) for k, v in attrib.items()})
    if text is not None:
        element.text = NOT_IN_XML.sub("", text)
    return element


def _content(site: Site, post: Document) -> str:
    """The post's HTML with its links absolute: RSS has no base URL, and a reader showing an
    Atom entry resolves ``#fn:1`` against the feed, not the post."""
    return resolve_links(site.placeholder_free(str(post.content)), post.absolute_url)


def _latest(posts: Sequence[Document]) -> dt.datetime:
    dates = [p.updated or p.date for p in posts if p.date]
    return max(dates) if dates else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def rss_feed(site: Site, posts: Sequence[Document]) -> bytes:
    config = site.config
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", config.title)
    _sub(channel, "link", site.urls.absolute(""))
    _sub(channel, "description", config.description or config.title)
    _sub(channel, "language", config.language)
    _sub(
        channel,
        f"{{{ATOM_NS}}}link",
        href=site.urls.absolute("index.rss"),
        rel="self",
        type="application/rss+xml",
    )
    _sub(channel, "lastBuildDate", rfc822(_latest(posts)))
    _sub(channel, "generator", "shinmun-hf")
    for post in posts:
        item = _sub(channel, "item")
        _sub(item, "title", post.title)
        _sub(item, "link", post.absolute_url)
        _sub(item, "guid", post.absolute_url, isPermaLink="true")
        _sub(item, "pubDate", rfc822(post.date))
        if post.author:  # RSS's <author> must be an e-mail address; a name goes in dc:creator
            _sub(item, f"{{{DC_NS}}}creator", post.author)
        if post.category:
            _sub(item, "category", post.category)
        for tag in post.tags:
            _sub(item, "category", tag)
        _sub(item, "description", post.description)
        _sub(item, f"{{{CONTENT_NS}}}encoded", _content(site, post))
    return _serialize(rss)


def atom_feed(site: Site, posts: Sequence[Document]) -> bytes:
    config = site.config
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", config.language)
    feed.set("{http://www.w3.org/XML/1998/namespace}base", site.urls.absolute(""))
    ns = f"{{{ATOM_NS}}}"
    _sub(feed, ns + "id", site.urls.absolute(""))
    _sub(feed, ns + "title", config.title)
    if config.description:
        _sub(feed, ns + "subtitle", config.description)
    _sub(feed, ns + "updated", _latest(posts).isoformat())
    _sub(
        feed,
        ns + "link",
        href=site.urls.absolute("atom.xml"),
        rel="self",
        type="application/atom+xml",
    )
    _sub(feed, ns + "link", href=site.urls.absolute(""), rel="alternate", type="text/html")
    _sub(feed, ns + "generator", "shinmun-hf")
    # RFC 4287 4.1.1: a feed names an author unless every entry does; the site's title then.
    _sub(_sub(feed, ns + "author"), ns + "name", config.author or config.title)
    for post in posts:
        entry = _sub(feed, ns + "entry")
        _sub(entry, ns + "id", post.absolute_url)
        _sub(entry, ns + "title", post.title)
        _sub(entry, ns + "link", href=post.absolute_url, rel="alternate", type="text/html")
        assert post.date is not None
        _sub(entry, ns + "published", post.date.isoformat())
        _sub(entry, ns + "updated", (post.updated or post.date).isoformat())
        if post.author:
            _sub(_sub(entry, ns + "author"), ns + "name", post.author)
        if post.category:
            _sub(entry, ns + "category", term=post.category)
        for tag in post.tags:
            _sub(entry, ns + "category", term=tag)
        _sub(entry, ns + "summary", post.description)
        _sub(entry, ns + "content", _content(site, post), type="html")
    return _serialize(feed)


def _serialize(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
