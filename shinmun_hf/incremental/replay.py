"""Shape replay and ranking proofs: a one-post edit of a large site lays the site out as the
previous build recorded it, and proves rankings unchanged from the edited posts' old outlines,
instead of sorting, grouping and digesting every post again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..content.entry import Entry, EntryOutline
from ..project.sources import SourceFile
from .entry_codec import EncodedOutline, decode_outline
from .manifest import Manifest
from .records import SiteShape

if TYPE_CHECKING:  # (handed in by the build: this layer sits below the site model)
    from ..site.model import Site

__all__ = ["old_outlines", "place_in_site", "previous_outlines", "shape_to_replay"]


def shape_to_replay(
    previous: Manifest | None,
    trusted: bool,
    shape_key: tuple[bool, bool],
    changed: set[str],
    sources: list[SourceFile],
    entries: list[Entry | EntryOutline | EncodedOutline],
    now: dt.datetime,
    decoded: Callable[[Entry | EntryOutline | EncodedOutline], Entry | EntryOutline],
) -> SiteShape | None:
    """The previous build's site shape, if this build's site is certainly laid out the
    same: same engine and config (``trusted``), same options (``shape_key``: drafts, future),
    the same content files, each ``changed`` one (added and removed ones too) in the same
    place as before, and no future post come due since (nor the clock turned back)."""
    if not trusted or previous is None or previous.shape is None:
        return None
    if previous.shape_key != shape_key:
        return None
    if not previous.summary().published_alike(now.timestamp()):
        return None
    old = old_outlines(previous, changed)  # None if a file is new
    if old is None:
        return None
    current = {s.path: item for s, item in zip(sources, entries, strict=True) if s.path in changed}
    for path, outline in old.items():
        item = current.get(path)  # None if the file is gone
        if item is None:
            return None
        new = decoded(item)
        if isinstance(new, Entry):
            new = new.outline()
        if place_in_site(new) != place_in_site(outline):
            return None
    return previous.shape


def old_outlines(previous: Manifest, changed: set[str]) -> dict[str, EntryOutline] | None:
    """The previous build's outlines of the changed files (None if one is unknown)."""
    found: dict[str, EntryOutline] = {}
    for source in changed:
        record = previous.sources.get(source)
        fields = previous.outlines.get(record.entry_key) if record is not None else None
        if fields is None:
            return None
        try:
            found[source] = decode_outline(fields)
        except Exception:
            return None
    return found


def previous_outlines(
    previous: Manifest, changed: set[str], site: Site
) -> dict[str, EntryOutline] | None:
    """The previous build's outlines of the changed documents (None if one is unknown or
    not in the site)."""
    found = old_outlines(previous, changed)
    if found is None or not all(source in site.by_source for source in found):
        return None
    return found


def place_in_site(entry: EntryOutline) -> tuple[object, ...]:
    """What decides where an entry stands in the site model (its URL, rankings, listings)."""
    components = tuple((ref.key, ref.mount_id) for ref in entry.components)
    return (
        entry.kind,
        entry.slug,
        entry.date,
        entry.category,
        entry.tags,
        entry.draft,
        entry.layout,
        components,
    )
