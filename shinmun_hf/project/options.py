"""What a build is asked to do and what it reports, importable without the renderer."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..site.model import Site
    from .config import Config

__all__ = ["BuildOptions", "BuildResult", "WorkDone", "strict_typescript"]


def strict_typescript() -> bool:
    """Whether a component that does not compile fails the build (the default) or shows
    Shinmun's error box in its page (``SHINMUN_STRICT_TYPESCRIPT=0``). Part of every build's
    fingerprint: a build must be what a fresh one with its own settings writes."""
    return os.environ.get("SHINMUN_STRICT_TYPESCRIPT", "1") != "0"


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
    progress: Callable[[str, int, int], None] | None = field(
        default=None, compare=False, repr=False
    )
    """Told (stage, done, total) as the build advances (a terminal's progress line)."""


@dataclass
class WorkDone:
    """Work an incremental build exists to skip, counted where it is done (in this process
    only, not in render workers): what a warm build did is read here, not guessed."""

    manifests_read: int = 0
    """Whole manifests read from the cache (a build with nothing to do reads the summary)."""
    outlines_decoded: int = 0
    """Recorded outlines decoded from the manifest."""
    layouts: int = 0
    """Sites laid out anew: documents filtered and sorted, taxonomies and months grouped
    (a replayed site takes the recorded shape)."""
    ranking_digests: int = 0
    """Ranking signatures digested from every post (a proved one is taken as it was)."""
    related_indexes: int = 0
    """Related-post indexes built (related lists remembered from before need none)."""
    facts_computed: Counter[str] = field(default_factory=Counter)
    """Fact digests computed, by kind (``search``, ``addresses``, ``related``...)."""
    code_blocks_highlighted: int = 0
    """Code blocks run through Pygments (in this process, as for every count here)."""
    code_blocks_reused: int = 0
    """Code blocks taken highlighted from the cache, with no lexer made."""


@dataclass
class BuildResult:
    out: Path
    outputs: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    removed_files: list[str] = field(default_factory=list)
    rendered_files: list[str] = field(default_factory=list)
    """Outputs rendered because something they read changed (written or not)."""
    planned_pages: list[str] = field(default_factory=list)
    """The posts and pages whose own page the build planned, by source (a site laid out
    as the previous build recorded it plans only those an edit may change)."""
    rendered_entries: int = 0
    loaded_entries: int = 0
    """Full entries read from the cache for the outputs rendered (the rest stayed outlines);
    counted in this process only, not in workers."""
    compiled_components: int = 0
    work: WorkDone = field(default_factory=WorkDone)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    written_files: list[str] = field(default_factory=list)
    site: Site | None = None
    """The site model of the build (``shinmun check`` maps pages back to their sources)."""
    config: Config | None = None
    """The configuration the build used (variables overridden by ``BuildOptions``)."""

    def count_file(self, file: str, written: bool) -> None:
        """Count a file of the site as written, or as unchanged (same bytes: the file, and
        its modification time, are left alone)."""
        if written:
            self.written += 1
            self.written_files.append(file)
        else:
            self.unchanged += 1
