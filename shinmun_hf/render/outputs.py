"""Every file the site consists of, and how each one is made.

:func:`plan_outputs` lists them from the site model; :meth:`Output.render` makes one while
recording the facts it reads. The list is cheap to compute, so every build computes it whole and
only the rendering is skipped for outputs whose recorded facts have not changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import unquote

from ..components import PLACEHOLDER
from ..content.entry import POST
from ..incremental.facts import fact_key, record, recording
from ..project.oauth_client import CIMD_FILE, metadata_document
from ..site.model import Document, Site
from ..urls import output_file
from .feeds import atom_feed, rss_feed
from .search_index import search_index
from .sitemap import sitemap
from .template_api import paginate
from .templates import Layouts, template_error

__all__ = ["Output", "document_output", "link_components", "plan_outputs", "without_referrer"]


@dataclass(slots=True)
class Output:
    file: str
    """Path of the output file below the site root."""
    layout: str | None
    """The layout it is rendered with (None: built in Python)."""
    describe: str
    """What it is, for error messages: ``post content/posts/x.md``."""
    source: str | None
    """The content file it comes from, if any (errors point there when not in a layout)."""
    make: Callable[[], Any]
    """Returns the template context (layout outputs) or the bytes (Python outputs)."""
    optional: bool = False
    """Made only when its layout exists (a theme from before it may not have it)."""

    def render(self, layouts: Layouts, site: Site) -> tuple[bytes, dict[str, str]]:
        with recording() as recorder:
            if self.layout is None:
                data = self.make()
            else:
                template = layouts.get(self.layout)
                try:
                    html = template.render(self.make())
                except Exception as exc:
                    raise template_error(
                        exc, rendering=self.describe, fallback=f"layouts/{self.layout}"
                    ) from None
                data = link_components(html, site).encode()
        return data, recorder.facts


def link_components(html: str, site: Site) -> str:
    """Each component's first placeholder becomes its ``<script>``; later ones disappear."""
    if "<!--shinmun-component:" not in html:
        return html
    seen: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        key = unquote(match.group(1))  # (see script_placeholder)
        if key in seen:
            return ""
        seen.add(key)
        fact = fact_key("component", key)
        record(fact, site.fact(fact) or "")  # (needs only site.fact)
        url_path = site.component_urls.get(key)
        if url_path is not None:
            return f'<script type="module" src="{escape(site.urls.url(url_path))}"></script>'
        error = site.component_errors.get(key)
        if error is not None:
            return (
                '<div class="typescript-error" role="alert"><strong>TypeScript compilation '
                f"error</strong><pre>{escape(error)}</pre></div>"
            )
        return ""

    return without_referrer(PLACEHOLDER.sub(replace, html))


REFERRER_META = re.compile(r"<meta\s[^>]*\bname\s*=\s*[\"']?referrer\b", re.I)
COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
BODY_START = re.compile(r"<body\b", re.I)
HEAD_START = re.compile(r"<head(?:\s[^>]*)?>|<html(?:\s[^>]*)?>|<!doctype\b[^>]*>", re.I)
NO_REFERRER = '<meta name="referrer" content="no-referrer">'


def without_referrer(html: str) -> str:
    """A page with a component sends no Referer, whatever its layout.

    The sign-in widget's callback URL carries the authorization code: no request the page makes
    may repeat it to another site. The default theme sets ``no-referrer`` on such pages; a
    layout that does not extend it gets the same policy here, unless its head sets one itself.
    Comments are ignored both ways, and a layout that leaves out the optional ``<head>`` tag
    gets the policy after ``<html>`` or the doctype (where the parser opens the head)."""
    # Comments blanked out, same length: positions found in ``scan`` are positions in ``html``.
    scan = COMMENT.sub(lambda m: " " * len(m.group()), html)
    body = BODY_START.search(scan)
    head = scan[: body.start()] if body else scan
    if REFERRER_META.search(head):
        return html
    first = {m.group()[:5].lower(): m for m in reversed(list(HEAD_START.finditer(head)))}
    found = first.get("<head") or first.get("<html") or first.get("<!doc")
    at = found.end() if found else 0
    return html[:at] + NO_REFERRER + html[at:]


def _page(title: str, url: str, kind: str, description: str = "") -> dict[str, str]:
    return {"title": title, "url": url, "kind": kind, "description": description}


def document_output(doc: Document) -> Output:
    """The page of one post or page."""

    def make() -> dict[str, Any]:
        record(fact_key("entry", doc.source), doc.digest)
        page = _page(doc.title, doc.url, doc.kind, doc.description)
        return {"post" if doc.is_post else "page_doc": doc, "document": doc, "page": page}

    # The outline read once, not through the document's properties: this runs for every
    # document on every build.
    outline = doc.outline
    kind, source = outline.kind, outline.source
    layout = outline.layout or ("post.html" if kind == POST else "page.html")
    return Output(doc.output_file, layout, f"{kind} {source}", source, make)


def plan_outputs(site: Site, documents: Iterable[Document] | None = None) -> list[Output]:
    """Every output of the site; of the posts' and pages' own pages only those of
    ``documents``, if given (a build that knows the others are fresh)."""
    outputs: list[Output] = []
    urls = site.urls
    config = site.config

    if documents is None:
        documents = (*site.posts, *site.pages)
    outputs.extend(map(document_output, documents))

    def listing(
        name: str, base: str, layout: str, title: str, extra: dict[str, Any], items: list[Document]
    ) -> None:
        per_page = config.posts_per_page
        total = max(1, -(-len(items) // per_page))

        def page_url(n: int) -> str:
            return urls.url(base if n == 1 else f"{base}page/{n}/")

        for number in range(1, total + 1):
            site_path = base if number == 1 else f"{base}page/{number}/"

            def make(number: int = number) -> dict[str, Any]:
                site.record_fact(fact_key("listing", name, number))
                pagination = paginate(items, per_page, number, page_url)
                site.load_entries(pagination.items)
                page_title = title if number == 1 else f"{title} (page {number})"
                page = _page(page_title, page_url(number), "listing", config.description)
                return {**extra, "pagination": pagination, "posts": pagination.items, "page": page}

            outputs.append(
                Output(output_file(site_path), layout, f"{name} page {number}", None, make)
            )

    listing("index", "", "index.html", config.title, {}, site.posts)
    for category in site.categories:
        listing(
            category.listing_name,
            category.site_path,
            "category.html",
            category.name,
            {"category": category},
            category.items,
        )
    for tag in site.tags:
        listing(
            tag.listing_name,
            tag.site_path,
            "tag.html",
            f"Posts tagged “{tag.name}”",
            {"tag": tag},
            tag.items,
        )

    for archive in site.archives:

        def make_archive(archive=archive) -> dict[str, Any]:  # type: ignore[no-untyped-def]
            site.record_fact(archive.fact_key)
            site.load_entries(archive.items)
            page = _page(archive.title, archive.url, "archive")
            return {"archive": archive, "posts": archive.items, "page": page}

        outputs.append(
            Output(
                output_file(archive.site_path),
                "archive.html",
                f"archive {archive.title}",
                None,
                make_archive,
            )
        )

    def make_archives() -> dict[str, Any]:
        site.record_fact(fact_key("archives"))
        site.load_entries(site.posts)  # the theme lists every post's title
        return {
            "archives": site.archives,
            "page": _page("Archives", urls.url("archives/"), "archives"),
        }

    outputs.append(
        Output("archives/index.html", "archives.html", "the archive index", None, make_archives)
    )
    for name, title in (("tags", "Tags"), ("categories", "Categories")):

        def make_index(name: str = name, title: str = title) -> dict[str, Any]:
            return {"page": _page(title, urls.url(f"{name}/"), name)}

        outputs.append(
            Output(
                f"{name}/index.html",
                f"{name}.html",
                f"the {name} index",
                None,
                make_index,
                optional=True,
            )
        )
    outputs.append(
        Output(
            "404.html",
            "404.html",
            "the 404 page",
            None,
            lambda: {"page": _page("Page not found", urls.url("404.html"), "404")},
        )
    )

    def feed_posts() -> list[Document]:
        posts = site.recent_posts(config.feed_limit)
        site.load_entries(posts)
        return posts

    outputs.append(
        Output("index.rss", None, "the RSS feed", None, lambda: rss_feed(site, feed_posts()))
    )
    outputs.append(
        Output("atom.xml", None, "the Atom feed", None, lambda: atom_feed(site, feed_posts()))
    )

    def make_sitemap() -> bytes:
        for kind in ("addresses", "categories", "tags"):
            site.record_fact(fact_key(kind))
        entries: list[tuple[str, str | None]] = [(urls.absolute(""), None)]
        for doc in site.posts:
            lastmod = (doc.updated or doc.date).date().isoformat()  # type: ignore[union-attr]
            entries.append((doc.absolute_url, lastmod))
        entries.extend((doc.absolute_url, None) for doc in site.pages)
        entries.extend((urls.absolute(t.site_path), None) for t in (*site.categories, *site.tags))
        if site.archives:
            entries.append((urls.absolute("archives/"), None))
        return sitemap(entries)

    outputs.append(Output("sitemap.xml", None, "the sitemap", None, make_sitemap))

    def make_search_index() -> bytes:
        site.record_fact(fact_key("search"))
        site.load_entries()
        return search_index([*site.posts, *site.pages])

    outputs.append(Output("search-index.json", None, "the search index", None, make_search_index))
    cimd = metadata_document(config)  # (config is every output's input: no facts to record)
    if cimd is not None:
        outputs.append(Output(CIMD_FILE, None, "the client metadata document", None, lambda: cimd))
    return outputs
