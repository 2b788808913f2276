"""The manifest: per output folder, the record of the last build in ``.shinmun-cache/``.

``manifest-<out>.marshal`` holds what the last build wrote, the facts each output read (see
:mod:`shinmun_hf.incremental.facts`) and an index of the outputs each source reaches, the stat
signature and entry outline of every source so an unchanged file is not even read, and a
fingerprint of all inputs. ``.delta`` holds what changed since it was last written in full,
``.summary`` what an up-to-date check needs (so an unchanged site costs nothing). The entries
themselves are in the SQLite store beside it (see :mod:`shinmun_hf.incremental.entry_store`).

A damaged or foreign manifest is ignored, never trusted: the worst case is a full build.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import mmap
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import is_not
from pathlib import Path
from typing import Any

from .records import CopyRecord, LayoutClosures, OutputRecord, RelatedMemo, SiteShape, SourceRecord

__all__ = [
    "CACHE_DIR",
    "Manifest",
    "ManifestSummary",
    "dependent_files",
    "dependents_of",
    "load_manifest",
    "load_summary",
    "output_record",
    "recorded_details",
    "recorded_sources",
    "save_manifest",
]

CACHE_DIR = ".shinmun-cache"
FORMAT = 14
"""Of the manifest, its delta and its summary: bump when what they hold or mean changes
(fields, fact kinds), so that a manifest of another version is never read."""


CANONICAL = 2
"""marshal's format 2: unlike later ones, it marks no object as shared (which depends on
reference counts), so equal values make equal bytes and unchanged items leave the delta."""


def output_record(
    layout_digest: str,
    facts: dict[str, str],
    digest: str,
    sources: tuple[str, ...],
    shared: tuple[str, ...],
) -> OutputRecord:
    """The record of an output made with the layout of closure digest ``layout_digest``
    (or ""), that read ``facts`` (key -> digest), of bytes of digest ``digest``, its facts
    split into ``sources`` and ``shared`` keys by ``Site.split_facts``."""
    details = marshal.dumps((facts, sources), CANONICAL)
    return OutputRecord(layout_digest, details, digest, tuple((key, facts[key]) for key in shared))


def recorded_details(record: OutputRecord) -> tuple[dict[str, str], tuple[str, ...]]:
    """Every fact the output read, with its digest then, and its sources."""
    facts, sources = marshal.loads(record.details)
    return facts, sources


def recorded_sources(record: OutputRecord) -> tuple[str, ...]:
    """The documents the output's per-post facts are made of."""
    return recorded_details(record)[1]


def dependents_of(files: Iterable[str]) -> bytes:
    """A ``Manifest.dependents`` value."""
    return marshal.dumps(tuple(sorted(files)), CANONICAL)


def dependent_files(value: bytes | None) -> tuple[str, ...]:
    return marshal.loads(value) if value else ()


@dataclass
class Manifest:
    """The record of one build of one output folder: what each output was made of (its
    layout's closure digest, the facts it read and their digests, its bytes' digest), what
    each source file was (stat, digest, entry cache key, outline), and what the next build
    checks before trusting any of it (engine, config digest, fingerprint, ``build_id``).
    Saved in full now and then, as a delta otherwise (see :func:`save_manifest`)."""

    build_id: str
    engine: str
    config_digest: str
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    """Output file -> how it was made."""
    copies: dict[str, CopyRecord] = field(default_factory=dict)
    """Output file copied from public/ or a post folder -> the stat of its source."""
    sources: dict[str, SourceRecord] = field(default_factory=dict)
    """Content file -> its record: unchanged stat means unchanged bytes."""
    dependents: dict[str, bytes] = field(default_factory=dict)
    """Content file -> the outputs whose sources include it (see :func:`dependents_of`):
    after an edit, the outputs to check are found without reading every record."""
    outlines: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """Entry cache key -> encoded :class:`~shinmun_hf.content.EntryOutline` of every entry:
    the next build makes its site model of these, loading only the entries it renders."""
    related_signature: str = ""
    """Ranking signature of the site's related posts (see ``Site.ranking_signature``)."""
    related_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """``"source:limit"`` -> related sources, reused while the signature is unchanged."""
    fingerprint: str = ""
    """Digest of every input's stat, the config and the options: equal means nothing to do."""
    due: float | None = None
    """Timestamp of the next future post to come due: from then on the site changes."""
    published_at: float = 0.0
    """The time that build published posts by: with the clock set before it, the site
    changes too (a post published then is a future post again)."""
    component_inputs: list[str] = field(default_factory=list)
    """Files the component bundles read (part of the fingerprint)."""
    layout_closures: LayoutClosures | None = None
    """Every layout's closure digest, reused while the layouts are the same."""
    membership: str = ""
    """Digest of which documents the site had, in order (see ``Site.membership``)."""
    shape: SiteShape | None = None
    """How that build's site was laid out."""
    shape_key: tuple[Any, ...] = ()
    """(include drafts, include future posts): the options that shape was made with."""
    started_ns: int = 0
    """When that build started: a file modified since may have changed without its stat
    changing (timestamps are coarse), so it is read again ("racily clean", as in git)."""

    base: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    """The fields of the manifest last written in full (see :func:`save_manifest`), if this
    one was loaded from it or saved; not itself saved."""
    base_file: tuple[int, int, int] | None = field(default=None, repr=False, compare=False)
    """(inode, size, modification time) of the file ``base`` was read from or written to:
    a delta is written only while the file is still that one."""

    @property
    def related(self) -> RelatedMemo | None:
        """The related posts of that build, or None if none were recorded."""
        if not self.related_signature:
            return None
        return RelatedMemo(self.related_signature, self.related_lists)

    def summary(self) -> ManifestSummary:
        return ManifestSummary(
            self.build_id,
            self.fingerprint,
            self.started_ns,
            self.due,
            self.published_at,
            list(self.component_inputs),
            len(self.outputs) + len(self.copies),
        )

    def saved_fields(self) -> dict[str, Any]:
        """The fields that are saved, by name, with the format (records still named: see
        :func:`_stored`)."""
        # shallow on purpose: asdict() would deep-copy tens of thousands of records
        saved = (f.name for f in dataclasses.fields(self) if f.name not in _UNSAVED)
        return {"format": FORMAT, **{name: getattr(self, name) for name in saved}}

    @classmethod
    def from_saved_fields(cls, fields: dict[str, Any]) -> Manifest:
        names = {f.name for f in dataclasses.fields(cls)} - _UNSAVED
        return cls(**{k: v for k, v in fields.items() if k in names})


_UNSAVED = {"base", "base_file"}
"""Fields of :class:`Manifest` about the files it was read from, not saved in them."""

_RECORDS_BY_FILE: dict[str, type[tuple[Any, ...]]] = {
    "outputs": OutputRecord,
    "sources": SourceRecord,
    "copies": CopyRecord,
}
"""Fields of :class:`Manifest` that map a file to its record."""

_ONE_RECORD: dict[str, type[tuple[Any, ...]]] = {
    "shape": SiteShape,
    "layout_closures": LayoutClosures,
}
"""Fields of :class:`Manifest` that hold one record, or None."""


# The storage boundary: marshal refuses tuple subclasses, so records are saved as plain
# tuples and named again when loaded. These two functions are the only place that knows.
def _stored(name: str, value: Any) -> Any:
    """The value of the manifest field ``name`` as it is saved (a dict of records may be
    only some of the field's items, as in a delta)."""
    if name in _RECORDS_BY_FILE:
        return dict(zip(value, map(tuple, value.values()), strict=True))
    if name in _ONE_RECORD and value is not None:
        return tuple(value)
    return value


def _loaded(name: str, value: Any) -> Any:
    """The value of the manifest field ``name`` as :func:`_stored` saved it, named again."""
    record = _RECORDS_BY_FILE.get(name)
    if record is not None:
        # tuple.__new__ mapped in C: a Python loop per record would cost more than the load
        return dict(zip(value, map(tuple.__new__, repeat(record), value.values()), strict=True))
    record = _ONE_RECORD.get(name)
    if record is not None and value is not None:
        return record._make(value)  # type: ignore[attr-defined]
    return value


def _manifest_path(cache_dir: Path, out: Path) -> Path:
    name = hashlib.blake2b(str(out.resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir / f"manifest-{name}.marshal"


def _delta_path(cache_dir: Path, out: Path) -> Path:
    return _manifest_path(cache_dir, out).with_suffix(".delta")


def _summary_path(cache_dir: Path, out: Path) -> Path:
    return _manifest_path(cache_dir, out).with_suffix(".summary")


@dataclass(frozen=True)
class ManifestSummary:
    """What tells that a site is up to date, saved apart from the manifest: a build with
    nothing to do reads these few hundred bytes instead of the whole manifest."""

    build_id: str
    fingerprint: str
    started_ns: int
    due: float | None
    published_at: float
    component_inputs: list[str]
    files: int
    """Files the site has."""

    def published_alike(self, moment: float) -> bool:
        """Whether a build at ``moment`` publishes the same posts as the one summed up:
        none has come due since, and the clock is not set before it."""
        return self.published_at <= moment and (self.due is None or moment < self.due)


def load_summary(cache_dir: Path, out: Path, build_id: str | None) -> ManifestSummary | None:
    """The summary of the build that produced ``out``; None if there is none to trust."""
    if build_id is None:
        return None
    try:
        data = marshal.loads(_summary_path(cache_dir, out).read_bytes())
        if data.get("format") != FORMAT or data.get("build_id") != build_id:
            return None
        return ManifestSummary(
            data["build_id"],
            data["fingerprint"],
            data["started_ns"],
            data["due"],
            data["published_at"],
            data["component_inputs"],
            data["files"],
        )
    except Exception:  # missing, damaged or from another version
        return None


DELTA_SHARE = 8
"""A delta holding more than 1/DELTA_SHARE of the manifest's items is written in full."""


def load_manifest(cache_dir: Path, out: Path, build_id: str | None) -> Manifest | None:
    """The manifest of the build that produced ``out``, or None if it cannot be trusted.

    ``marshal`` of plain tuples and dicts: on a 10,000-post site it loads and saves several
    times faster than pickled objects, and nothing but this program writes the file. The
    manifest is the last one written in full plus, if there is one for it, the delta file of
    what changed since (see :func:`save_manifest`).
    """
    if build_id is None:
        return None
    try:
        stored, base_file = _load_mapped(_manifest_path(cache_dir, out))
        if stored.get("format") != FORMAT:
            return None
        base = fields = {name: _loaded(name, value) for name, value in stored.items()}
        delta = _read_delta(_delta_path(cache_dir, out))
        if delta is not None and delta.get("base_id") == base.get("build_id"):
            fields = _patched(base, delta)
        if fields.get("build_id") != build_id:
            return None
        manifest = Manifest.from_saved_fields(fields)
    except Exception:  # missing, damaged or from another version: build from scratch
        return None
    manifest.base, manifest.base_file = base, base_file
    return manifest


def save_manifest(cache_dir: Path, out: Path, manifest: Manifest, base: Manifest | None) -> None:
    """Write ``manifest``: as a delta from the full manifest ``base`` was made from, when
    small, else in full.

    After a one-post edit, a dozen of a large site's tens of thousands of items have changed:
    writing those, not the whole file again, keeps the cost of saving in step with the edit.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    fields = manifest.saved_fields()
    path = _manifest_path(cache_dir, out)
    full, full_file = (base.base, base.base_file) if base is not None else (None, None)
    if full is not None and _file_identity(path) != full_file:
        full = None  # deleted, damaged or rewritten under a long-lived builder (``serve``)
    delta = _delta(full, fields) if full is not None else None
    if delta is not None:
        _write_atomically(_delta_path(cache_dir, out), marshal.dumps(delta))
        manifest.base, manifest.base_file = full, full_file
    else:
        stored = {name: _stored(name, value) for name, value in fields.items()}
        _write_atomically(path, marshal.dumps(stored))
        _delta_path(cache_dir, out).unlink(missing_ok=True)
        # A snapshot: the manifest's own dicts may still change (``render_edited_first``).
        manifest.base = {k: dict(v) if isinstance(v, dict) else v for k, v in fields.items()}
        manifest.base_file = _file_identity(path)
    # Last: a summary is only ever read together with the manifest it describes.
    summary = {"format": FORMAT, **dataclasses.asdict(manifest.summary())}
    _write_atomically(_summary_path(cache_dir, out), marshal.dumps(summary))


def _delta(base: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any] | None:
    """What turns the manifest fields ``base`` into ``fields``, as it is saved: dict fields
    item by item, the rest whole; None when that is no longer small."""
    scalars: dict[str, Any] = {}
    dicts: dict[str, tuple[dict[str, Any], list[str]]] = {}
    size = total = 0
    for name, value in fields.items():
        before = base.get(name)
        if not isinstance(value, dict) or not isinstance(before, dict):
            # (the very immutable object is left to the base)
            if value is not before or name not in base or not _immutable(value):
                scalars[name] = _stored(name, value)
            continue
        # Unchanged items are mostly the very objects loaded: tell them by identity first,
        # in C (map and compress), as this looks at every item of a 10,000-post manifest.
        keys = list(value)
        olds = map(before.get, keys, repeat(_MISSING))
        differ = compress(keys, map(is_not, olds, value.values()))
        changed = {k: value[k] for k in differ if before.get(k, _MISSING) != value[k]}
        removed = list(before.keys() - value.keys())
        dicts[name] = (_stored(name, changed), removed)
        size += len(changed) + len(removed)
        total += len(value)
    if size * DELTA_SHARE > total:
        return None
    return {"format": FORMAT, "base_id": base.get("build_id"), "scalars": scalars, "dicts": dicts}


_MISSING = object()


def _immutable(value: Any) -> bool:
    """Whether ``value`` holds nothing that could change in place (then it is hashable)."""
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _patched(base: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    """The manifest fields ``base`` with the saved ``delta`` applied."""
    scalars = delta["scalars"]
    fields = {**base, **{name: _loaded(name, value) for name, value in scalars.items()}}
    for name, (changed, removed) in delta["dicts"].items():
        merged = dict(base.get(name) or {})
        merged.update(_loaded(name, changed))
        for key in removed:
            merged.pop(key, None)
        fields[name] = merged
    return fields


def _load_mapped(path: Path) -> tuple[Any, tuple[int, int, int]]:
    """``marshal.loads`` of a file read through a memory map (no copy of its bytes to
    allocate and fill first, a large share of loading a big manifest), and the file's
    identity (see :func:`_file_identity`)."""
    with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return marshal.loads(data), _identity(os.fstat(file.fileno()))


def _file_identity(path: Path) -> tuple[int, int, int] | None:
    """(inode, size, modification time) of ``path``, None if it is missing: another file,
    or the same file written again, has another identity."""
    try:
        return _identity(path.stat())
    except OSError:
        return None


def _identity(stat: os.stat_result) -> tuple[int, int, int]:
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def _read_delta(path: Path) -> dict[str, Any] | None:
    try:
        delta = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return delta if isinstance(delta, dict) and delta.get("format") == FORMAT else None


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
