"""The site model stage: the entries laid out as a site (published posts and pages,
taxonomies, archives, neighbours), or, when every file kept its place, as the previous build
recorded it."""

from __future__ import annotations

from ..content.entry import Entry, EntryOutline
from ..incremental.entry_codec import EncodedOutline
from ..incremental.freshness import Survey
from ..incremental.manifest import Manifest
from ..incremental.replay import shape_to_replay
from ..site.model import Site
from .entries import EntryStore

__all__ = ["empty_categories_warning", "make_site_model"]


def make_site_model(
    looked: Survey,
    entries: list[Entry | EntryOutline | EncodedOutline],
    digests: dict[str, str],
    previous: Manifest | None,
    trusted: bool,
    store: EntryStore,
) -> tuple[Site, list[Entry | EntryOutline | EncodedOutline]]:
    """The site model, and the entries (decoded, unless the site was replayed)."""
    config, now, options, result = looked.config, looked.now, looked.options, looked.result
    shape = shape_to_replay(
        previous,
        trusted,
        (options.drafts, options.future),
        store.changed,
        looked.sources,
        entries,
        now,
        decoded=lambda item: store.decoded(item, config, result),
    )
    if shape is None:  # every outline is read: decoded here, once
        entries = [store.decoded(item, config, result) for item in entries]
    site = Site(
        config,
        entries,
        digests,
        include_drafts=options.drafts,
        include_future=options.future,
        now=now,
        related_memo=previous.related if previous else None,
        load_body=store.body_loader(config),
        load_entries=store.entry_loader(config, result),
        shape=shape,
        outline_of=lambda fields: store.decoded(fields, config, result),
        work=result.work,
    )
    if not site.replayed:  # (a replayed site has the URLs of before, which were unique)
        site.check_unique_urls()
    result.site = site
    result.warnings.extend(empty_categories_warning(site))
    return site, entries


def empty_categories_warning(site: Site) -> list[str]:
    """A warning naming the configured categories no published post has, if any."""
    empty = site.empty_categories()
    if not empty:
        return []
    return [
        f"{site.config.path}: {', '.join(map(repr, empty))} in categories "
        f"{'has' if len(empty) == 1 else 'have'} no published post, so no page and no "
        "link in the navigation (give a post that category, or remove it from the list)"
    ]
