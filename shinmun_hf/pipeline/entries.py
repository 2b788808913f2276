"""Entries: every content file parsed and rendered, in parallel, once per content hash, and
kept (:class:`EntryStore`) between the builds of one Builder."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ..content.entry import Entry, EntryOutline, parse_entry
from ..errors import ShinmunError, raise_all
from ..incremental.entry_codec import EncodedOutline, decode_outline, encode_outline, outline_field
from ..incremental.entry_store import CacheReader, EntryCache
from ..incremental.freshness import RACY_MARGIN_NS
from ..incremental.manifest import Manifest
from ..incremental.records import SourceRecord
from ..markup import RenderSettings, prepare_renderer
from ..markup.highlight_cache import take_used, use_store
from ..project.config import Config
from ..project.options import BuildOptions, BuildResult
from ..project.sources import SourceFile
from ..version import ENGINE
from .workers import fork_pool

__all__ = ["EntryStore", "ParseJob", "entry_key", "parse_all", "parse_job", "progress_of"]

PARALLEL_THRESHOLD = 24
"""Below this many entries to render, worker start-up costs more than it saves."""

ParseJob = tuple[str, str, bytes, str, RenderSettings]
"""What :func:`~shinmun_hf.content.entry.parse_entry` takes: path, kind, bytes, time zone,
render settings (a tuple, to cross to a worker process cheaply)."""


def entry_key(source: SourceFile, digest: str, config: Config) -> str:
    settings = config.render_settings.key
    text = f"{ENGINE}|{config.timezone}|{settings}|{source.kind}|{source.path}|{digest}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def parse_job(
    job: ParseJob,
) -> tuple[Entry | ShinmunError, dict[str, str]]:
    """The entry (or what is wrong with its file), and the highlighted code blocks it used
    (for the cache to keep). An error is returned, not raised: every file is still parsed,
    so one build reports every bad file."""
    take_used()  # forget blocks of anything rendered outside a job (serve's fast render)
    try:
        entry: Entry | ShinmunError = parse_entry(*job)
    except ShinmunError as error:
        entry = error
    return entry, take_used()


def parse_all(
    jobs: list[ParseJob], options: BuildOptions, cache_dir: Path
) -> list[tuple[Entry | ShinmunError, dict[str, str]]]:
    use_store(cache_dir / "entries.sqlite")  # code blocks highlighted before
    workers = options.jobs or os.cpu_count() or 1
    progress = progress_of(options, "reading content", len(jobs))
    if len(jobs) < PARALLEL_THRESHOLD or workers < 2:
        return [progress(parse_job(job)) for job in jobs]
    chunk = max(1, len(jobs) // (workers * 8))
    prepare_renderer(jobs[0][4])  # once here, inherited by every worker
    with fork_pool(workers) as pool:
        return [progress(parsed) for parsed in pool.map(parse_job, jobs, chunksize=chunk)]


def progress_of(options: BuildOptions, stage: str, total: int) -> Callable[[Any], Any]:
    """A pass-through that tells ``options.progress`` of each item done."""
    tell = options.progress
    if tell is None:
        return lambda item: item
    done = 0

    def step(item: Any) -> Any:
        nonlocal done
        done += 1
        tell(stage, done, total)
        return item

    return step


class EntryStore:
    """The entries stage: every content file's entry, and what this process keeps of them
    between the builds of one :class:`~shinmun_hf.pipeline.builder.Builder` (``serve``), so
    an unchanged file is neither read nor rendered again."""

    def __init__(self, project: Path, cache_dir: Path, options: BuildOptions) -> None:
        self.project = project
        self.cache_dir = cache_dir
        self.options = options
        self._memory: dict[str, Entry] = {}
        """Full entries by cache key: parsed or loaded by this process."""
        self._outlines: dict[str, EntryOutline | EncodedOutline] = {}
        """The outlines of the last build's entries, by cache key."""
        self._reader = CacheReader(cache_dir)
        self.changed: set[str] = set()
        """Content files whose bytes differ from the previous build's (added and removed too)."""
        self.removed: set[str] = set()
        """Content files the previous build had and this one has not (moved ones too)."""

    def load(
        self,
        sources: list[SourceFile],
        config: Config,
        previous: Manifest | None,
        trusted: bool,
        result: BuildResult,
        edited: Iterable[str] = (),
    ) -> tuple[
        list[Entry | EntryOutline | EncodedOutline], dict[str, str], dict[str, SourceRecord]
    ]:
        """Every entry, in the order of ``sources``: in full where this process has it (just
        rendered, or kept by ``serve``), else as the outline the previous build recorded, else
        from the entry cache, else rendered now. Records the outlines in ``self._outlines``,
        and in :attr:`changed` the files changed since ``previous`` (``edited`` ones too: the
        files ``serve``'s fast render rendered since then).

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
        self.removed = known.keys() - stats.keys()  # removed files (or moved ones)
        changed.update(self.removed)
        changed.update(edited)
        self.changed = changed
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

    def decoded(
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

    def recorded_outlines(self, previous: Manifest | None) -> dict[str, tuple[Any, ...]]:
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

    def entry_loader(
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

    def body_loader(self, config: Config) -> Callable[[Entry], str]:
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
