"""Rendering the outputs a build must make: in this process, or in forked workers that
write into the staging folder themselves and hand back only digests and facts."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable

from ..incremental.cache import output_record
from ..incremental.records import OutputRecord
from ..project.options import BuildOptions
from ..render.outputs import Output
from ..render.templates import Layouts
from ..site.model import Site
from ..writer import SiteWriter
from .workers import fork_pool

__all__ = ["PARALLEL_THRESHOLD", "RenderJob", "Rendered", "run_render_job"]

PARALLEL_THRESHOLD = 24
"""Below this many outputs to render, worker start-up costs more than it saves."""

Rendered = tuple[str, OutputRecord, bool]
"""(file, record, written) for one rendered output."""


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
