"""Content entries: a post or page parsed from its file (front matter + rendered body).

:func:`parse_entry` is a pure function of the file's path and bytes and the time zone, so its
result is cached by content hash and computed in worker processes.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field, fields
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from ..components import ComponentRef
from ..digests import digest_of
from ..errors import BuildError
from ..markup import RenderedMarkdown, RenderSettings, render_markdown
from ..project.frontmatter import decode_utf8, split_front_matter
from ..project.sources import MARKDOWN_SUFFIXES, PAGE, POST, is_folder_index
from .search_fields import search_fields
from .slugs import MAX_SEGMENT, is_url_safe, slugify

__all__ = [
    "PAGE",
    "POST",
    "WORDS_PER_MINUTE",
    "Entry",
    "EntryOutline",
    "parse_entry",
    "reading_minutes",
]

DESCRIPTION_LENGTH = 160
WORDS_PER_MINUTE = 200
KNOWN_KEYS = frozenset(
    {
        "title",
        "date",
        "updated",
        "category",
        "tags",
        "description",
        "draft",
        "author",
        "slug",
        "layout",
    }
)


@dataclass(slots=True)
class Entry:
    """A post or a page, as written by its author (drafts and future posts included)."""

    source: str
    """Project-relative POSIX path, e.g. ``content/posts/2024/hello.md``."""
    kind: str
    title: str
    slug: str
    date: dt.datetime | None
    updated: dt.datetime | None
    category: str | None
    tags: tuple[str, ...]
    description: str
    draft: bool
    author: str
    layout: str | None
    meta: dict[str, Any]
    rendered: RenderedMarkdown
    lines: dict[str, int] = field(default_factory=dict)
    """Front-matter key -> line, for errors found later (e.g. two posts with one URL)."""
    card_digest: str = ""
    """Digest of everything but the body (front matter, summary, word count): what listings,
    related posts and neighbours show. A body-only edit leaves it unchanged."""
    search_digest: str = ""
    """Digest of what the search index holds about this entry (its URL aside)."""
    cache_key: str = ""
    """Where the build cache keeps this entry and its body."""

    def __reduce__(self) -> tuple[type[Entry], tuple[Any, ...]]:
        # Positional reconstruction: twice as fast to unpickle as the generic slots state,
        # and a 10,000-post site unpickles every entry on each build.
        return (Entry, tuple(getattr(self, name) for name in _ENTRY_FIELDS))

    def outline(self) -> EntryOutline:
        rendered = self.rendered
        return EntryOutline(
            self.source,
            self.kind,
            self.slug,
            self.date,
            self.updated,
            self.category,
            self.tags,
            self.draft,
            self.layout,
            rendered.word_count,
            rendered.components,
            rendered.warnings,
            self.card_digest,
            self.search_digest,
            self.cache_key,
        )


_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))


@dataclass(slots=True)
class EntryOutline:
    """What the site model is made of: the fields that place an entry in the site (URL, order,
    taxonomies, layout, components) and the digests that stand for the rest.

    A cached build makes the whole model from outlines, which the manifest holds, and loads
    the full :class:`Entry` of only the documents the outputs it renders show: after a
    one-post edit of a 10,000-post site, a dozen instead of every one. (Not frozen: a frozen
    dataclass takes twice as long to make, and every cached build makes one per file.)
    """

    source: str
    kind: str
    slug: str
    date: dt.datetime | None
    updated: dt.datetime | None
    category: str | None
    tags: tuple[str, ...]
    draft: bool
    layout: str | None
    word_count: int
    components: tuple[ComponentRef, ...]
    warnings: tuple[str, ...]
    card_digest: str
    search_digest: str
    cache_key: str


def parse_entry(
    source: str,
    kind: str,
    data: bytes,
    timezone: str,
    settings: RenderSettings = RenderSettings(),  # noqa: B008 (frozen)
) -> Entry:
    """Parse one content file; raises :class:`BuildError` naming the file and line."""
    text = decode_utf8(data, file=source)
    front = split_front_matter(text, file=source)
    meta = front.meta.data
    lines = front.meta.lines
    written = front.meta.written

    def text_of(key: str) -> str:
        """A text value as written: ``1.10`` stays "1.10" (YAML read a number)."""
        value = meta.get(key)
        if _is_text(value) and not isinstance(value, str) and key in written:
            return written[key]
        return "" if value is None else str(value)

    def fail(message: str, key: str | None = None, hint: str | None = None) -> BuildError:
        line = lines.get(key) if key else None
        return BuildError(message, file=source, line=line or 1, hint=hint)

    if front.body_line_offset == 0:  # (a front matter block ends on line 2 or later)
        needed = "title: and date:" if kind == POST else "title:"
        raise BuildError(
            "the file has no front matter",
            file=source,
            line=1,
            hint=f"begin it with a block holding {needed} between two lines of ---",
        )
    title = meta.get("title")
    if title is None or (isinstance(title, str) and not title.strip()):
        raise fail("missing title", "title", hint="add 'title: ...' to the front matter")
    if not _is_text(title):
        raise fail("title must be text", "title")

    zone = ZoneInfo(timezone)
    date = _parse_date(meta.get("date"), zone, fail, "date")
    if kind == POST and date is None:
        raise fail(
            "missing date",
            "date",
            hint="add 'date: 2024-05-01' or 'date: 2024-05-01 14:30' to the front matter",
        )
    updated = _parse_date(meta.get("updated"), zone, fail, "updated")

    category = meta.get("category")
    if category is not None and not _is_text(category):
        raise fail("category must be a single name", "category")
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        raise fail("draft must be true or false", "draft")
    layout = meta.get("layout")
    if layout is not None and (
        not isinstance(layout, str)
        or layout.startswith("/")
        or "\\" in layout
        or ".." in layout.split("/")
    ):
        raise fail("layout must be the name of a template in layouts/, such as post.html", "layout")

    for key in ("description", "author"):
        if meta.get(key) is not None and not _is_text(meta[key]):
            raise fail(f"{key} must be text", key)

    rendered = render_markdown(
        front.body, source=source, line_offset=front.body_line_offset, settings=settings
    )
    misspelt = _misspelt_keys(meta, lines, source)
    if misspelt:
        rendered.warnings = (*rendered.warnings, *misspelt)
    description = text_of("description").strip() or cut_text(
        Markup(rendered.summary_html).striptags(), DESCRIPTION_LENGTH
    )
    entry = Entry(
        source=source,
        kind=kind,
        title=text_of("title").strip(),
        slug=_slug(source, kind, text_of("slug") if meta.get("slug") is not None else None, fail),
        date=date,
        updated=updated,
        category=text_of("category").strip() if category not in (None, "") else None,
        tags=_parse_tags(meta.get("tags"), fail),
        description=description,
        draft=draft,
        author=text_of("author"),
        layout=layout,
        meta=dict(meta),
        rendered=rendered,
        lines=dict(lines),
    )
    entry.search_digest = digest_of(map(str, search_fields(entry)))
    entry.card_digest = digest_of(
        map(
            repr,
            (
                sorted(meta.items()),
                entry.title,
                entry.slug,
                entry.date,
                entry.updated,
                entry.category,
                entry.tags,
                entry.description,
                entry.draft,
                entry.author,
                entry.layout,
                rendered.summary_html,
            ),
        )
    )
    return entry


def reading_minutes(words: int) -> int:
    """Minutes to read ``words`` at :data:`WORDS_PER_MINUTE`; never less than one."""
    return max(1, -(-words // WORDS_PER_MINUTE))


def cut_text(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def _parse_date(value: Any, zone: ZoneInfo, fail: Any, key: str) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace(" Z", "Z"))
        except ValueError:
            raise fail(
                f"cannot read the {key} {value!r}",
                key,
                hint="write it as 2024-05-01, 2024-05-01 14:30 or 2024-05-01T14:30:00+02:00",
            ) from None
    else:
        raise fail(f"{key} must be a date such as 2024-05-01", key)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def _parse_tags(value: Any, fail: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list):
        items = value
    else:
        raise fail("tags must be a list or a comma-separated string", "tags")
    tags: list[str] = []
    for item in items:
        if isinstance(item, dict | list) or item is None:
            raise fail("each tag must be a single word or phrase", "tags")
        tag = str(item).strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def _is_text(value: Any) -> bool:
    """Text, or a number YAML read from what was meant as text (``title: 2024``)."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _misspelt_keys(meta: dict[str, Any], lines: dict[str, int], source: str) -> list[str]:
    """Warnings for keys that look like a misspelt known one (``drafts: true`` would publish
    a draft). Other keys are the author's own, for layouts (``meta.toc``): no warning."""
    warnings = []
    for key in meta:
        if key in KNOWN_KEYS:
            continue
        close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1, cutoff=0.75)
        if close:
            warnings.append(
                f"{source}:{lines.get(key, 1)}: unknown front-matter key '{key}'; did you mean "
                f"'{close[0]}'? (it is ignored by the engine, readable from layouts as meta)"
            )
    return warnings


def _slug(source: str, kind: str, override: Any, fail: Any) -> str:
    """Posts: the file name, or a post folder's name (or ``slug:``). Pages: the path below
    ``content/pages`` (a page folder's, for its ``index.md``)."""
    if override is not None:
        text = str(override).strip().strip("/")
        segments = text.split("/") if kind == PAGE else [text]
        if not text or not all(is_url_safe(s) for s in segments):
            raise fail(
                f"slug {override!r} is not URL-safe",
                "slug",
                hint="use letters, digits, '-', '_' and '.', at most "
                f"{MAX_SEGMENT} between slashes; only pages may use '/'",
            )
        return text
    path = PurePosixPath(source)
    if is_folder_index(source):  # a post folder, content/posts/my-post/index.md: my-post
        path = path.parent
    if kind == POST:
        stem = path.stem if path.suffix in MARKDOWN_SUFFIXES else path.name
        return stem if is_url_safe(stem) else slugify(stem)
    relative = path.relative_to("content/pages")
    if path.suffix in MARKDOWN_SUFFIXES:
        relative = relative.with_suffix("")
    return "/".join(part if is_url_safe(part) else slugify(part) for part in relative.parts)
