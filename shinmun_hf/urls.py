"""Where things live: site paths, public URLs (with ``base_path``) and output files.

A *site path* is relative to the site root and uses pretty URLs: ``""`` is the index,
``"2024/5/hello/"`` a post, ``"index.rss"`` a file. Every link the engine writes goes through
:meth:`Urls.url` (so ``base_path`` is honoured everywhere) and every absolute URL through
:meth:`Urls.absolute` (so feeds and the sitemap never point at localhost).
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urljoin

__all__ = ["LINK_IN_A_TAG", "Urls", "is_local", "output_file", "resolve_links"]

LINK_IN_A_TAG = r'(<[A-Za-z][^<>]*?\s(?:href|src|poster|action)=")'
"""The start of a link's value in an HTML tag, up to its opening quote; never in text, where
a code sample's ``&lt;a href="/x"&gt;`` has no ``<``."""


LINK_VALUE = re.compile(LINK_IN_A_TAG + '([^"]*)"')
HAS_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|//")
"""A URL with a scheme (``https:``, ``mailto:``, ``data:``) or a network path."""


def resolve_links(html: str, base: str) -> str:
    """The links in ``html`` resolved against ``base``, a URL or a root-relative path.

    For HTML shown away from its page: in a feed (``base`` absolute), or as a summary on a
    listing (``../welcome/`` and ``#section`` must still lead where they led on the post)."""

    def resolve(match: re.Match[str]) -> str:
        url = match[2]
        return match[0] if HAS_SCHEME.match(url) else f'{match[1]}{urljoin(base, url)}"'

    return LINK_VALUE.sub(resolve, html)


def is_local(url: str) -> bool:
    """Whether ``url`` points at this machine: feeds and links built with it work nowhere else."""
    from urllib.parse import urlsplit

    return urlsplit(url).hostname in ("localhost", "127.0.0.1", "::1")


class Urls:
    def __init__(self, site_url: str, base_path: str, permalink: str) -> None:
        self.site_url = site_url
        self.base_path = base_path
        self.permalink = permalink

    def url(self, site_path: str) -> str:
        """``"2024/5/hello/"`` -> ``"/blog/2024/5/hello/"`` for base_path ``/blog``."""
        if "://" in site_path or site_path.startswith(("#", "mailto:")):
            return site_path
        return f"{self.base_path}/{site_path.lstrip('/')}"

    def absolute(self, site_path: str) -> str:
        if "://" in site_path:
            return site_path
        return self.site_url + self.url(site_path)

    def post_path(self, date: dt.datetime, slug: str) -> str:
        return self.permalink.format(
            year=date.year, month=date.month, day=date.day, slug=slug
        ).lstrip("/")


def output_file(site_path: str) -> str:
    """The file written for a site path: directories get ``index.html``."""
    if site_path == "" or site_path.endswith("/"):
        return site_path + "index.html"
    return site_path
