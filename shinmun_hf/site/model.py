"""The site model: published posts and pages, taxonomies, archives, neighbours, related posts.

Built fresh on every build from the entries (cheap: no Markdown work happens here). Objects
handed to templates record what they expose (see :mod:`shinmun_hf.incremental.facts`), and
:meth:`Site.fact` recomputes any recorded fact, which is how an unchanged output is recognised.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup

from ..components import PLACEHOLDER, ComponentRef
from ..content.entry import PAGE, POST, Entry, EntryOutline, reading_minutes
from ..content.slugs import slugify
from ..digests import digest_of
from ..errors import BuildError
from ..incremental.entry_codec import EncodedOutline, decode_outline, outline_field
from ..incremental.facts import (
    fact_key,
    parse_fact_key,
    record,
    split_taxonomy_name,
    taxonomy_name,
)
from ..incremental.records import RelatedMemo, SiteShape
from ..project.config import Config
from ..project.options import WorkDone
from ..urls import Urls, output_file, resolve_links
from .related import RelatedIndex

__all__ = ["Archive", "Document", "Pagination", "RelatedMemo", "Site", "SiteShape", "Taxonomy"]

PER_DOCUMENT = ("entry", "body", "words", "minutes")
"""Fact kinds that depend on one document's own file only."""

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


class MissingField(jinja2.StrictUndefined):
    """A front-matter field a document lacks: false in ``{% if %}``, empty in ``{% for %}``,
    ``default()``-able, but an error when printed, so a typo (``post.titel``) fails the build
    instead of printing "None"."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __len__(self) -> int:
        return 0

    # Compared and hashed like a lenient Undefined: `{% if post.x == "y" %}` is just false.
    __eq__ = jinja2.Undefined.__eq__
    __ne__ = jinja2.Undefined.__ne__
    __hash__ = jinja2.Undefined.__hash__

    def __contains__(self, item: object) -> bool:
        return False


class Document:
    """A post or a page as templates see it. Unknown attributes read the front matter.

    Made from the entry's outline; the full entry (title, front matter, summary) is loaded
    the first time anything reads it (see :class:`~shinmun_hf.content.EntryOutline`).
    """

    def __init__(
        self,
        outline: EntryOutline | EncodedOutline,
        site_path: str,
        content_digest: str,
        site: Site,
        entry: Entry | None = None,
    ) -> None:
        if type(outline) is tuple:  # decoded when first read (see __getattr__)
            self._encoded = outline
            self.source: str = outline_field(outline, "source")
            self.kind: str = outline_field(outline, "kind")
        else:
            assert isinstance(outline, EntryOutline)
            self.outline = outline
            self.source, self.kind = outline.source, outline.kind
        self._entry = entry
        self.site_path = site_path
        self.output_file = output_file(site_path)
        self._content_digest = content_digest
        self._site = site

    @property
    def entry(self) -> Entry:
        entry = self._entry
        if entry is None:
            self._site.load_entries([self])
            entry = self._entry
            assert entry is not None
        return entry

    @property
    def entry_loaded(self) -> bool:
        return self._entry is not None

    def adopt_entry(self, entry: Entry) -> None:
        """Attach the full entry this document's outline was made from."""
        self._entry = entry

    def replace_entry(self, entry: Entry, content_digest: str) -> None:
        """Swap in a new version of the same document (see ``pipeline/fast_render.py``)."""
        self.__dict__.pop("_encoded", None)
        self.outline = entry.outline()
        self._entry = entry
        self._content_digest = content_digest
        self.__dict__.pop("digest", None)
        self.__dict__.pop("card_digest", None)

    # Digests are computed on first use: a cached build decides most outputs without them.
    @cached_property
    def digest(self) -> str:
        """The document's whole content and URL."""
        return digest_of((self._content_digest, self.site_path))

    @cached_property
    def card_digest(self) -> str:
        """What lists of documents depend on; reading the body records ``body:`` too."""
        return digest_of((self.outline.card_digest, self.site_path))

    # --- identity (from the outline) and front matter (from the entry)
    is_post = property(lambda self: self.outline.kind == POST)
    slug = property(lambda self: self.outline.slug)
    date = property(lambda self: self.outline.date)
    updated = property(lambda self: self.outline.updated)
    category = property(lambda self: self.outline.category)
    tags = property(lambda self: self.outline.tags)
    draft = property(lambda self: self.outline.draft)
    layout = property(lambda self: self.outline.layout)
    title = property(lambda self: self.entry.title)
    meta = property(lambda self: self.entry.meta)

    @property
    def author(self) -> str:
        return self.entry.author or self._site.config.author

    @property
    def url(self) -> str:
        return self._site.urls.url(self.site_path)

    @property
    def absolute_url(self) -> str:
        return self._site.urls.absolute(self.site_path)

    # --- rendered content
    @property
    def content(self) -> Markup:
        record(fact_key("body", self.source), self.digest)
        html = self.entry.rendered.html
        if html is None:
            html = self.entry.rendered.html = self._site.load_body(self.entry)
        return Markup(html)

    @property
    def summary(self) -> Markup:
        """The first paragraph, its links resolved against the post's URL (it is shown on
        listing pages, where ``../other/`` or ``#section`` would lead elsewhere)."""
        return Markup(resolve_links(self.entry.rendered.summary_html, self.url))

    @property
    def description(self) -> str:
        """Front-matter description, else the summary as text cut to 160 characters."""
        return self.entry.description

    @property
    def text(self) -> str:
        record(fact_key("body", self.source), self.digest)
        return self.entry.rendered.text

    @property
    def word_count(self) -> int:
        # its own fact, not part of the card: most layouts show only the reading time, which
        # a small edit rarely changes
        words = self.outline.word_count
        record(fact_key("words", self.source), str(words))
        return words

    @property
    def reading_minutes(self) -> int:
        """Minutes to read (see :func:`~shinmun_hf.content.reading_minutes`)."""
        minutes = reading_minutes(self.outline.word_count)
        record(fact_key("minutes", self.source), str(minutes))
        return minutes

    @property
    def toc(self) -> list[dict[str, Any]]:
        record(fact_key("body", self.source), self.digest)
        return self.entry.rendered.toc

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    @property
    def month(self) -> int | None:
        return self.date.month if self.date else None

    # --- relations (each records what it exposes)
    @property
    def category_page(self) -> Taxonomy | None:
        if not self.category:
            return None
        return self._site.named("category", slugify(self.category))

    @property
    def tag_pages(self) -> list[Taxonomy]:
        pages = (self._site.named("tag", slugify(tag)) for tag in self.tags)
        return [page for page in pages if page is not None]

    @property
    def previous(self) -> Document | None:
        """The next older published post."""
        return self._site.neighbour(self, +1)

    @property
    def next(self) -> Document | None:
        """The next newer published post."""
        return self._site.neighbour(self, -1)

    @property
    def related(self) -> list[Document]:
        return self._site.related_posts(self)

    def __getattr__(self, name: str) -> Any:
        if name == "outline" and "_encoded" in self.__dict__:
            return self._decode_outline()
        if name.startswith("_"):
            raise AttributeError(name)
        meta = self.entry.meta
        if name in meta:
            return meta[name]
        return MissingField(
            f"{self.source} has no front-matter field {name!r} (test an optional field with "
            f"{{% if {self.kind}.{name} %}} before printing it)",
            obj=self,
            name=name,
        )

    def _decode_outline(self) -> EntryOutline:
        """The outline, decoded now (a replayed site leaves the untouched ones encoded)."""
        decoded = self._site.outline_of(self.__dict__.pop("_encoded"))
        if isinstance(decoded, Entry):  # a damaged record: the file was read instead
            self._entry = decoded
            decoded = decoded.outline()
        self.outline = decoded
        return decoded

    def __repr__(self) -> str:
        return f"<{self.kind} {self.source}>"


WHOLE_SITE: dict[str, Callable[[Site], Sequence[Document]]] = {
    "posts": lambda site: site.posts,
    "pages": lambda site: site.pages,
    "archives": lambda site: site.posts,  # posts per month: any post's date
    "addresses": lambda site: [*site.posts, *site.pages],
    "search": lambda site: [*site.posts, *site.pages],
}
"""Facts about every post or page (``Site.split_facts``): read by a handful of outputs."""

WHOLE_SITE_BY_DOCUMENT = frozenset({"posts", "pages", "addresses", "search"})
"""Facts about every document that each document adds its own part to (see
``Site.previous_outlines``): the lists of posts and pages, the sitemap, the search index."""


class ListingPage(NamedTuple):
    """One page of a listing, as far as its fact goes: a page shows all three ("11 posts",
    "page 2 of 3")."""

    count: int
    """Posts in the whole listing."""
    pages: int
    """Pages of the listing."""
    posts: Sequence[Document]
    """The posts on this page."""


class _PostGroup:
    """A named group of posts with a page of its own (category, tag, month)."""

    site_path: str
    items: list[Document]
    site: Site

    @property
    def fact_key(self) -> str:
        raise NotImplementedError

    @property
    def posts(self) -> list[Document]:
        self.site.record_fact(self.fact_key)
        return self.items

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def url(self) -> str:
        return self.site.urls.url(self.site_path)


@dataclass
class Taxonomy(_PostGroup):
    """A category or a tag: its name, URL and posts (newest first)."""

    kind: str  # "category" | "tag"
    name: str
    slug: str
    site_path: str
    items: list[Document]
    site: Site

    @property
    def fact_key(self) -> str:
        return fact_key(self.kind, self.slug)

    @property
    def listing_name(self) -> str:
        """The name of its listing and of its facts (see :func:`taxonomy_name`)."""
        return taxonomy_name(self.kind, self.slug)


@dataclass
class Archive(_PostGroup):
    """One month of posts."""

    year: int
    month: int
    site_path: str
    items: list[Document]
    site: Site

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month}"

    @property
    def fact_key(self) -> str:
        return fact_key("archive", self.key)

    @property
    def title(self) -> str:
        return f"{MONTHS[self.month - 1]} {self.year}"


@dataclass
class Pagination:
    """One page of a listing: its items and links to its neighbours.

    Page URLs are made on demand: listing every page's URL on every page would make a listing
    of P pages cost P² (a million URLs for the index of 10,000 posts)."""

    items: list[Document]
    page: int
    total_pages: int
    total_items: int
    url_for_page: Callable[[int], str] | None = None

    def url(self, number: int) -> str:
        """The URL of page ``number`` of this listing."""
        return self.url_for_page(number) if self.url_for_page else ""

    @property
    def urls(self) -> list[str]:
        """Every page's URL, first to last (for numbered page links)."""
        return [self.url(number) for number in range(1, self.total_pages + 1)]

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.total_pages

    @property
    def previous_url(self) -> str | None:
        return self.url(self.page - 1) if self.has_previous else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.page + 1) if self.has_next else None


class Site:
    """Everything the outputs are made from."""

    def __init__(
        self,
        config: Config,
        entries: Sequence[Entry | EntryOutline],
        digests: dict[str, str],
        *,
        include_drafts: bool = False,
        include_future: bool = False,
        now: dt.datetime | None = None,
        related_memo: RelatedMemo | None = None,
        load_body: Callable[[Entry], str] | None = None,
        load_entries: Callable[[Sequence[EntryOutline]], list[Entry]] | None = None,
        shape: SiteShape | None = None,
        outline_of: Callable[[EncodedOutline], Entry | EntryOutline] = decode_outline,
        work: WorkDone | None = None,
    ) -> None:
        """``entries`` are full entries or outlines; the full entries of outlines are read
        through ``load_entries`` when first needed, and bodies through ``load_body``.

        ``shape`` is a previous build's :meth:`shape`, given only when it certainly still
        holds (the same files, each in the same place, the same options, no post come due):
        the site is then laid out as recorded instead of filtered, sorted and grouped again.
        Its entries may then be encoded outlines, decoded by ``outline_of`` when first read.
        ``work`` counts the work done (the build's :class:`WorkDone`)."""
        self.config = config
        self.work = work or WorkDone()
        self.outline_of = outline_of
        self._load_body = load_body
        self._load_entries = load_entries
        self.urls = Urls(config.site_url, config.base_path, config.permalink)
        self._shape = shape
        self._with_components: list[str] | None = None
        """The sources of the documents with components, if known (a replayed site)."""
        if shape is None:
            now = now or dt.datetime.now(dt.UTC)
            posts, pages = self._documents(entries, digests, include_drafts, include_future, now)
        else:
            posts, pages = self._replayed_documents(shape, entries, digests)
        self.posts = posts
        self.pages = pages
        post_sources = list(map(_by_source, posts))
        self.by_source = dict(
            zip([*post_sources, *map(_by_source, pages)], [*posts, *pages], strict=True)
        )
        self.post_rank = dict(zip(post_sources, range(len(posts)), strict=True))
        self._facts: dict[str, str | None] = {}
        self.component_urls: dict[str, str] = {}
        """Component key -> site path of its bundle (filled in by the build)."""
        self.component_errors: dict[str, str] = {}
        """Component key -> compile error, when builds are not strict."""
        self._related_cache: dict[tuple[str, int], list[Document]] = {}
        self._related_memo = related_memo
        self._related_found: dict[str, tuple[str, ...]] = {}
        self.previous_outlines: dict[str, EntryOutline] | None = None
        """The previous build's outlines of the documents that changed, set by a build whose
        site has the same documents in the same order as before: then a fact of
        :data:`WHOLE_SITE_BY_DOCUMENT` is unchanged when none of their parts of it changed,
        which spares digesting every document of the site for the sitemap and the search
        index after a one-post edit."""
        if shape is None:
            self.categories = self._categories()
            self.tags = self._tags()
            self.archives = self._archives()
        else:
            self._replay_groups(shape)
        self.category_by_slug = {t.slug: t for t in self.categories}
        self.tag_by_slug = {t.slug: t for t in self.tags}
        self.archive_by_key = {a.key: a for a in self.archives}

    # --- documents
    def _documents(
        self,
        entries: Sequence[Entry | EntryOutline],
        digests: dict[str, str],
        include_drafts: bool,
        include_future: bool,
        now: dt.datetime,
    ) -> tuple[list[Document], list[Document]]:
        """The published posts (newest first) and pages (by path)."""
        self.work.layouts += 1
        posts: list[Document] = []
        pages: list[Document] = []
        for item in entries:
            if type(item) is tuple:
                item = self.outline_of(item)
            if isinstance(item, Entry):
                entry: Entry | None = item
                outline = item.outline()
            else:
                assert isinstance(item, EntryOutline)
                entry, outline = None, item
            if outline.draft and not include_drafts:
                continue
            digest = digests[outline.source]
            if outline.kind == POST:
                assert outline.date is not None
                if outline.date > now and not include_future:
                    continue
                posts.append(Document(outline, self._site_path(outline), digest, self, entry))
            elif outline.kind == PAGE:
                pages.append(Document(outline, self._site_path(outline), digest, self, entry))
        # Newest first, ties by path: two stable sorts, keys and comparisons in C.
        posts.sort(key=_by_source)
        posts.sort(key=_by_date, reverse=True)
        pages.sort(key=_by_source)
        return posts, pages

    def _replayed_documents(
        self,
        shape: SiteShape,
        entries: Sequence[Entry | EntryOutline | EncodedOutline],
        digests: dict[str, str],
    ) -> tuple[list[Document], list[Document]]:
        """The posts and pages ``shape`` lists, in its order and at its site paths."""
        found: dict[str, tuple[EntryOutline | EncodedOutline, Entry | None]] = {}
        with_components = self._with_components = []
        for item in entries:
            if type(item) is tuple:
                source = outline_field(item, "source")
                found[source] = (item, None)
                if outline_field(item, "components"):
                    with_components.append(source)
                continue
            if isinstance(item, Entry):
                outline = item.outline()
                found[item.source] = (outline, item)
            else:
                assert isinstance(item, EntryOutline)
                found[item.source] = (item, None)
                outline = item
            if outline.components:
                with_components.append(outline.source)

        def document(source: str, site_path: str) -> Document:
            outline, entry = found[source]
            return Document(outline, site_path, digests[source], self, entry)

        posts = list(map(document, shape.posts, shape.post_paths))
        pages = list(map(document, shape.pages, shape.page_paths))
        return posts, pages

    def component_refs(self) -> list[ComponentRef]:
        """Every document's components (a replayed site knows which documents have some
        without decoding the others' outlines)."""
        if self._with_components is None:
            documents: Iterable[Document] = self.by_source.values()
        else:
            by_source = self.by_source
            documents = (by_source[s] for s in self._with_components if s in by_source)
        return [ref for document in documents for ref in document.outline.components]

    def _replay_groups(self, shape: SiteShape) -> None:
        posts = self.posts

        def members(indexes: tuple[int, ...]) -> list[Document]:
            return list(map(posts.__getitem__, indexes))

        self.categories = [
            Taxonomy("category", name, slug, f"categories/{slug}/", members(indexes), self)
            for name, slug, indexes in shape.categories
        ]
        self.tags = [
            Taxonomy("tag", name, slug, f"tags/{slug}/", members(indexes), self)
            for name, slug, indexes in shape.tags
        ]
        self.archives = [
            Archive(year, month, f"{year}/{month}/", members(indexes), self)
            for year, month, indexes in shape.months
        ]

    @property
    def replayed(self) -> bool:
        """Whether the site was laid out from a previous build's shape."""
        return self._shape is not None

    def shape(self) -> SiteShape:
        """Which posts and pages the site has, in which order, at which site paths, in
        which categories, tags and months: what a next build may lay its site out by."""
        if self._shape is not None:
            return self._shape
        rank = self.post_rank

        def indexes(items: list[Document]) -> tuple[int, ...]:
            return tuple(map(rank.__getitem__, map(_by_source, items)))

        return SiteShape(
            posts=tuple(map(_by_source, self.posts)),
            post_paths=tuple(d.site_path for d in self.posts),
            pages=tuple(map(_by_source, self.pages)),
            page_paths=tuple(d.site_path for d in self.pages),
            categories=tuple((t.name, t.slug, indexes(t.items)) for t in self.categories),
            tags=tuple((t.name, t.slug, indexes(t.items)) for t in self.tags),
            months=tuple((a.year, a.month, indexes(a.items)) for a in self.archives),
        )

    # --- taxonomies
    def _categories(self) -> list[Taxonomy]:
        groups: dict[str, list[Document]] = {}
        names: dict[str, str] = {}
        for name in self.config.categories or ():
            names.setdefault(slugify(name), name)
            groups.setdefault(slugify(name), [])
        self._group_by_slug(lambda o: (o.category,) if o.category else (), groups, names)
        order = list(groups)
        if self.config.categories is None:
            order.sort(key=lambda slug: names[slug].casefold())
        return [  # (a category of config.yml with no post: no page, no link; a warning)
            Taxonomy("category", names[s], s, f"categories/{s}/", groups[s], self)
            for s in order
            if groups[s]
        ]

    def empty_categories(self) -> list[str]:
        """The categories of config.yml that no published post is in."""
        return [n for n in self.config.categories or () if slugify(n) not in self.category_by_slug]

    def _tags(self) -> list[Taxonomy]:
        groups: dict[str, list[Document]] = {}
        names: dict[str, str] = {}
        self._group_by_slug(lambda o: o.tags, groups, names)
        return [
            Taxonomy("tag", names[s], s, f"tags/{s}/", groups[s], self)
            for s in sorted(groups, key=lambda slug: names[slug].casefold())
        ]

    def _group_by_slug(
        self,
        names_of: Callable[[EntryOutline], Sequence[str]],
        groups: dict[str, list[Document]],
        names: dict[str, str],
    ) -> None:
        """Add the posts to ``groups`` by the slugs of their names (newest first), naming
        each new slug after the first name that has it. Posts are grouped by name first and
        each name slugified once: 30,000 tags on 10,000 posts, but a few dozen names."""
        by_name: dict[str, list[Document]] = {}
        for post in self.posts:
            for name in names_of(post.outline):
                if name in by_name:
                    by_name[name].append(post)
                else:
                    by_name[name] = [post]
        rank = self.post_rank
        for name, posts in by_name.items():  # in order of first appearance
            slug = slugify(name)
            names.setdefault(slug, name)
            group = groups.get(slug)
            if not group:
                groups[slug] = posts
            else:  # "Python" and "python": one tag, each post once, newest first
                listed = set(map(id, group))
                group.extend(post for post in posts if id(post) not in listed)
                group.sort(key=lambda d: rank[d.outline.source])

    def _archives(self) -> list[Archive]:
        groups: dict[tuple[int, int], list[Document]] = defaultdict(list)
        for post in self.posts:
            date = post.outline.date
            groups[(date.year, date.month)].append(post)  # type: ignore[union-attr]
        return [
            Archive(y, m, f"{y}/{m}/", groups[(y, m)], self)
            for (y, m) in sorted(groups, reverse=True)
        ]

    def load_body(self, entry: Entry) -> str:
        """The HTML of an entry whose body was left in the cache."""
        if self._load_body is None:
            raise RuntimeError(f"no body loader for {entry.source}")
        return self._load_body(entry)

    def load_entries(self, documents: Sequence[Document] | None = None) -> None:
        """Load the full entries of ``documents`` (default: every one) that have none yet,
        in one batch: cheaper than one by one when an output shows many."""
        pending = [
            d
            for d in (self.by_source.values() if documents is None else documents)
            if not d.entry_loaded
        ]
        if not pending:
            return
        if self._load_entries is None:
            raise RuntimeError(f"no entry loader for {pending[0].source}")
        for document, entry in zip(
            pending, self._load_entries([d.outline for d in pending]), strict=True
        ):
            document.adopt_entry(entry)

    # --- relations
    def neighbour(self, post: Document, step: int) -> Document | None:
        """The post ``step`` places away in date order; records it, even when there is none."""
        self.record_fact(fact_key("neighbour", post.source, step))
        return self._neighbour(post.source, step)

    def _neighbour(self, source: str, step: int) -> Document | None:
        rank = self.post_rank.get(source)
        if rank is None or not 0 <= rank + step < len(self.posts):
            return None
        return self.posts[rank + step]

    @cached_property
    def _related_index(self) -> RelatedIndex:
        self.work.related_indexes += 1
        return RelatedIndex(self.posts)

    def related_posts(self, post: Document, limit: int = 5) -> list[Document]:
        self.record_fact(fact_key("related", post.source, limit))
        return self._related(post.source, limit)

    def _related(self, source: str, limit: int) -> list[Document]:
        cached = self._related_cache.get((source, limit))
        if cached is None:
            document = self.by_source.get(source)
            if document is None:
                return []
            remembered = self._remembered_related(source, limit)
            if remembered is not None:
                cached = [self.by_source[s] for s in remembered]
            else:
                cached = [self.posts[i] for i in self._related_index.related(document, limit)]
            self._related_cache[(source, limit)] = cached
        return cached

    @cached_property
    def ranking_signature(self) -> str:
        """Digest of everything the site's lists are made by: which posts, in which order,
        with which category, tags and month. Unchanged, every related list, listing page and
        month is made of the same posts as before."""
        return self._ranking_digest()

    def _ranking_digest(self) -> str:
        self.work.ranking_digests += 1
        return digest_of(
            "\x01".join((o.source, *_ranked(o))) for o in (p.outline for p in self.posts)
        )

    def prove_ranking(self, signature: str, previous: dict[str, EntryOutline]) -> bool:
        """Take the previous build's ranking ``signature`` without digesting every post, if
        the site has the same documents in the same order (same :attr:`membership`) and
        ``previous`` holds the old outlines of every document that changed: then only their
        category, tags or month can have changed the rankings, and none did."""
        if not all(
            _ranked(outline) == _ranked(self.by_source[source].outline)
            for source, outline in previous.items()
        ):
            return False
        self.__dict__["ranking_signature"] = signature
        return True

    def _remembered_related(self, source: str, limit: int) -> tuple[str, ...] | None:
        memo = self._related_memo
        if memo is None or memo.signature != self.ranking_signature:
            return None
        return memo.lists.get(_related_list_key(source, limit))

    def proven_unchanged(self, key: str, changed: set[str]) -> bool:
        """Whether a per-post fact is certainly unchanged, without computing its digest.

        Valid only while the ranking signature equals the previous build's (same posts, same
        order, same categories and tags): then a post's own entry, its neighbours and its
        related posts are the same documents as before, so the fact can only differ if one of
        them is among the ``changed`` sources. On a 10,000-post site this spares computing
        tens of thousands of digests after a one-post edit.
        """
        memo = self._related_memo
        if memo is None or memo.signature != self.ranking_signature:
            return False
        kind, subject, number = parse_fact_key(key)
        if kind in WHOLE_SITE_BY_DOCUMENT and self.previous_outlines is not None:
            return all(
                self._contribution(kind, previous)
                == self._contribution(kind, self.by_source[source].outline)
                for source, previous in self.previous_outlines.items()
            )
        if kind in PER_DOCUMENT:
            return subject in self.by_source and subject not in changed
        if kind == "neighbour":
            if subject not in self.post_rank:
                return False
            other = self._neighbour(subject, number)
            return other is None or other.source not in changed
        if kind == "related":
            members = memo.lists.get(_related_list_key(subject, number))
            return members is not None and not any(m in changed for m in members)
        return False

    def _site_path(self, outline: EntryOutline) -> str:
        """Where a post (by its permalink) or a page (by its slug) is published."""
        if outline.kind == POST:
            assert outline.date is not None
            return self.urls.post_path(outline.date, outline.slug)
        return outline.slug + "/"

    def _contribution(self, kind: str, outline: EntryOutline) -> tuple[object, ...]:
        """What a document adds to a fact of :data:`WHOLE_SITE_BY_DOCUMENT`: its address and
        its day (the sitemap), its search fields, or its card (lists)."""
        site_path = self._site_path(outline)
        if kind == "addresses":
            return (site_path, _day(outline.updated or outline.date))
        if kind == "search":
            return (site_path, outline.search_digest)
        return (site_path, outline.card_digest)

    @cached_property
    def by_output_file(self) -> dict[str, Document]:
        """The posts and pages by the file their page is written to."""
        return {d.output_file: d for d in self.by_source.values()}

    @cached_property
    def membership(self) -> str:
        """Digest of which documents the site has, in order. With it and the ranking signature
        unchanged, every document keeps its neighbours and related posts."""
        return digest_of(self.by_source)

    def split_facts(self, facts: dict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(sources, shared keys) of an output's facts.

        The facts fixed by the rankings (an entry, its neighbours, its related posts, the posts
        on a page of a listing or in a month, the recent posts, and the lists of the whole
        site that few outputs read) are reduced to the documents they are made of: while
        membership and rankings stay the same, such a fact can only change if one of those
        documents' files changed, which a set intersection tells. Every other fact (the
        category list every page's navigation shows, say) is compared by digest.
        """
        sources: set[str] = set()
        shared: list[str] = []
        for key in facts:
            kind, subject, number = parse_fact_key(key)
            if kind in PER_DOCUMENT and subject in self.by_source:
                sources.add(subject)
                continue
            if kind == "neighbour":
                if subject in self.post_rank:
                    other = self._neighbour(subject, number)
                    if other is not None:
                        sources.add(other.source)
                    continue
            elif kind == "related":
                if subject in self.by_source:
                    related = self._related(subject, number)
                    sources.update(d.source for d in related)
                    continue
            elif kind == "listing":  # which posts a page lists follows from the rankings too
                found = self._listing_page(subject, number)
                if found is not None:
                    sources.update(d.source for d in found.posts)
                    continue
            elif kind == "recent":
                sources.update(d.source for d in self.posts[:number])
                continue
            elif kind == "archive":  # a month's posts: a date change is a change of the post
                archive = self.archive_by_key.get(subject)
                if archive is not None:
                    sources.update(d.source for d in archive.items)
                    continue
            elif kind in WHOLE_SITE:
                sources.update(d.source for d in WHOLE_SITE[kind](self))
                continue
            elif kind == "name":  # the first spelling in post order: fixed by the rankings
                continue
            shared.append(key)
        return tuple(sorted(sources)), tuple(shared)

    def related_memo(self) -> RelatedMemo:
        """What the next build may reuse (see :attr:`ranking_signature`)."""
        lists: dict[str, tuple[str, ...]] = {}
        memo = self._related_memo
        if memo is not None and memo.signature == self.ranking_signature:
            lists.update(memo.lists)
        lists.update(self._related_found)
        lists.update(self.computed_related())
        return RelatedMemo(self.ranking_signature, lists)

    def computed_related(self) -> dict[str, tuple[str, ...]]:
        """The related lists this process computed, as :meth:`related_memo` keeps them."""
        return {
            _related_list_key(source, limit): tuple(d.source for d in documents)
            for (source, limit), documents in self._related_cache.items()
        }

    def adopt_related(self, lists: dict[str, tuple[str, ...]]) -> None:
        """Keep related lists computed by a worker process for the next build's memo:
        without them, a cold parallel build would leave the next build to rank anew."""
        self._related_found.update(lists)

    def named(self, kind: str, slug: str) -> Taxonomy | None:
        """The category or tag page of ``slug``, recording its name: each is named after its
        first spelling in post order ("Python" or "python"), so a post elsewhere can rename
        it."""
        self.record_fact(fact_key("name", taxonomy_name(kind, slug)))
        return self.taxonomy(kind, slug)

    def taxonomy(self, kind: str, slug: str) -> Taxonomy | None:
        """The category (``kind`` "category") or tag ("tag") of ``slug``, if there is one."""
        if kind == "category":
            return self.category_by_slug.get(slug)
        if kind == "tag":
            return self.tag_by_slug.get(slug)
        return None

    def recent_posts(self, limit: int = 5) -> list[Document]:
        self.record_fact(fact_key("recent", number=limit))
        return self.posts[:limit]

    # --- facts: the values dependency keys stand for
    def forget_facts(self) -> None:
        """Drop computed fact digests (a document was swapped in place)."""
        self._facts.clear()

    def record_fact(self, key: str) -> None:
        """Record, for the output being rendered, that it read the fact ``key``."""
        record(key, self.fact(key) or "")

    def fact(self, key: str) -> str | None:
        """The current digest of a recorded fact; ``None`` when it no longer exists."""
        if key not in self._facts:
            self._facts[key] = self._compute_fact(key)
        return self._facts[key]

    def _compute_fact(self, key: str) -> str | None:
        kind, subject, number = parse_fact_key(key)
        self.work.facts_computed[kind] += 1
        if kind in ("entry", "body"):
            document = self.by_source.get(subject)
            return document.digest if document else None
        if kind in ("words", "minutes"):
            document = self.by_source.get(subject)
            if document is None:
                return None
            words = document.outline.word_count
            return str(words if kind == "words" else reading_minutes(words))
        if kind == "posts":
            return _list_digest(self.posts)
        if kind == "addresses":  # what the sitemap shows: every URL, and posts' days
            return digest_of(
                f"{d.site_path}\x01{_day(d.updated or d.date)}" for d in (*self.posts, *self.pages)
            )
        if kind == "search":  # what the search index shows (see search_index.py)
            return digest_of(
                f"{d.site_path}\x01{d.outline.search_digest}" for d in (*self.posts, *self.pages)
            )
        if kind == "pages":
            return _list_digest(self.pages)
        if kind == "recent":
            return _list_digest(self.posts[:number])
        if kind in ("category", "tag"):
            taxonomy = self.taxonomy(kind, subject)
            return _list_digest(taxonomy.items) if taxonomy else None
        if kind == "archive":
            archive = self.archive_by_key.get(subject)
            return _list_digest(archive.items) if archive else None
        if kind in ("categories", "tags"):
            items = self.categories if kind == "categories" else self.tags
            return digest_of(f"{t.name}\x01{t.slug}\x01{t.count}" for t in items)
        if kind == "archives":
            return digest_of(f"{a.key}\x01{a.count}" for a in self.archives)
        if kind == "name":
            taxonomy = self.taxonomy(*split_taxonomy_name(subject))
            return taxonomy.name if taxonomy else None
        if kind == "related":
            if subject not in self.by_source:
                return None
            return _list_digest(self._related(subject, number))
        if kind == "listing":
            return self._listing_fact(subject, number)
        if kind == "neighbour":
            other = self._neighbour(subject, number)
            return other.card_digest if other else "none"
        if kind == "component":
            error = self.component_errors.get(subject)
            return self.component_urls.get(subject) or (
                f"error:{digest_of([error])}" if error else ""
            )
        raise KeyError(f"unknown dependency key {key!r}")

    def _listing_fact(self, name: str, page: int) -> str | None:
        """Page ``page`` of the listing ``name``: what it shows of its posts, and its
        heading."""
        found = self._listing_page(name, page)
        if found is None:
            return None
        taxonomy = self.taxonomy(*split_taxonomy_name(name))
        heading = taxonomy.name if taxonomy else ""
        return digest_of((str(found.count), str(found.pages), _list_digest(found.posts), heading))

    def _listing_page(self, name: str, page: int) -> ListingPage | None:
        """Page ``page`` of the listing ``name`` (see :meth:`listing_items`), None if there
        is none."""
        items = self.listing_items(name)
        if items is None:
            return None
        per_page = self.config.posts_per_page
        total = max(1, -(-len(items) // per_page))
        if page > total:
            return None
        return ListingPage(len(items), total, items[(page - 1) * per_page : page * per_page])

    def listing_items(self, name: str) -> list[Document] | None:
        """The posts of a listing: ``index``, or a category's or a tag's (see
        :func:`~shinmun_hf.incremental.facts.taxonomy_name`)."""
        if name == "index":
            return self.posts
        taxonomy = self.taxonomy(*split_taxonomy_name(name))
        return taxonomy.items if taxonomy else None

    def check_unique_urls(self) -> None:
        """Two documents at one URL would silently overwrite each other: fail, naming both."""
        seen: dict[str, Document] = {}
        for document in (*self.posts, *self.pages):
            other = seen.get(document.output_file)
            if other is not None:
                raise BuildError(
                    f"{other.source} and {document.source} both produce the URL {document.url}",
                    file=document.source,
                    line=document.entry.lines.get("slug") or 1,
                    hint="rename one of the files or give it a different 'slug:'",
                )
            seen[document.output_file] = document

    def placeholder_free(self, html: str) -> str:
        """Component placeholders removed (feeds cannot run scripts)."""
        return PLACEHOLDER.sub("", html)


def _related_list_key(source: str, limit: int) -> str:
    """The key of a related list in :class:`RelatedMemo`."""
    return f"{source}:{limit}"


_by_source = attrgetter("source")
_by_date = attrgetter("outline.date")


def _month(moment: dt.datetime | None) -> str:
    return f"{moment.year}-{moment.month}" if moment else ""


def _ranked(outline: EntryOutline) -> tuple[str, ...]:
    """What a post adds to the ranking signature besides its place in the order."""
    return (outline.category or "", _month(outline.date), *outline.tags)


def _day(moment: dt.datetime | None) -> int | str:
    """The day a date falls on where it was written (what the sitemap shows), as a number:
    ten times cheaper than formatting the date, and done for every document."""
    return moment.toordinal() if moment else ""


def _list_digest(documents: Sequence[Document]) -> str:
    return digest_of(d.card_digest for d in documents)
