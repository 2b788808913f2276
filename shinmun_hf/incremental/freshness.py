"""Whether a build has anything to do, found before any of the renderer is imported.

A build with nothing to do reads the config, stats the content files and compares a fingerprint
of every input with the summary the last build left. Importing Jinja, Python-Markdown and
Pygments would take two thirds of that time, so none of them is imported here: ``shinmun build``
calls :func:`survey` and :func:`unchanged_result` first, and hands the survey to the builder
only when there is work.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import time
from dataclasses import dataclass
from pathlib import Path

from ..digests import digest_of
from ..project.config import Config, load_config
from ..project.options import BuildOptions, BuildResult, strict_typescript
from ..project.sources import (
    BundleFile,
    SourceFile,
    discover,
    file_stats,
    stat_signature,
    tree_files,
)
from ..version import ENGINE
from ..writer import read_marker
from .manifest import CACHE_DIR, ManifestSummary, load_summary

__all__ = ["RACY_MARGIN_NS", "Survey", "fingerprint", "is_up_to_date", "survey", "unchanged_result"]

RACY_MARGIN_NS = 100_000_000
"""Files modified this close to (or after) the previous build's start are read again."""


@dataclass
class Survey:
    """What a build reads first: the config, the output's marker, the content files' stats."""

    project: Path
    out: Path
    options: BuildOptions
    started: float
    """``time.perf_counter()`` when the build started."""
    result: BuildResult
    """The build's result so far (the config and its warnings)."""
    config: Config
    marker: str | None
    sources: list[SourceFile]
    content: tuple[str, int]
    """The content files' stat signature and newest change time (post folders' files too)."""
    now: dt.datetime
    started_ns: int
    """Wall-clock time of the survey: files modified after it are read again next time."""
    bundles: list[BundleFile] = dataclasses.field(default_factory=list)
    """The files of post folders, published beside their pages."""


def survey(project: Path, out: Path, options: BuildOptions) -> Survey:
    """Read the config and stat the content files of ``project``, to be built into ``out``
    (relative to the project, as for the builder)."""
    started = time.perf_counter()
    project = project.resolve()
    out = out if out.is_absolute() else project / out
    result = BuildResult(out=out)
    config = load_config(
        project,
        environ=options.environ,
        warnings=result.warnings,
        memo=project / CACHE_DIR / "config.marshal",
    )
    if options.variables:
        config = dataclasses.replace(config, variables={**config.variables, **options.variables})
    result.config = config
    marker = read_marker(out)
    bundles: list[BundleFile] = []
    # A record per content file and no garbage: collections meanwhile would only walk them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        sources = discover(project, bundles)
    finally:
        if collecting:
            gc.enable()
    now = options.now or dt.datetime.now(dt.UTC)
    started_ns = time.time_ns()
    return Survey(
        project,
        out,
        options,
        started,
        result,
        config,
        marker,
        sources,
        stat_signature([*sources, *bundles]),
        now,
        started_ns,
        bundles,
    )


def fingerprint(looked: Survey, component_inputs: list[str]) -> tuple[str, int]:
    """Digest of everything a build reads, and the newest change time among them.

    Equal fingerprints mean equal sites (but for the clock, see ``Manifest.due``): file
    stats stand for contents, as in ``git``.
    """
    project, options = looked.project, looked.options
    signature, newest_content = looked.content
    paths = [*tree_files(project / "layouts"), *tree_files(project / "public")]
    paths.extend(str(project / p) for p in component_inputs)
    files, newest = file_stats(paths)
    options_part = f"{options.drafts}{options.future}{options.dev}{strict_typescript()}"
    parts = [ENGINE, looked.config.digest, options_part, signature, *files]
    return digest_of(parts), max(newest, newest_content)


def is_up_to_date(looked: Survey, summary: ManifestSummary) -> bool:
    """Whether nothing that could change any output has changed since ``summary``'s build."""
    digest, newest = fingerprint(looked, summary.component_inputs)
    return (
        summary.fingerprint == digest
        and newest < summary.started_ns - RACY_MARGIN_NS
        and summary.published_alike(looked.now.timestamp())
    )


def unchanged_result(looked: Survey, summary: ManifestSummary | None = None) -> BuildResult | None:
    """The result of a build with nothing to do, or None if there is something to do.

    ``summary`` is the last build's (``serve`` keeps it in memory); read from the cache when
    not given."""
    if summary is None:
        summary = load_summary(looked.project / CACHE_DIR, looked.out, looked.marker)
    if summary is None or not is_up_to_date(looked, summary):
        return None
    result = looked.result
    result.unchanged = result.outputs = summary.files
    result.seconds = time.perf_counter() - looked.started
    return result
