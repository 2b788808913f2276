"""Template helpers: Shinmun's helpers as Jinja2 globals and filters, usable from every layout.

Shinmun's helpers ran without the blog object and rendered empty strings from templates; these
are bound to the site when the environment is made, so they always work. Everything that
returns HTML builds it with :class:`markupsafe.Markup` and escapes every value it inserts.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from ..content.entry import reading_minutes
from ..incremental.facts import fact_key
from ..markup.headings import toc_html as contents_list
from ..project.oauth_client import published_variables
from ..project.variables import variables_script_tag
from ..site.model import MONTHS, Document, Pagination, Site, Taxonomy

__all__ = ["make_filters", "make_globals", "paginate"]


def human_date(value: dt.date | dt.datetime | None) -> str:
    """``October 10, 2008``."""
    if value is None:
        return ""
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def iso_date(value: dt.date | dt.datetime | None) -> str:
    """``2008-10-10T09:30:00+02:00`` (dates alone: ``2008-10-10``)."""
    return value.isoformat() if value is not None else ""


def rfc822(value: dt.datetime | None) -> str:
    """``Fri, 10 Oct 2008 09:30:00 +0200`` as RSS wants it."""
    import email.utils  # only feeds need it: a one-edit build that renders no feed never imports it

    return email.utils.format_datetime(value) if value is not None else ""


def word_count(value: Document | str) -> int:
    if isinstance(value, Document):
        return value.word_count
    return len(re.findall(r"\w+", Markup(str(value)).striptags()))


def reading_time(value: Document | str) -> str:
    """``N min read`` at 200 words a minute, code excluded; never less than one minute."""
    if isinstance(value, Document):
        minutes = value.reading_minutes  # depends on the minutes, not on every word
    else:
        minutes = reading_minutes(word_count(value))
    return f"{minutes} min read"


def paginate(
    items: list[Any], per_page: int, page: int = 1, url_for_page: Any = None
) -> Pagination:
    """Split ``items`` into pages; ``url_for_page(n)`` gives each page's URL."""
    total = max(1, math.ceil(len(items) / per_page))
    page = min(max(1, page), total)
    chunk = items[(page - 1) * per_page : page * per_page]
    return Pagination(chunk, page, total, len(items), url_for_page)


def toc_html(document: Document | list[dict[str, Any]]) -> Markup:
    """A nested ``<ul>`` of the headings ``##``..``######`` with links to their anchors (the
    same list a ``[TOC]`` marker in the text becomes)."""
    tokens = document.toc if isinstance(document, Document) else document
    return Markup(contents_list(tokens))


TABLE_START = re.compile(r"<table\b", re.I)
TABLE_END = re.compile(r"</table\s*>", re.I)


def scrollable_tables(html: Markup | str) -> Markup:
    """Each table of rendered content inside a ``<div class="table-scroll">``, a box the theme
    scrolls sideways: a table as wide as the text column on a desktop, and one wider than a
    phone's screen scrolls instead of being cut. (Code shown in the text is escaped, so only
    real tables match.)"""
    text = str(html)
    if "<table" not in text and "<TABLE" not in text:
        return Markup(text)
    text = TABLE_START.sub(lambda m: '<div class="table-scroll">' + m.group(), text)
    return Markup(TABLE_END.sub(lambda m: m.group() + "</div>", text))


def make_filters() -> dict[str, Any]:
    return {
        "scrollable_tables": scrollable_tables,
        "human_date": human_date,
        "iso_date": iso_date,
        "rfc822": rfc822,
        "reading_time": reading_time,
        "word_count": word_count,
        "toc": toc_html,
    }


def make_globals(site: Site) -> dict[str, Any]:
    """Globals bound to ``site``."""
    urls = site.urls

    def url(path: str = "") -> str:
        return urls.url(path)

    def absolute_url(path: str = "") -> str:
        return urls.absolute(path)

    def post_path(post: Document) -> str:
        return post.url

    def post_link(post: Document, text: str | None = None) -> Markup:
        return _link(post.url, text or post.title)

    def archive_link(year: int, month: int) -> Markup:
        return _link(urls.url(f"{year}/{month}/"), f"{MONTHS[month - 1]} {year}")

    @pass_context
    def navi_link(context: Context, title: str, path: str) -> Markup:
        """A navigation link, marked ``aria-current="page"`` on the page it points to."""
        href = urls.url(path)
        current = context.get("page", {}).get("url") if context.get("page") else None
        if current is not None and _same_section(current, href, urls.url("")):
            return _link(href, title, ' class="active" aria-current="page"')
        return _link(href, title)

    def related_posts(post: Document, limit: int = 5) -> list[Document]:
        return site.related_posts(post, limit)

    def recent_posts(limit: int = 5) -> list[Document]:
        return site.recent_posts(limit)

    def tags_with_counts() -> list[Taxonomy]:
        site.record_fact(fact_key("tags"))
        return site.tags

    def categories_with_counts() -> list[Taxonomy]:
        site.record_fact(fact_key("categories"))
        return site.categories

    @pass_context
    def seo_meta_tags(context: Context) -> Markup:
        """Description, canonical URL, Open Graph and Twitter card for the current page."""
        page = context.get("page") or {}
        post = context.get("post")
        title = page.get("title") or site.config.title
        description = page.get("description") or site.config.description
        canonical = urls.site_url + page.get("url", urls.url(""))
        tags = [
            ('<meta name="description" content="{}">', description),
            ('<link rel="canonical" href="{}">', canonical),
            ('<meta property="og:site_name" content="{}">', site.config.title),
            ('<meta property="og:title" content="{}">', title),
            ('<meta property="og:description" content="{}">', description),
            ('<meta property="og:url" content="{}">', canonical),
            ('<meta property="og:type" content="{}">', "article" if post else "website"),
            ('<meta name="twitter:card" content="{}">', "summary"),
            ('<meta name="twitter:title" content="{}">', title),
            ('<meta name="twitter:description" content="{}">', description),
        ]
        if post is not None and post.date:
            tags.append(
                ('<meta property="article:published_time" content="{}">', iso_date(post.date))
            )
            tags.extend(('<meta property="article:tag" content="{}">', t) for t in post.tags)
        if site.config.language:
            tags.append(
                ('<meta property="og:locale" content="{}">', site.config.language.replace("-", "_"))
            )
        return Markup("\n".join(t.replace("{}", escape(v)) for t, v in tags if v))

    made: list[Markup] = []  # the same tag on every page: made once, on first use

    def site_variables_script_tag() -> Markup:
        if not made:
            made.append(variables_script_tag(published_variables(site.config)))
        return made[0]

    return {
        "site": SiteView(site),
        "config": site.config,
        "url": url,
        "absolute_url": absolute_url,
        "post_path": post_path,
        "post_link": post_link,
        "archive_link": archive_link,
        "navi_link": navi_link,
        "related_posts": related_posts,
        "recent_posts": recent_posts,
        "tags_with_counts": tags_with_counts,
        "categories_with_counts": categories_with_counts,
        "seo_meta_tags": seo_meta_tags,
        "variables_script_tag": site_variables_script_tag,
        "paginate": paginate,
        **make_filters(),  # the filters are callable as functions too
    }


class SiteView:
    """``site`` in templates: site-wide data, each access recorded as a dependency."""

    def __init__(self, site: Site) -> None:
        self._site = site

    config = property(lambda self: self._site.config)
    title = property(lambda self: self._site.config.title)
    description = property(lambda self: self._site.config.description)
    url = property(lambda self: self._site.urls.url(""))

    def _recorded(self, kind: str, value: Any) -> Any:
        self._site.record_fact(fact_key(kind))
        return value

    posts = property(lambda self: self._recorded("posts", self._site.posts))
    pages = property(lambda self: self._recorded("pages", self._site.pages))
    categories = property(lambda self: self._recorded("categories", self._site.categories))
    tags = property(lambda self: self._recorded("tags", self._site.tags))
    archives = property(lambda self: self._recorded("archives", self._site.archives))


def _link(href: str, text: str, attributes: str = "") -> Markup:
    """``<a href="...">text</a>`` with both escaped (f-strings: this runs for every link)."""
    return Markup(f'<a href="{escape(href)}"{attributes}>{escape(text)}</a>')


def _same_section(current: str, href: str, home: str) -> bool:
    if href == home:
        return current == home
    return current == href or current.startswith(href.rstrip("/") + "/")
