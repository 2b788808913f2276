"""The record stage: the manifest filled in with what the next build reuses, or checks
before reusing, and the files this build no longer makes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..content.entry import POST, Entry, EntryOutline
from ..incremental.dependents import dependents as dependents_index
from ..incremental.entry_codec import EncodedOutline
from ..incremental.freshness import Survey, fingerprint
from ..incremental.manifest import Manifest
from ..incremental.records import LayoutClosures
from ..project.options import BuildOptions
from ..render.templates import Layouts
from ..site.model import Site
from .entries import EntryStore

__all__ = ["record_build", "removed_files"]


def record_build(
    manifest: Manifest,
    looked: Survey,
    site: Site,
    layouts: Layouts,
    entries: list[Entry | EntryOutline | EncodedOutline],
    previous: Manifest | None,
    store: EntryStore,
    component_inputs: list[str],
) -> None:
    """Fill in the manifest: what the next build reuses, or checks before reusing."""
    now, options = looked.now, looked.options
    manifest.outlines = store.recorded_outlines(previous)
    manifest.layout_closures = LayoutClosures(layouts.content_key, layouts.closures())
    manifest.dependents = dependents_index(previous, manifest.outputs)
    manifest.related_signature, manifest.related_lists = site.related_memo()
    manifest.membership = site.membership
    manifest.shape = site.shape()
    manifest.shape_key = (options.drafts, options.future)
    # (A replayed site publishes the same posts: the same one comes due next.)
    manifest.due = (
        previous.due if site.replayed and previous else _next_due(entries, now, options)  # type: ignore[arg-type]
    )
    manifest.published_at = now.timestamp()
    manifest.component_inputs = component_inputs
    manifest.fingerprint = fingerprint(looked, manifest.component_inputs)[0]
    manifest.started_ns = looked.started_ns


def removed_files(previous: Manifest | None, manifest: Manifest) -> list[str]:
    """The files the previous build made and this one does not."""
    if previous is None:
        return []
    before = set(previous.outputs) | set(previous.copies)
    after = set(manifest.outputs) | set(manifest.copies)
    return sorted(before - after)


def _next_due(
    entries: Sequence[Entry | EntryOutline], now: dt.datetime, options: BuildOptions
) -> float | None:
    """When the earliest future post not yet published becomes due (None: no such post)."""
    if options.future:
        return None
    due = [
        e.date.timestamp()
        for e in entries
        if e.kind == POST and e.date and e.date > now and (options.drafts or not e.draft)
    ]
    return min(due) if due else None
