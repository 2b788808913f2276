"""The render stage: the outputs a build must make, rendered in this process or in forked
workers that write into the staging folder themselves and hand back only digests and facts;
the fresh ones keep their records."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable

from ..incremental.manifest import Manifest, output_record, recorded_sources
from ..incremental.records import OutputRecord
from ..project.options import BuildOptions, BuildResult
from ..render.outputs import Output
from ..render.templates import Layouts
from ..site.model import Site
from ..writer import SiteWriter
from .planning import Reuse
from .workers import fork_pool

__all__ = [
    "ASSET",
    "PARALLEL_THRESHOLD",
    "RenderJob",
    "Rendered",
    "render_outputs",
    "run_render_job",
]

ASSET = "asset"
"""The layout digest of a component bundle's record: it has no layout."""

PARALLEL_THRESHOLD = 24
"""Below this many outputs to render, worker start-up costs more than it saves."""

Rendered = tuple[str, OutputRecord, bool]
"""(file, record, written) for one rendered output."""


def render_outputs(
    outputs: list[Output],
    reuse: Reuse,
    layouts: Layouts,
    site: Site,
    manifest: Manifest,
    writer: SiteWriter,
    result: BuildResult,
    assets: dict[str, bytes],
    options: BuildOptions,
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
    for file, record, written in run_render_job(job, options):
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


class RenderJob:
    """Outputs to render and what rendering them needs; run whole or in forked chunks.

    Workers write into the staging directory themselves and return only digests and facts.
    """

    def __init__(
        self,
        outputs: list[Output],
        layouts: Layouts,
        site: Site,
        old: dict[str, OutputRecord],
        writer: SiteWriter,
    ) -> None:
        self.outputs = outputs
        self.layouts = layouts
        self.site = site
        self.old = old
        self.writer = writer

    def run(self, indexes: Iterable[int]) -> list[Rendered]:
        done = []
        for index in indexes:
            output = self.outputs[index]
            data, facts = output.render(self.layouts, self.site)
            digest = hashlib.blake2b(data, digest_size=16).hexdigest()
            record = self.old.get(output.file)
            written = record is None or record.content_digest != digest
            if written:
                self.writer.write_unrecorded(output.file, data)
            layout_digest = self.layouts.closure_digest(output.layout) if output.layout else ""
            record = output_record(layout_digest, facts, digest, *self.site.split_facts(facts))
            done.append((output.file, record, written))
        return done


_current_job: RenderJob | None = None


def _run_chunk(indexes: range) -> tuple[list[Rendered], dict[str, tuple[str, ...]]]:
    """The chunk's outputs, and the related lists the worker computed so far."""
    assert _current_job is not None, "workers are forked from a process running a job"
    done = _current_job.run(indexes)
    related = {
        key: sources
        for key, sources in _current_job.site.computed_related().items()
        if key not in _related_sent
    }
    _related_sent.update(related)  # a worker runs several chunks: send each list once
    return done, related


_related_sent: set[str] = set()
"""Related lists this worker already returned (empty in the parent, which never sends)."""


def run_render_job(job: RenderJob, options: BuildOptions) -> list[Rendered]:
    workers = min(options.jobs or os.cpu_count() or 1, 8)
    count = len(job.outputs)
    tell = options.progress
    if count < PARALLEL_THRESHOLD or workers < 2:
        if tell is None:
            return job.run(range(count))
        rendered: list[Rendered] = []
        for indexes in _chunks(count, max(1, count // 50)):
            rendered.extend(job.run(indexes))
            tell("rendering pages", len(rendered), count)
        return rendered
    global _current_job
    _current_job = job  # inherited by the forked workers
    try:
        with fork_pool(workers) as pool:
            chunks = _chunks(count, workers * 4)
            done: list[Rendered] = []
            for part, related in pool.map(_run_chunk, chunks):
                done.extend(part)
                job.site.adopt_related(related)
                if tell is not None:
                    tell("rendering pages", len(done), count)
            return done
    finally:
        _current_job = None


def _chunks(count: int, parts: int) -> list[range]:
    size = max(1, -(-count // parts))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]
