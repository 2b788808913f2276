"""What the manifest records, by name: one content file, one output, one copied file, the
layouts' closures, the site's shape and its related posts.

Named tuples: reading a field is as cheap as indexing, and a manifest of 10,000 posts holds
tens of thousands of them. ``marshal`` stores plain tuples only, so the manifest converts them
where it is saved and loaded (see :mod:`shinmun_hf.incremental.manifest`), and nowhere else.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "CopyRecord",
    "LayoutClosures",
    "OutputRecord",
    "RelatedMemo",
    "SiteShape",
    "SourceRecord",
]


class SourceRecord(NamedTuple):
    """One content file as the build read it: while its stat is unchanged, so are its bytes
    (see :func:`~shinmun_hf.project.sources.changed_ns`)."""

    size: int
    changed_ns: int
    content_digest: str
    entry_key: str
    """The key of its entry in the entry cache (see ``pipeline.entries.entry_key``)."""


class OutputRecord(NamedTuple):
    """How one output was made.

    *sources* are the documents the output's per-post facts are made of and *shared facts*
    the rest of its facts (see :meth:`shinmun_hf.site.model.Site.split_facts`): while the
    site's membership and rankings are unchanged, an output none of whose sources changed
    (which the manifest's ``dependents`` index tells) is checked by its shared facts alone.
    The facts and sources are needed only when that is not enough, so they are kept
    marshalled in ``details`` (see :func:`~shinmun_hf.incremental.manifest.recorded_details`):
    a 10,000-post site's 135,000 facts and 165,000 sources then load as 15,000 byte strings.
    """

    layout_digest: str
    """Digest of its layout's closure (the templates it extends and includes), or ""."""
    details: bytes
    """Every fact it read, with its digest, and its sources, marshalled."""
    content_digest: str
    """Digest of its bytes."""
    shared_facts: tuple[tuple[str, str], ...]
    """(fact key, digest) of the facts that are not fixed by its sources."""


class CopyRecord(NamedTuple):
    """The stat of a file copied into the site (from ``public/`` or a post folder)."""

    size: int
    changed_ns: int


class LayoutClosures(NamedTuple):
    """The closure digest of every layout, reused while the layouts are the same."""

    content_key: str
    """Digest of every layout file's path and stat."""
    closures: dict[str, str]
    """Layout -> digest of it and of every template it extends, includes or imports."""


class RelatedMemo(NamedTuple):
    """A build's related-post lists, reused while the rankings are the same."""

    signature: str
    """The ranking signature (see ``Site.ranking_signature``)."""
    lists: dict[str, tuple[str, ...]]
    """``"<source>:<limit>"`` -> the sources of its related posts."""


class SiteShape(NamedTuple):
    """How a site is laid out (see :meth:`shinmun_hf.site.model.Site.shape`): what a next
    build with the same files in the same places may lay its site out by."""

    posts: tuple[str, ...]
    """The posts' sources, newest first."""
    post_paths: tuple[str, ...]
    """Their site paths."""
    pages: tuple[str, ...]
    """The pages' sources."""
    page_paths: tuple[str, ...]
    """Their site paths."""
    categories: tuple[tuple[str, str, tuple[int, ...]], ...]
    """(name, slug, indexes in ``posts``) of each category."""
    tags: tuple[tuple[str, str, tuple[int, ...]], ...]
    """(name, slug, indexes in ``posts``) of each tag."""
    months: tuple[tuple[int, int, tuple[int, ...]], ...]
    """(year, month, indexes in ``posts``) of each month."""
