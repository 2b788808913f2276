"""Entries: every content file parsed and rendered, in parallel, once per content hash."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..content.entry import Entry, parse_entry
from ..errors import ShinmunError
from ..markup import RenderSettings, prepare_renderer
from ..markup.highlight_cache import take_used, use_store
from ..project.config import Config
from ..project.options import BuildOptions
from ..project.sources import SourceFile
from ..version import ENGINE
from .workers import fork_pool

__all__ = ["ParseJob", "entry_key", "parse_all", "parse_job", "progress_of"]

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
