"""``serve``'s fast render: the page of a just-edited post or page rendered from the
previous build's site model, ahead of the full build that follows."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..content.entry import Entry, parse_entry
from ..errors import ShinmunError
from ..incremental.dependents import patch_dependents
from ..incremental.manifest import output_record
from ..incremental.replay import place_in_site
from ..render.outputs import document_output
from ..site.model import Document
from ..writer import MARKER, read_marker, write_file_atomically

if TYPE_CHECKING:
    from .builder import Builder

__all__ = ["render_edited_first"]


def render_edited_first(builder: Builder, paths: Iterable[str]) -> list[str]:
    """Re-render the pages of just-edited posts and pages now, ahead of the full build.

    The dev server calls this with the watcher's paths and the ``builder`` of its full
    builds, so the page an author is writing reloads in milliseconds whatever the size of
    the site (Hugo calls this fast render).
    It acts only when every path is a post or page whose place in the site is unchanged
    (URL, date, category, tags, draft state, layout, components): the page is rendered
    from the previous build's site model with the new entry swapped in, which is what a
    full build renders, and its record is updated so that the full build, which must
    still follow (listings, neighbours, feeds), finds it fresh. Returns the files written;
    anything else returns [] and is left to the full build.
    """
    kept_layouts = builder.layouts
    site, manifest, layouts = builder.last_site, builder.last_manifest, kept_layouts.layouts
    wanted = sorted(set(paths))
    if site is None or manifest is None or layouts is None or not wanted:
        return []
    if read_marker(builder.out) != manifest.build_id:
        return []
    kept, key = kept_layouts.kept()
    if key != kept_layouts.key:
        return []  # a layout changed: left to the full build
    if not kept:  # read about when they were last changed: read again
        layouts = kept_layouts.for_site(site)
    config = site.config
    swaps: list[tuple[Document, Entry, str]] = []
    for path in wanted:
        document = site.by_source.get(path)
        if document is None:
            return []
        try:
            data = (builder.project / path).read_bytes()
            entry = parse_entry(path, document.kind, data, config.timezone, config.render_settings)
        except (OSError, ShinmunError):
            return []  # the full build reports it
        if place_in_site(entry.outline()) != place_in_site(document.outline):
            return []
        swaps.append((document, entry, hashlib.blake2b(data, digest_size=16).hexdigest()))
    for document, entry, digest in swaps:
        document.replace_entry(entry, digest)
    site.forget_facts()
    # The full build that follows must check everything these files reach, even if
    # they are back to their old bytes by then (an undo); and the manifest on disk no
    # longer describes the folder, so a new marker makes other processes distrust it.
    builder.fast_rendered.update(wanted)
    manifest.build_id = os.urandom(16).hex()
    write_file_atomically(builder.out / MARKER, f"{manifest.build_id}\n".encode())
    written = []
    for document, _, _ in swaps:
        output = document_output(document)
        data, facts = output.render(layouts, site)
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        record = manifest.outputs.get(output.file)
        if record is not None and record.content_digest == digest:
            continue
        write_file_atomically(builder.out / output.file, data)
        layout_digest = layouts.closure_digest(output.layout) if output.layout else ""
        updated = output_record(layout_digest, facts, digest, *site.split_facts(facts))
        patch_dependents(manifest.dependents, output.file, record, updated)
        manifest.outputs[output.file] = updated
        written.append(output.file)
    return written
