"""One build engine for full builds, cached builds and the dev server.

config -> content discovery -> entries (cached by content hash, rendered in parallel) -> site
model -> components -> outputs (each skipped when the facts it read are unchanged) -> writer
(staging beside the target, committed only when everything succeeded).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import multiprocessing
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .cache import CACHE_DIR, EntryCache, Manifest, OutputRecord, load_manifest, save_manifest
from .components import BuiltComponent, ComponentRef
from .config import Config, load_config
from .content import PAGE, POST, Entry, parse_entry
from .errors import BuildError
from .helpers import make_filters, make_globals
from .markup import RENDERER_VERSION
from .outputs import Output, plan_outputs
from .site import Site
from .templates import Layouts
from .writer import SiteWriter, read_marker

__all__ = ["BuildOptions", "BuildResult", "build", "discover"]

ENGINE = f"{__version__}/{RENDERER_VERSION}"
CONTENT_DIRS = ((POST, "content/posts"), (PAGE, "content/pages"))
MARKDOWN_SUFFIXES = (".md", ".markdown")
SKIPPED_PUBLIC_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")
PARALLEL_THRESHOLD = 24
"""Below this many entries to render, worker start-up costs more than it saves."""


@dataclass
class BuildOptions:
    drafts: bool = False
    future: bool = False
    dev: bool = False
    """Development build (``serve``): component source maps."""
    jobs: int | None = None
    now: dt.datetime | None = None
    environ: dict[str, str] | None = None
    variables: dict[str, object] = field(default_factory=dict)
    """Variables overriding config.yml's (``serve --hub local`` points the widget at the hub)."""


@dataclass
class BuildResult:
    out: Path
    outputs: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    rendered_entries: int = 0
    compiled_components: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    written_files: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SourceFile:
    path: str
    kind: str
    size: int
    mtime_ns: int


def discover(project: Path) -> list[SourceFile]:
    """Every content file, in a stable order (hidden files and folders are skipped)."""
    found: list[SourceFile] = []
    for kind, folder in CONTENT_DIRS:
        root = project / folder
        for directory, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
            for name in filenames:
                if name.startswith(".") or not name.endswith(MARKDOWN_SUFFIXES):
                    continue
                path = Path(directory, name)
                stat = path.stat()
                relative = path.relative_to(project).as_posix()
                found.append(SourceFile(relative, kind, stat.st_size, stat.st_mtime_ns))
    found.sort(key=lambda s: s.path)
    return found


def _entry_key(source: SourceFile, digest: str, config: Config) -> str:
    text = f"{ENGINE}|{config.timezone}|{config.base_path}|{source.kind}|{source.path}|{digest}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _parse_job(job: tuple[str, str, bytes, str, str]) -> Entry:
    return parse_entry(*job)


class Builder:
    """Builds one project into one output directory."""

    def __init__(self, project: Path, out: Path, options: BuildOptions | None = None) -> None:
        self.project = project.resolve()
        self.out = out if out.is_absolute() else self.project / out
        self.options = options or BuildOptions()
        self.cache_dir = self.project / CACHE_DIR

    def build(self) -> BuildResult:
        started = time.perf_counter()
        result = BuildResult(out=self.out)
        config = load_config(self.project, environ=self.options.environ, warnings=result.warnings)
        if self.options.variables:
            config = _with_variables(config, self.options.variables)
        previous = load_manifest(self.cache_dir, self.out, read_marker(self.out))
        # A new engine or config invalidates every record, but the old file list still says
        # what to delete.
        trusted = previous is not None and (
            previous.engine == ENGINE and previous.config_digest == config.digest
        )

        sources = discover(self.project)
        entries, digests, stats = self._load_entries(sources, config, previous, result)
        site = Site(
            config,
            entries,
            digests,
            include_drafts=self.options.drafts,
            include_future=self.options.future,
            now=self.options.now,
        )
        site.check_unique_urls()

        writer = SiteWriter(
            self.out,
            protected=(
                self.project / "content",
                self.project / "layouts",
                self.project / "public",
                self.project / "config.yml",
                self.project / CACHE_DIR,
            ),
        )
        try:
            manifest = Manifest(writer.build_id, ENGINE, config.digest, sources=stats)
            assets = self._bundle_components(site, result)
            self._render_outputs(site, previous, trusted, manifest, writer, result, assets)
            removed = self._removed(previous, manifest)
            writer.commit(complete=previous is None, removed=removed)
            result.removed = len(removed)
        except BaseException:
            writer.abort()
            raise
        save_manifest(self.cache_dir, self.out, manifest)
        result.outputs = len(manifest.outputs) + len(manifest.copies)
        result.seconds = time.perf_counter() - started
        return result

    # --- entries
    def _load_entries(
        self,
        sources: list[SourceFile],
        config: Config,
        previous: Manifest | None,
        result: BuildResult,
    ) -> tuple[list[Entry], dict[str, str], dict[str, tuple[int, int, str]]]:
        known = previous.sources if previous else {}
        digests: dict[str, str] = {}
        data: dict[str, bytes] = {}
        stats: dict[str, tuple[int, int, str]] = {}
        for source in sources:
            old = known.get(source.path)
            if old and old[0] == source.size and old[1] == source.mtime_ns:
                digests[source.path] = old[2]
            else:
                raw = (self.project / source.path).read_bytes()
                data[source.path] = raw
                digests[source.path] = hashlib.blake2b(raw, digest_size=16).hexdigest()
            stats[source.path] = (source.size, source.mtime_ns, digests[source.path])

        keys = {s.path: _entry_key(s, digests[s.path], config) for s in sources}
        cache = EntryCache(self.cache_dir)
        try:
            cached = cache.get_many(keys.values())
            missing = [s for s in sources if keys[s.path] not in cached]
            jobs = []
            for source in missing:
                raw = data.get(source.path)
                if raw is None:
                    raw = (self.project / source.path).read_bytes()
                jobs.append((source.path, source.kind, raw, config.timezone, config.base_path))
            fresh = self._parse_all(jobs)
            cache.put_many({keys[e.source]: e for e in fresh})
        finally:
            cache.close()
        by_source = {e.source: e for e in fresh}
        entries = [by_source.get(s.path) or cached[keys[s.path]] for s in sources]
        result.rendered_entries = len(fresh)
        for entry in entries:
            result.warnings.extend(entry.rendered.warnings)
        return entries, digests, stats

    def _parse_all(self, jobs: list[tuple[str, str, bytes, str, str]]) -> list[Entry]:
        workers = self.options.jobs or os.cpu_count() or 1
        if len(jobs) < PARALLEL_THRESHOLD or workers < 2:
            return [_parse_job(job) for job in jobs]
        context = multiprocessing.get_context("fork")
        chunk = max(1, len(jobs) // (workers * 8))
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            return list(pool.map(_parse_job, jobs, chunksize=chunk))

    # --- components
    def _bundle_components(self, site: Site, result: BuildResult) -> dict[str, bytes]:
        refs: list[ComponentRef] = [
            ref for doc in site.by_source.values() for ref in doc.entry.rendered.components
        ]
        if not refs:
            return {}
        from .typescript import ComponentBundler  # only projects with components pay for it

        bundler = ComponentBundler(
            self.project, self.cache_dir / "components", dev=self.options.dev
        )
        built: dict[str, BuiltComponent] = bundler.build(refs)
        result.compiled_components = getattr(bundler, "compiler_runs", 0)
        site.component_urls = {key: b.url_path for key, b in built.items()}
        assets: dict[str, bytes] = {}
        for component in built.values():
            assets.update(component.files)
        return assets

    # --- outputs
    def _render_outputs(
        self,
        site: Site,
        previous: Manifest | None,
        trusted: bool,
        manifest: Manifest,
        writer: SiteWriter,
        result: BuildResult,
        assets: dict[str, bytes],
    ) -> None:
        layouts = Layouts(self.project, make_globals(site), make_filters())
        outputs = plan_outputs(site)
        claimed = self._claim_files(outputs, assets)
        for output in outputs:
            if output.layout is not None:
                layouts.require(output.layout, needed_for=output.describe, file=output.source)
        old = previous.outputs if previous else {}
        out_exists = previous is not None

        def fresh(output: Output, record: OutputRecord | None) -> bool:
            if record is None or not trusted:
                return False
            if output.layout and record.layout_digest != layouts.closure_digest(output.layout):
                return False
            return all(site.fact(key) == digest for key, digest in record.facts.items())

        for output in outputs:
            record = old.get(output.file)
            if fresh(output, record):
                manifest.outputs[output.file] = record  # type: ignore[assignment]
                result.unchanged += 1
                continue
            data, facts = output.render(layouts, site)
            digest = hashlib.blake2b(data, digest_size=16).hexdigest()
            layout_digest = layouts.closure_digest(output.layout) if output.layout else ""
            manifest.outputs[output.file] = OutputRecord(layout_digest, facts, digest)
            self._emit(writer, output.file, data, digest, record, out_exists, result)

        for file, data in assets.items():
            digest = hashlib.blake2b(data, digest_size=16).hexdigest()
            manifest.outputs[file] = OutputRecord("asset", {}, digest)
            self._emit(writer, file, data, digest, old.get(file), out_exists, result)

        self._copy_public(previous, manifest, writer, result, claimed)

    def _emit(
        self,
        writer: SiteWriter,
        file: str,
        data: bytes,
        digest: str,
        record: OutputRecord | None,
        out_exists: bool,
        result: BuildResult,
    ) -> None:
        if out_exists and record is not None and record.content_hash == digest:
            result.unchanged += 1  # same bytes: leave the file (and its mtime) alone
            return
        writer.write(file, data)
        result.written += 1
        result.written_files.append(file)

    def _claim_files(self, outputs: list[Output], assets: dict[str, bytes]) -> dict[str, str]:
        """Map each output file to what makes it; two makers of one file is an error."""
        claimed: dict[str, str] = {}
        for output in outputs:
            other = claimed.get(output.file)
            if other is not None:
                raise BuildError(
                    f"{other} and {output.describe} both produce {output.file}",
                    file=output.source,
                    hint="rename the page or change its 'slug:'",
                )
            claimed[output.file] = output.describe
        for file in assets:
            claimed.setdefault(file, "a component bundle")
        return claimed

    def _copy_public(
        self,
        previous: Manifest | None,
        manifest: Manifest,
        writer: SiteWriter,
        result: BuildResult,
        claimed: dict[str, str],
    ) -> None:
        root = self.project / "public"
        old = previous.copies if previous else {}
        for path in _public_files(root):
            file = path.relative_to(root).as_posix()
            if file in claimed:
                raise BuildError(
                    f"public/{file} collides with {claimed[file]}",
                    file=f"public/{file}",
                    hint="rename or move the file",
                )
            stat = path.stat()
            signature = (stat.st_size, stat.st_mtime_ns)
            manifest.copies[file] = signature
            if previous is not None and old.get(file) == signature:
                result.unchanged += 1
                continue
            writer.copy(file, path)
            result.written += 1
            result.written_files.append(file)

    def _removed(self, previous: Manifest | None, manifest: Manifest) -> list[str]:
        if previous is None:
            return []
        before = set(previous.outputs) | set(previous.copies)
        after = set(manifest.outputs) | set(manifest.copies)
        return sorted(before - after)


def _public_files(root: Path) -> Iterable[Path]:
    """Files of ``public/`` to publish: no dotfiles, no TypeScript sources."""
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(SKIPPED_PUBLIC_SUFFIXES):
                continue
            yield Path(directory, name)


def _with_variables(config: Config, overrides: dict[str, object]) -> Config:
    import dataclasses

    return dataclasses.replace(config, variables={**config.variables, **overrides})


def build(
    project: Path, out: Path | None = None, options: BuildOptions | None = None
) -> BuildResult:
    """Build ``project`` into ``out`` (default ``project/_site``)."""
    return Builder(project, out or Path("_site"), options).build()
