"""The persistent build cache in ``.shinmun-cache/``.

- ``entries.sqlite``: parsed and rendered entries keyed by a hash of the file's path and bytes,
  the time zone and the engine/renderer versions; shared by every output directory.
- ``manifest-<out>.pickle``: per output directory, what the last build wrote and the facts each
  output read (see :mod:`shinmun_hf.deps`), plus the stat signature of every source so an
  unchanged file is not even read.

A damaged or foreign cache is ignored, never trusted: the worst case is a full build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CACHE_DIR", "EntryCache", "Manifest", "OutputRecord", "load_manifest", "save_manifest"]

CACHE_DIR = ".shinmun-cache"
FORMAT = 1


class EntryCache:
    """A key-value store of pickled entries (SQLite: one file, fast batched reads)."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "entries.sqlite"
        try:
            self.db = self._open()
        except sqlite3.DatabaseError:
            self.path.unlink(missing_ok=True)
            self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB)")
        return db

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        keys = list(keys)
        found: dict[str, Any] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk)
            for key, value in rows:
                try:
                    found[key] = pickle.loads(value)
                except Exception:
                    continue
        return found

    def put_many(self, items: dict[str, Any]) -> None:
        if not items:
            return
        rows = [(k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for k, v in items.items()]
        self.db.execute("BEGIN")
        self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", rows)
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()


@dataclass(slots=True)
class OutputRecord:
    layout_digest: str
    facts: dict[str, str]
    content_hash: str


@dataclass
class Manifest:
    build_id: str
    engine: str
    config_digest: str
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    """Output file -> how it was made."""
    copies: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Output file copied from public/ -> (size, mtime_ns) of its source."""
    sources: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    """Content file -> (size, mtime_ns, digest): unchanged stat means unchanged bytes."""
    format: int = FORMAT


def _manifest_path(cache_dir: Path, out: Path) -> Path:
    name = hashlib.blake2b(str(out.resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir / f"manifest-{name}.pickle"


def load_manifest(cache_dir: Path, out: Path, build_id: str | None) -> Manifest | None:
    """The manifest of the build that produced ``out``, or None if it cannot be trusted."""
    if build_id is None:
        return None
    try:
        manifest = pickle.loads(_manifest_path(cache_dir, out).read_bytes())
    except Exception:
        return None
    if not isinstance(manifest, Manifest) or manifest.format != FORMAT:
        return None
    return manifest if manifest.build_id == build_id else None


def save_manifest(cache_dir: Path, out: Path, manifest: Manifest) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = _manifest_path(cache_dir, out)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(pickle.dumps(manifest, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(temporary, path)
