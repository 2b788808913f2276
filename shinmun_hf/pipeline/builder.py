"""One build engine for full builds, cached builds and the dev server.

config -> content discovery -> entries (cached by content hash, rendered in parallel) -> site
model -> components -> outputs (each skipped when the facts it read are unchanged) -> writer
(staging beside the target, committed only when everything succeeded).
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..components import BuiltComponent
from ..content.entry import POST, Entry, EntryOutline, parse_entry
from ..digests import digest_of
from ..errors import ShinmunError, raise_all
from ..incremental import replay
from ..incremental.cache import (
    CACHE_DIR,
    CacheReader,
    EntryCache,
    Manifest,
    load_manifest,
    output_record,
    recorded_details,
    recorded_sources,
    save_manifest,
)
from ..incremental.dependents import dependents as dependents_index
from ..incremental.dependents import patch_dependents
from ..incremental.dependents import suspects as find_suspects
from ..incremental.entry_codec import EncodedOutline, decode_outline, encode_outline, outline_field
from ..incremental.freshness import (
    RACY_MARGIN_NS,
    Survey,
    fingerprint,
    survey,
    unchanged_result,
)
from ..incremental.records import LayoutClosures, OutputRecord, SourceRecord
from ..incremental.replay import place_in_site, shape_to_replay
from ..project.config import Config
from ..project.options import BuildOptions, BuildResult, strict_typescript
from ..project.sources import BundleFile, SourceFile, discover, file_stats, tree_files
from ..render.outputs import Output, document_output, plan_outputs
from ..render.template_api import make_filters, make_globals
from ..render.templates import Layouts
from ..site.model import Document, Site
from ..version import ENGINE
from ..writer import MARKER, FileFolderClash, SiteWriter, read_marker, write_file_atomically
from .clashes import Maker, claim_files, explained_clash
from .copies import copy_bundles, copy_public
from .entries import entry_key, parse_all
from .rendering import RenderJob, run_render_job

__all__ = ["BuildOptions", "BuildResult", "build", "discover", "inputs_of", "sources_of"]

ASSET = "asset"
"""The layout digest of a component bundle's record: it has no layout."""


@dataclass
class Reuse:
    """What the previous build's records let this build skip: its output ``records``;
    ``fresh`` tells whether one still holds (a cold or untrusted build: none does);
    ``suspects``, when known, are the only outputs that can be out of date; and
    ``planned_documents``, for a replayed site, the only documents whose pages are planned."""

    records: dict[str, OutputRecord]
    fresh: Callable[[Output, OutputRecord], bool] | None = None
    suspects: set[str] | None = None
    planned_documents: list[Document] | None = None

    def is_fresh(self, output: Output, record: OutputRecord) -> bool:
        if self.suspects is not None and output.file not in self.suspects:
            return True
        return self.fresh is not None and self.fresh(output, record)


class Builder:
    """Builds one project into one output directory: :meth:`build` runs the stages, and
    keeps what ``serve``'s next build may reuse (entries, layouts, the site model)."""

    def __init__(self, project: Path, out: Path, options: BuildOptions | None = None) -> None:
        self.project = project.resolve()
        self.out = out if out.is_absolute() else self.project / out
        self.options = options or BuildOptions()
        self.cache_dir = self.project / CACHE_DIR
        self._component_inputs: list[str] = []
        self._bundles: list[BundleFile] = []
        """The files of post folders (see :meth:`_copy_bundles`)."""
        # Kept between builds of one Builder (``serve``): no reloading from disk.
        self._memory: dict[str, Entry] = {}
        """Full entries by cache key: parsed or loaded by this process."""
        self._outlines: dict[str, EntryOutline | EncodedOutline] = {}
        """The outlines of the last build's entries, by cache key."""
        self._reader = CacheReader(self.cache_dir)
        self._last_manifest: Manifest | None = None
        self._changed_sources: set[str] = set()
        """Content files whose bytes differ from the previous build's (added and removed too)."""
        self._removed_sources: set[str] = set()
        """Content files the previous build had and this one has not (moved ones too)."""
        self._layouts: Layouts | None = None
        self._layouts_key = ""
        self._layouts_read_ns = 0
        self._collecting = True
        """Whether the garbage collector was on when the build started."""
        self._fast_rendered: set[str] = set()
        """Files ``render_edited_first`` rendered since the last full build."""
        self._last_site: Site | None = None
        """The previous build's site model (``render_edited_first`` renders from it)."""

    def build(self, looked: Survey | None = None) -> BuildResult:
        """Build the site; ``looked`` is the survey ``shinmun build`` made to find out
        whether there was anything to do (made here otherwise)."""
        # Loading the manifest, the entries and the site model makes hundreds of thousands of
        # long-lived objects and next to no garbage: collections in the middle of it would
        # only walk them again and again. The collector is back on, with those objects
        # frozen out of its reach, for rendering.
        self._collecting = gc.isenabled()
        gc.disable()
        try:
            if looked is None:
                looked = survey(self.project, self.out, self.options)
            elif (looked.project, looked.out, looked.options) != (
                self.project,
                self.out,
                self.options,
            ):
                raise ValueError("the survey was made for another project, output or options")
            return self._build(looked)
        finally:
            gc.unfreeze()  # a long-lived process (serve) must be able to free old models
            if self._collecting:
                gc.enable()

    def _build(self, looked: Survey) -> BuildResult:
        """The stages of a build, top to bottom. The survey (:func:`survey`) has loaded the
        configuration and found the sources; ``[incremental]`` marks where the previous
        build's record (the manifest) lets a stage skip work, and a cold build has none."""
        result, config = looked.result, looked.config
        self._bundles = looked.bundles
        previous, done = self._previous_build(looked)  # [incremental] the last build's record
        if done is not None:
            return done  # nothing changed since: not even the manifest is read
        trusted = previous is not None and (  # a new engine or config invalidates every record
            previous.engine == ENGINE and previous.config_digest == config.digest
        )
        # Entries [incremental: cached by content hash; unchanged files known by outline].
        entries, digests, stats = self._load_entries(
            looked.sources, config, previous, trusted, result
        )
        # The site model [incremental: laid out as recorded when every file kept its place].
        site, entries = self._site_model(looked, entries, digests, previous, trusted, result)
        writer = SiteWriter(
            self.out, protected=sources_of(self.project), inputs=inputs_of(self.project)
        )
        makers: dict[str, Maker] = {}  # what makes each file, for errors
        try:
            manifest = Manifest(writer.build_id, ENGINE, config.digest, sources=stats)
            assets = self._bundle_components(site, result)
            layouts = self._layouts_for(site)
            # [incremental] which outputs are known fresh, and which documents' pages to plan
            reuse = self._reuse(site, layouts, previous, trusted)
            outputs = self._plan(site, layouts, assets, reuse, makers)
            planned = reuse.planned_documents
            result.planned_pages = (
                [d.source for d in planned] if planned is not None else list(site.by_source)
            )
            self._render(outputs, reuse, layouts, site, manifest, writer, result, assets)
            copy_public(self.project, self.out, previous, manifest, writer, result, makers)
            copy_bundles(
                self.project,
                self.out,
                self._bundles,
                site,
                previous,
                manifest,
                writer,
                result,
                makers,
            )
            self._record(manifest, looked, site, layouts, entries, previous)  # [incremental]
            removed = self._removed(previous, manifest)
            writer.commit(complete=previous is None, removed=removed)
            result.removed = len(removed)
            result.removed_files = removed
        except FileFolderClash as clash:
            writer.abort()
            raise explained_clash(clash.path, makers, site, self.project, self.out) from None
        except BaseException:
            writer.abort()
            raise
        save_manifest(self.cache_dir, self.out, manifest, base=previous)
        self._fast_rendered.clear()
        self._last_manifest = manifest
        self._last_site = site
        result.outputs = len(manifest.outputs) + len(manifest.copies)
        result.seconds = time.perf_counter() - looked.started
        return result

    def site_model(self) -> Site:
        """The site model as a cold build makes it, by the same stages (config and sources,
        entries, site model) and nothing after them: ``shinmun check`` after a build that had
        nothing to do, and so no model to hand over."""
        looked = survey(self.project, self.out, self.options)
        entries, digests, _ = self._load_entries(
            looked.sources, looked.config, None, False, looked.result
        )
        site, _ = self._site_model(looked, entries, digests, None, False, looked.result)
        return site

    def _previous_build(self, looked: Survey) -> tuple[Manifest | None, BuildResult | None]:
        """The previous build's manifest (kept in memory by ``serve``, else read from the
        cache), or the result of a build with nothing to do, told by the summary alone."""
        kept = self._last_manifest
        in_memory = kept if kept is not None and kept.build_id == looked.marker else None
        if not self._fast_rendered:
            done = unchanged_result(looked, in_memory.summary() if in_memory else None)
            if done is not None:
                return None, done
        looked.result.work.manifests_read += in_memory is None
        return in_memory or load_manifest(self.cache_dir, self.out, looked.marker), None

    def _site_model(
        self,
        looked: Survey,
        entries: list[Entry | EntryOutline | EncodedOutline],
        digests: dict[str, str],
        previous: Manifest | None,
        trusted: bool,
        result: BuildResult,
    ) -> tuple[Site, list[Entry | EntryOutline | EncodedOutline]]:
        """The site model, and the entries (decoded, unless the site was replayed)."""
        config, now = looked.config, looked.now
        shape = shape_to_replay(
            previous,
            trusted,
            (self.options.drafts, self.options.future),
            self._changed_sources,
            looked.sources,
            entries,
            now,
            decoded=lambda item: self._decoded(item, config, result),
        )
        if shape is None:  # every outline is read: decoded here, once
            entries = [self._decoded(item, config, result) for item in entries]
        site = Site(
            config,
            entries,
            digests,
            include_drafts=self.options.drafts,
            include_future=self.options.future,
            now=now,
            related_memo=previous.related if previous else None,
            load_body=self._body_loader(config),
            load_entries=self._entry_loader(config, result),
            shape=shape,
            outline_of=lambda fields: self._decoded(fields, config, result),
            work=result.work,
        )
        if not site.replayed:  # (a replayed site has the URLs of before, which were unique)
            site.check_unique_urls()
        result.site = site
        result.warnings.extend(empty_categories_warning(site))
        # The entries and the site model live for the whole build: move them out of the
        # collector's reach, or every collection walks them again. Objects made while
        # rendering are still collected as usual.
        gc.freeze()
        if self._collecting:
            gc.enable()
        return site, entries

    def _record(
        self,
        manifest: Manifest,
        looked: Survey,
        site: Site,
        layouts: Layouts,
        entries: list[Entry | EntryOutline | EncodedOutline],
        previous: Manifest | None,
    ) -> None:
        """Fill in the manifest: what the next build reuses, or checks before reusing."""
        now = looked.now
        manifest.outlines = self._recorded_outlines(previous)
        manifest.layout_closures = LayoutClosures(layouts.content_key, layouts.closures())
        manifest.dependents = dependents_index(previous, manifest.outputs)
        manifest.related_signature, manifest.related_lists = site.related_memo()
        manifest.membership = site.membership
        manifest.shape = site.shape()
        manifest.shape_key = (self.options.drafts, self.options.future)
        # (A replayed site publishes the same posts: the same one comes due next.)
        manifest.due = (
            previous.due if site.replayed and previous else _next_due(entries, now, self.options)  # type: ignore[arg-type]
        )
        manifest.published_at = now.timestamp()
        manifest.component_inputs = self._component_inputs
        manifest.fingerprint = fingerprint(looked, manifest.component_inputs)[0]
        manifest.started_ns = looked.started_ns

    @property
    def component_inputs(self) -> list[str]:
        """Project-relative files the last build's components read (to watch them)."""
        return self._component_inputs

    def render_edited_first(self, paths: Iterable[str]) -> list[str]:
        """Re-render the pages of just-edited posts and pages now, ahead of the full build.

        The dev server calls this with the watcher's paths, so the page an author is writing
        reloads in milliseconds whatever the size of the site (Hugo calls this fast render).
        It acts only when every path is a post or page whose place in the site is unchanged
        (URL, date, category, tags, draft state, layout, components): the page is rendered
        from the previous build's site model with the new entry swapped in, which is what a
        full build renders, and its record is updated so that the full build, which must
        still follow (listings, neighbours, feeds), finds it fresh. Returns the files written;
        anything else returns [] and is left to the full build.
        """
        site, manifest, layouts = self._last_site, self._last_manifest, self._layouts
        wanted = sorted(set(paths))
        if site is None or manifest is None or layouts is None or not wanted:
            return []
        if read_marker(self.out) != manifest.build_id:
            return []
        kept, key = self._layouts_kept()
        if key != self._layouts_key:
            return []  # a layout changed: left to the full build
        if not kept:  # read about when they were last changed: read again
            layouts = self._layouts_for(site)
        config = site.config
        swaps: list[tuple[Document, Entry, str]] = []
        for path in wanted:
            document = site.by_source.get(path)
            if document is None:
                return []
            try:
                data = (self.project / path).read_bytes()
                entry = parse_entry(
                    path, document.kind, data, config.timezone, config.render_settings
                )
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
        self._fast_rendered.update(wanted)
        manifest.build_id = os.urandom(16).hex()
        write_file_atomically(self.out / MARKER, f"{manifest.build_id}\n".encode())
        written = []
        for document, _, _ in swaps:
            output = document_output(document)
            data, facts = output.render(layouts, site)
            digest = hashlib.blake2b(data, digest_size=16).hexdigest()
            record = manifest.outputs.get(output.file)
            if record is not None and record.content_digest == digest:
                continue
            write_file_atomically(self.out / output.file, data)
            layout_digest = layouts.closure_digest(output.layout) if output.layout else ""
            updated = output_record(layout_digest, facts, digest, *site.split_facts(facts))
            patch_dependents(manifest.dependents, output.file, record, updated)
            manifest.outputs[output.file] = updated
            written.append(output.file)
        return written

    # --- entries
    def _load_entries(
        self,
        sources: list[SourceFile],
        config: Config,
        previous: Manifest | None,
        trusted: bool,
        result: BuildResult,
    ) -> tuple[
        list[Entry | EntryOutline | EncodedOutline], dict[str, str], dict[str, SourceRecord]
    ]:
        """Every entry, in the order of ``sources``: in full where this process has it (just
        rendered, or kept by ``serve``), else as the outline the previous build recorded, else
        from the entry cache, else rendered now. Records the outlines in ``self._outlines``.

        One pass over the files, reusing the previous build's records of unchanged ones
        whole: this runs for every file of the site on every build."""
        known = previous.sources if previous else {}
        clean_before = previous.started_ns - RACY_MARGIN_NS if previous else 0
        recorded = previous.outlines if previous else {}
        memory, outlines = self._memory, self._outlines
        digests: dict[str, str] = {}
        data: dict[str, bytes] = {}
        stats: dict[str, SourceRecord] = {}
        changed: set[str] = set()
        items: dict[str, Entry | EntryOutline | EncodedOutline] = {}
        wanted: list[SourceFile] = []
        outlined: list[SourceFile] = []
        # ^ files known by their outline only: their entries must be in the entry cache
        keys: dict[str, str] = {}
        for source in sources:
            path = source.path
            old = known.get(path)
            if (
                old is not None
                and old.size == source.size
                and old.changed_ns == source.changed_ns
                and source.changed_ns < clean_before
            ):
                digest = old.content_digest
                # Same engine and config (trusted): an unchanged file keeps its cache key.
                key = old.entry_key if trusted else entry_key(source, digest, config)
                stats[path] = (
                    old if trusted else SourceRecord(old.size, old.changed_ns, digest, key)
                )
            else:
                raw = data[path] = (self.project / path).read_bytes()
                digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
                key = entry_key(source, digest, config)
                stats[path] = SourceRecord(source.size, source.changed_ns, digest, key)
                if old is None or old.content_digest != digest:
                    changed.add(path)
            digests[path] = digest
            keys[path] = key
            item = memory.get(key) or outlines.get(key) or recorded.get(key)
            # (a recorded outline stays encoded: decoded by the site model when it is read)
            if item is None:
                wanted.append(source)
            else:
                items[path] = item
                if not isinstance(item, Entry):
                    outlined.append(source)
        if outlined and self._reader.entry_count() < len(outlined):
            # The entry cache lost entries (deleted, damaged): outlines would leave it empty,
            # and every later build rendering their bodies again. Load and refill it instead.
            for source in outlined:
                del items[source.path]
            wanted.extend(outlined)
        self._removed_sources = known.keys() - stats.keys()  # removed files (or moved ones)
        changed.update(self._removed_sources)
        changed.update(self._fast_rendered)
        self._changed_sources = changed
        fresh: list[Entry] = []
        if wanted:
            cache = EntryCache(self.cache_dir)
            try:
                cached = cache.get_many(keys[s.path] for s in wanted)
                jobs = []
                for source in wanted:
                    entry = cached.get(keys[source.path])
                    if entry is not None:
                        items[source.path] = entry
                        continue
                    raw = data.get(source.path)
                    if raw is None:
                        raw = (self.project / source.path).read_bytes()
                    jobs.append(
                        (source.path, source.kind, raw, config.timezone, config.render_settings)
                    )
                highlights: dict[str, dict[str, str]] = {}
                errors: list[ShinmunError] = []
                for entry, used in parse_all(jobs, self.options, self.cache_dir):
                    if isinstance(entry, ShinmunError):
                        errors.append(entry)
                        continue
                    entry.cache_key = keys[entry.source]
                    items[entry.source] = entry
                    fresh.append(entry)
                    highlights[entry.cache_key] = used
                cache.put_many(fresh, highlights)  # (the good ones are kept for the next try)
                raise_all(errors)
                if fresh:
                    cache.prune(keep=keys.values())
            finally:
                cache.close()
        ordered = [items[s.path] for s in sources]
        # Kept for the next build of this Builder (serve), forgetting removed and old versions.
        self._outlines, self._memory = {}, {}
        kept_outlines, kept_entries = self._outlines, self._memory
        for item in ordered:
            outline: EntryOutline | EncodedOutline
            if isinstance(item, Entry):
                outline = item.outline()
                key, warnings = outline.cache_key, outline.warnings
                kept_entries[key] = item
            elif isinstance(item, EntryOutline):
                outline, key, warnings = item, item.cache_key, item.warnings
            else:
                outline = item
                key, warnings = outline_field(item, "cache_key"), outline_field(item, "warnings")
            if key in memory and key not in kept_entries:  # loaded by an earlier build
                kept_entries[key] = memory[key]
            kept_outlines[key] = outline
            if warnings:
                result.warnings.extend(warnings)
        result.rendered_entries = len(fresh)
        return ordered, digests, stats

    def _decoded(
        self, item: Entry | EntryOutline | EncodedOutline, config: Config, result: BuildResult
    ) -> Entry | EntryOutline:
        """``item`` with an encoded outline decoded; a damaged one is replaced by the entry
        read from its file again."""
        if isinstance(item, (Entry, EntryOutline)):
            return item
        result.work.outlines_decoded += 1
        try:
            return decode_outline(item)
        except Exception:
            source, kind = outline_field(item, "source"), outline_field(item, "kind")
            entry = self._parse_file(source, kind, config)
            entry.cache_key = outline_field(item, "cache_key")
            return entry

    def _recorded_outlines(self, previous: Manifest | None) -> dict[str, tuple[Any, ...]]:
        """The outlines for the manifest: unchanged ones as recorded, new ones encoded."""
        recorded = previous.outlines if previous else {}
        encoded: dict[str, tuple[Any, ...]] = {}
        for key, outline in self._outlines.items():
            fields = recorded.get(key) or (
                outline if type(outline) is tuple else encode_outline(outline)
            )
            if fields is not None:
                encoded[key] = fields
        return encoded

    def _entry_loader(
        self, config: Config, result: BuildResult
    ) -> Callable[[Sequence[EntryOutline]], list[Entry]]:
        """Full entries for outlines: from memory, the cache, or (damaged cache) the file."""
        reader, memory = self._reader, self._memory

        def load(outlines: Sequence[EntryOutline]) -> list[Entry]:
            found = reader.entries(o.cache_key for o in outlines if o.cache_key not in memory)
            result.loaded_entries += len(found)
            loaded = []
            for outline in outlines:
                entry = memory.get(outline.cache_key) or found.get(outline.cache_key)
                if entry is None:
                    entry = self._parse_file(outline.source, outline.kind, config)
                    entry.cache_key = outline.cache_key
                memory[outline.cache_key] = entry
                loaded.append(entry)
            return loaded

        return load

    def _body_loader(self, config: Config) -> Callable[[Entry], str]:
        """Bodies come from the cache; a missing one (damaged cache) is rendered again."""
        reader = self._reader

        def load(entry: Entry) -> str:
            html = reader.body(entry.cache_key)
            if html is None:
                html = self._parse_file(entry.source, entry.kind, config).rendered.html
            return html or ""

        return load

    def _parse_file(self, source: str, kind: str, config: Config) -> Entry:
        """A content file rendered again, for what a damaged cache lacks."""
        data = (self.project / source).read_bytes()
        return parse_entry(source, kind, data, config.timezone, config.render_settings)

    # --- components
    def _bundle_components(self, site: Site, result: BuildResult) -> dict[str, bytes]:
        refs = site.component_refs()
        if not refs:
            return {}
        from ..typescript import ComponentBundler  # only projects with components pay for it

        bundler = ComponentBundler(
            self.project, self.cache_dir / "components", dev=self.options.dev
        )
        strict = strict_typescript()  # else Shinmun's error box in the page
        built: dict[str, BuiltComponent] = bundler.build(refs, strict=strict)
        inputs = {i for b in built.values() for i in b.inputs}
        for ref in refs:
            if ref.key in bundler.errors and ref.path:
                inputs.add(ref.path)  # fixing the file must trigger a rebuild
        self._component_inputs = sorted(inputs)
        result.compiled_components = bundler.compiler_runs
        result.warnings.extend(str(error) for error in bundler.errors.values())
        site.component_urls = {key: b.url_path for key, b in built.items()}
        site.component_errors = {key: e.message for key, e in bundler.errors.items()}
        assets: dict[str, bytes] = {}
        for component in built.values():
            assets.update(component.files)
        return assets

    # --- outputs
    def _reuse(
        self, site: Site, layouts: Layouts, previous: Manifest | None, trusted: bool
    ) -> Reuse:
        """What the previous build's records let this one skip (nothing for a cold build)."""
        reuse = Reuse(previous.outputs if previous else {})
        if previous is None or not trusted:
            return reuse
        layouts_key = layouts.content_key
        remembered = previous.layout_closures
        if remembered is not None and remembered.content_key == layouts_key:
            layouts.adopt_closures(remembered.closures)
        old = reuse.records
        changed, removed = self._changed_sources, self._removed_sources
        # Same documents in the same order: the changed ones' old outlines tell whether the
        # rankings (and the site's lists) are the same too, without going over every post.
        related = previous.related
        previous_outlines = None
        if related is not None:
            if previous.membership != site.membership:
                related = None  # other documents, or another order: no ranking carries over
            else:
                previous_outlines = replay.previous_outlines(previous, changed, site)
                if previous_outlines is not None:
                    site.work.outlines_decoded += len(previous_outlines)
                    site.prove_ranking(related.signature, previous_outlines)
        # Same documents in the same rankings: per-post facts are decided by their sources.
        by_sources = related is not None and related.signature == site.ranking_signature
        fact = site.fact

        def fresh(output: Output, record: OutputRecord) -> bool:
            if output.layout and record.layout_digest != layouts.closure_digest(output.layout):
                return False
            facts, sources = recorded_details(record)
            if not removed.isdisjoint(sources):
                # It showed a file that is gone, or moved (then it may look the same, but its
                # record must name the new file, for later edits of it to reach the output).
                return False
            if by_sources and changed.isdisjoint(sources):
                return all(fact(key) == digest for key, digest in record.shared_facts)
            return all(
                site.proven_unchanged(key, changed) or fact(key) == digest
                for key, digest in facts.items()
            )

        reuse.fresh = fresh
        # With the rankings and the layouts as before, only the outputs showing a changed
        # document or a changed shared fact can be out of date: one pass over the records
        # finds them, and every other output is fresh without a check of its own. (Each
        # record's layout digest is that of the build that last checked or made it, and
        # that build had these layouts.)
        if by_sources:
            site.previous_outlines = previous_outlines
            same_layouts = remembered is not None and remembered.content_key == layouts_key
            if same_layouts and (previous.dependents or not old):
                reuse.suspects = find_suspects(old, previous.dependents, changed, fact)
        # A replayed site has the pages of before and, here, the same layouts: of the
        # documents' pages only the suspected ones are planned; the others keep their records.
        if site.replayed and reuse.suspects is not None:
            by_file, rank = site.by_output_file, site.post_rank
            planned = [by_file[f] for f in reuse.suspects if f in by_file]
            planned.sort(key=lambda d: (rank.get(d.source, len(rank)), d.source))
            reuse.planned_documents = planned
        return reuse

    def _plan(
        self,
        site: Site,
        layouts: Layouts,
        assets: dict[str, bytes],
        reuse: Reuse,
        makers: dict[str, Maker],
    ) -> list[Output]:
        """The outputs to consider, each file claimed by one maker (filled into ``makers``),
        each layout they name present."""
        outputs = plan_outputs(site, reuse.planned_documents)
        outputs = _without_optional_outputs(outputs, layouts, self.project / "public")
        makers.update(claim_files(site, outputs, assets))
        if reuse.planned_documents is not None:  # (the others' files were unique in that build)
            for file, document in site.by_output_file.items():
                makers.setdefault(file, document)
        checked_layouts: set[str] = set()
        for output in outputs:
            if output.layout is None or output.layout in checked_layouts:
                continue
            if not layouts.exists(output.layout):
                document = site.by_source.get(output.source) if output.source else None
                layouts.require(
                    output.layout,
                    needed_for=output.describe,
                    file=output.source,
                    line=document.entry.lines.get("layout") if document else None,
                )
            checked_layouts.add(output.layout)
        return outputs

    def _render(
        self,
        outputs: list[Output],
        reuse: Reuse,
        layouts: Layouts,
        site: Site,
        manifest: Manifest,
        writer: SiteWriter,
        result: BuildResult,
        assets: dict[str, bytes],
    ) -> None:
        """Render the outputs that are not fresh into the writer's staging folder, and stage
        the component bundles."""
        old = reuse.records
        stale: list[Output] = []
        unchanged = 0
        outputs_now = manifest.outputs
        for output in outputs:
            file = output.file
            record = old.get(file)
            if record is not None and reuse.is_fresh(output, record):  # [incremental]
                outputs_now[file] = record
                unchanged += 1
            else:
                stale.append(output)
                if output.layout:  # computed before any worker forks, so computed once
                    layouts.closure_digest(output.layout)
        if reuse.planned_documents is not None:  # [incremental] pages not planned: kept
            planned = {output.file for output in outputs}
            pages = site.by_output_file
            for file, record in old.items():
                if file not in planned and file in pages and record.layout_digest != ASSET:
                    outputs_now[file] = record
                    unchanged += 1
        result.unchanged += unchanged

        result.rendered_files = [output.file for output in stale]
        # The documents these outputs showed last time, loaded in one batch (and before any
        # worker forks, so loaded once): the rest of the site stays outlines.
        shown = {
            source
            for output in stale
            if output.file in old
            for source in recorded_sources(old[output.file])
        }
        site.load_entries([site.by_source[s] for s in sorted(shown) if s in site.by_source])
        job = RenderJob(stale, layouts, site, old, writer)
        for file, record, written in run_render_job(job, self.options):
            manifest.outputs[file] = record
            if written:
                writer.staged.append(file)
            result.count_file(file, written)

        for file, data in assets.items():
            digest = hashlib.blake2b(data, digest_size=16).hexdigest()
            manifest.outputs[file] = output_record(ASSET, {}, digest, (), ())
            record = old.get(file)
            written = record is None or record.content_digest != digest
            if written:
                writer.write(file, data)
            result.count_file(file, written)

    def _layouts_for(self, site: Site) -> Layouts:
        """The layouts, parsed once per Builder while no layout file changes (``serve``);
        only the globals, which are bound to this build's site, are replaced."""
        kept, key = self._layouts_kept()
        if self._layouts is None or not kept:
            self._layouts_read_ns = time.time_ns()
            self._layouts = Layouts(
                self.project, make_globals(site), make_filters(), cache_dir=self.cache_dir
            )
            self._layouts_key = key
        else:
            self._layouts.env.globals.update(make_globals(site))
            # The cache folder may have been deleted since (serve runs for hours).
            (self.cache_dir / "layouts").mkdir(parents=True, exist_ok=True)
        return self._layouts

    def _layouts_kept(self) -> tuple[bool, str]:
        """Whether the layouts this Builder read are still those on disk, and the key of
        those on disk."""
        key, newest = _tree_signature(self.project / "layouts")
        # One written again soon after they were read may hold other text under the same
        # stat ("racily clean", as for content files): then they are read again.
        clean = newest < self._layouts_read_ns - RACY_MARGIN_NS
        return self._layouts is not None and key == self._layouts_key and clean, key

    def _removed(self, previous: Manifest | None, manifest: Manifest) -> list[str]:
        if previous is None:
            return []
        before = set(previous.outputs) | set(previous.copies)
        after = set(manifest.outputs) | set(manifest.copies)
        return sorted(before - after)


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


def inputs_of(project: Path) -> tuple[Path, ...]:
    """The folders a build reads: an output folder inside one would be copied into the next
    build (``serve`` keeps its output in the cache, which no build reads)."""
    return (project / "content", project / "layouts", project / "public")


def sources_of(project: Path) -> tuple[Path, ...]:
    """What an output folder must never hold (or be): the project's sources and cache."""
    return (*inputs_of(project), project / "config.yml", project / CACHE_DIR)


def _without_optional_outputs(
    outputs: list[Output], layouts: Layouts, public: Path
) -> list[Output]:
    """Optional outputs (the tags and categories indexes) are left out when their layout is
    missing, or when a page or a public file of the project already is that file."""
    taken = {output.file for output in outputs if not output.optional}
    return [
        output
        for output in outputs
        if not output.optional
        or (
            output.file not in taken
            and layouts.exists(output.layout or "")
            and not (public / output.file).exists()
        )
    ]


def _tree_signature(root: Path) -> tuple[str, int]:
    """Digest of the paths, sizes and change times of every file below ``root``, and the
    newest of the times."""
    parts, newest = file_stats(tree_files(root))
    return digest_of(parts), newest


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


def build(
    project: Path, out: Path | None = None, options: BuildOptions | None = None
) -> BuildResult:
    """Build ``project`` into ``out`` (default ``project/_site``)."""
    return Builder(project, out or Path("_site"), options).build()
