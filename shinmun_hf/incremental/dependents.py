"""Which outputs a change reaches: the reverse index from content files to the outputs that
showed them, and the suspects of a build (outputs showing a changed file or a changed shared
fact)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import compress
from operator import attrgetter, is_not

from .manifest import Manifest, dependent_files, dependents_of, recorded_sources
from .records import OutputRecord

__all__ = ["dependents", "patch_dependents", "suspects"]


def suspects(
    records: dict[str, OutputRecord],
    dependents: dict[str, bytes],
    changed: set[str],
    fact: Callable[[str], str | None],
) -> set[str]:
    """Outputs that read one of the ``changed`` documents, or a shared fact whose digest is
    no longer the one recorded (each fact's verdict is computed once)."""
    found: set[str] = set()
    for source in changed:
        found.update(dependent_files(dependents.get(source)))
    # Most outputs share one of a few tuples of shared facts (the navigation's category
    # list, say): the distinct tuples are found in C, and each is checked once.
    stale = {
        shared
        for shared in set(map(_shared_facts, records.values()))
        if any(fact(key) != digest for key, digest in shared)
    }
    if stale:
        found.update(file for file, record in records.items() if record.shared_facts in stale)
    return found


_shared_facts = attrgetter("shared_facts")

REINDEX_SHARE = 8
"""More than 1/REINDEX_SHARE of the outputs made anew: the dependents index is rebuilt."""


def dependents(previous: Manifest | None, records: dict[str, OutputRecord]) -> dict[str, bytes]:
    """``Manifest.dependents`` for ``records``: the previous index patched for the outputs
    whose record changed, or built afresh when many did."""
    before = previous.outputs if previous is not None else {}
    files = list(records)  # the records kept as they were are the very objects: found in C
    touched = list(compress(files, map(is_not, map(before.get, files), records.values())))
    touched.extend(file for file in before if file not in records)
    no_index = previous is None or (before and not previous.dependents)
    if no_index or len(touched) * REINDEX_SHARE > len(records):
        index: dict[str, list[str]] = {}
        for file, record in records.items():
            for source in recorded_sources(record):
                index.setdefault(source, []).append(file)
        return {source: dependents_of(files) for source, files in index.items()}
    assert previous is not None  # (no_index otherwise)
    patched = dict(previous.dependents)
    for file in touched:
        patch_dependents(patched, file, before.get(file), records.get(file))
    return patched


def patch_dependents(
    dependents: dict[str, bytes],
    file: str,
    before: OutputRecord | None,
    after: OutputRecord | None,
) -> None:
    """Update ``dependents`` for one output whose record went from ``before`` to ``after``."""
    old = set(recorded_sources(before)) if before is not None else set()
    new = set(recorded_sources(after)) if after is not None else set()
    for source in old ^ new:
        files = set(dependent_files(dependents.get(source)))
        if source in new:
            files.add(file)
        else:
            files.discard(file)
        if files:
            dependents[source] = dependents_of(files)
        else:
            dependents.pop(source, None)
