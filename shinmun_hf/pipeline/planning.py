"""The reuse and plan stages: which outputs the previous build's records prove fresh, and
the outputs this build considers, each file claimed by one maker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..incremental import replay
from ..incremental.dependents import suspects as find_suspects
from ..incremental.manifest import Manifest, recorded_details
from ..incremental.records import OutputRecord
from ..project.options import BuildResult
from ..render.outputs import Output, plan_outputs
from ..render.templates import Layouts
from ..site.model import Document, Site
from .clashes import Maker, claim_files

__all__ = ["Reuse", "find_reuse", "plan_files"]


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


def find_reuse(
    site: Site,
    layouts: Layouts,
    previous: Manifest | None,
    trusted: bool,
    changed: set[str],
    removed: set[str],
) -> Reuse:
    """What the previous build's records let this one skip (nothing for a cold build), given
    the content files ``changed`` and ``removed`` since it."""
    reuse = Reuse(previous.outputs if previous else {})
    if previous is None or not trusted:
        return reuse
    layouts_key = layouts.content_key
    remembered = previous.layout_closures
    if remembered is not None and remembered.content_key == layouts_key:
        layouts.adopt_closures(remembered.closures)
    old = reuse.records
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


def plan_files(
    project: Path,
    site: Site,
    layouts: Layouts,
    assets: dict[str, bytes],
    reuse: Reuse,
    makers: dict[str, Maker],
    result: BuildResult,
) -> list[Output]:
    """The outputs to consider, each file claimed by one maker (filled into ``makers``),
    each layout they name present; ``result`` is told whose pages were planned."""
    outputs = plan_outputs(site, reuse.planned_documents)
    outputs = _without_optional_outputs(outputs, layouts, project / "public")
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
    planned = reuse.planned_documents
    result.planned_pages = (
        [d.source for d in planned] if planned is not None else list(site.by_source)
    )
    return outputs


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
