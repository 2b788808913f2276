"""Parsed entries and their rendered bodies in ``.shinmun-cache/entries.sqlite``, keyed by a
hash of the file's path and bytes, the time zone, ``base_path`` and the engine/renderer
versions; shared by every output folder. Bodies live in their own table and are read only for
the outputs a build renders; the rest of each entry is a marshalled tuple (see
:mod:`shinmun_hf.incremental.entry_codec`). Highlighted code blocks have a table too (see
:mod:`shinmun_hf.markup.highlight_cache`).

A damaged store is ignored, never trusted: the worst case is rendering every entry again.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..content.entry import Entry

__all__ = ["CacheReader", "EntryCache"]


class EntryCache:
    """Parsed entries and their rendered bodies, in SQLite (one file, fast batched reads).

    Entries are stored without their HTML: a build needs every entry's metadata for the site
    model but the bodies of only the few outputs it renders, so bodies are a separate table
    read on demand (:class:`CacheReader`).
    """

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
        db.execute("CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, html TEXT)")
        # Highlighted code blocks by digest (see markup/highlight_cache.py), each with the
        # entry that last used it, so that pruning entries prunes their blocks too.
        db.execute(
            "CREATE TABLE IF NOT EXISTS highlights (key TEXT PRIMARY KEY, html TEXT, entry TEXT)"
        )
        db.execute("CREATE INDEX IF NOT EXISTS highlights_by_entry ON highlights (entry)")
        return db

    def get_many(self, keys: Iterable[str]) -> dict[str, Entry]:
        """Entries by key, without bodies (``rendered.html`` is None)."""
        return _entries(self.db, keys)

    def put_many(
        self, entries: Iterable[Entry], highlights: dict[str, dict[str, str]] | None = None
    ) -> None:
        """Store entries, and the code blocks each used (entry key -> digest -> HTML)."""
        from .entry_codec import encode_entry  # (see _entries)

        metadata, bodies = [], []
        for entry in entries:
            metadata.append((entry.cache_key, encode_entry(entry)))
            bodies.append((entry.cache_key, entry.rendered.html))
        if not metadata:
            return
        blocks = [
            (key, html, entry)
            for entry, used in (highlights or {}).items()
            for key, html in used.items()
        ]
        self.db.execute("BEGIN")
        self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", metadata)
        self.db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?)", bodies)
        self.db.executemany("INSERT OR REPLACE INTO highlights VALUES (?, ?, ?)", blocks)
        self.db.execute("COMMIT")

    def prune(self, keep: Iterable[str], slack: int = 2) -> None:
        """Forget entries no current file has, once they outnumber the current ones
        ``slack`` times (so two output folders with different settings do not thrash)."""
        keep = list(keep)
        (count,) = self.db.execute("SELECT count(*) FROM entries").fetchone()
        if count <= slack * len(keep) + 100:
            return
        self.db.execute("BEGIN")
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM keep")
        self.db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in keep))
        for table in ("entries", "bodies"):
            self.db.execute(f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM keep)")
        self.db.execute("DELETE FROM highlights WHERE entry NOT IN (SELECT key FROM keep)")
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()


class CacheReader:
    """Reads entries and bodies from the cache on demand; safe to use in forked workers."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "entries.sqlite"
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():  # connections must not cross fork
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._pid = os.getpid()
        return self._db

    def entries(self, keys: Iterable[str]) -> dict[str, Entry]:
        """Entries by key, without bodies; a key the cache lacks is left out."""
        if not self.path.exists():
            return {}
        try:
            return _entries(self.db, keys)
        except sqlite3.Error:  # a damaged cache: the caller renders the entries again
            return {}

    def entry_count(self) -> int:
        """How many entries the cache holds (0 when it is missing or damaged)."""
        if not self.path.exists():
            return 0
        try:
            return self.db.execute("SELECT count(*) FROM entries").fetchone()[0]
        except sqlite3.Error:
            return 0

    def body(self, key: str) -> str | None:
        if not self.path.exists():
            return None
        try:
            row = self.db.execute("SELECT html FROM bodies WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None


def _entries(db: sqlite3.Connection, keys: Iterable[str]) -> dict[str, Entry]:
    # Imported here: the codec needs the renderer's modules, and a build with nothing to do
    # reads this module's summary without importing any of them (see ``freshness``).
    from .entry_codec import decode_entry

    keys = list(keys)
    found: dict[str, Entry] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.execute(f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk)
        for key, value in rows:
            try:
                found[key] = decode_entry(value)
            except Exception:  # a damaged row, or one from another version: a cache miss
                continue
    return found
