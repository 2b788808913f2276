"""Highlighted code blocks remembered by their text, across builds.

The first block of a language a process highlights makes Pygments compile that lexer's regular
expressions, which for Python costs more than the whole rest of a one-post rebuild spends on
Markdown. A post rendered again after an edit nearly always has the code blocks it had before,
so each block's HTML is kept under a digest of everything it is made of (Pygments' version, the
lexer and its options, the formatter's settings, the code) and looked up before any lexer is
made. Lookups read the build cache (:func:`use_store`); the blocks an entry used are collected
per process (:func:`take_used`) for the build to store with the entry. :func:`counts` tells
how many blocks this process highlighted and how many it found cached, for the build to report.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import pygments
from pygments.formatter import Formatter
from pygments.lexer import Lexer

__all__ = ["DeferredLexer", "counts", "highlight_block", "take_used", "use_store"]

MEMORY_LIMIT = 4096
"""Blocks this process keeps in memory at most (``serve`` renders the same ones again)."""


class DeferredLexer:
    """A lexer class and its options, made into a lexer only when a block is not cached.

    This is what the shared lookup hands codehilite, which reads nothing from it but
    ``aliases`` before passing it to :func:`highlight_block`."""

    __slots__ = ("lexer_class", "options")

    def __init__(self, lexer_class: type[Lexer], options: dict[str, Any]) -> None:
        self.lexer_class = lexer_class
        self.options = options

    @property
    def aliases(self) -> list[str]:
        return self.lexer_class.aliases

    @property
    def key(self) -> str:
        cls = self.lexer_class
        return f"{cls.__module__}.{cls.__qualname__}{sorted(self.options.items())!r}"

    def create(self) -> Lexer:
        return self.lexer_class(**self.options)


_store: Path | None = None
_connection: tuple[int, sqlite3.Connection] | None = None
_store_empty = False
_memory: dict[str, str] = {}
_used: dict[str, str] = {}
_highlighted = 0
_reused = 0


def use_store(path: Path | None) -> None:
    """Look blocks up in the ``highlights`` table of the SQLite file at ``path`` (None: no
    lookups beyond this process's memory)."""
    global _store, _connection, _store_empty
    _store, _connection, _store_empty = path, None, False


def take_used() -> dict[str, str]:
    """The blocks highlighted or looked up since the last call: digest -> HTML."""
    global _used
    used, _used = _used, {}
    return used


def counts() -> tuple[int, int]:
    """Code blocks this process has run through Pygments, and blocks it found cached (in
    memory or in the store), since it started: a build reports the difference."""
    return _highlighted, _reused


def highlight_block(code: str, lexer: Lexer | DeferredLexer, formatter: Formatter) -> str:
    """``pygments.highlight(code, lexer, formatter)``, from the cache when it has the block."""
    global _highlighted, _reused
    settings = getattr(formatter, "shinmun_settings", None)
    if settings is None:  # a formatter not made by ``formatter_for``: nothing to key it by
        _highlighted += 1
        return pygments.highlight(code, _real(lexer), formatter)
    lexer_key = lexer.key if isinstance(lexer, DeferredLexer) else None
    if lexer_key is None:
        _highlighted += 1
        return pygments.highlight(code, lexer, formatter)
    key = hashlib.blake2b(
        "\x00".join((pygments.__version__, lexer_key, settings, code)).encode(), digest_size=16
    ).hexdigest()
    html = _memory.get(key) or _stored(key)
    if html is None:
        _highlighted += 1
        html = pygments.highlight(code, lexer.create(), formatter)
    else:
        _reused += 1
    if len(_memory) >= MEMORY_LIMIT:
        _memory.clear()
    _memory[key] = _used[key] = html
    return html


def _real(lexer: Lexer | DeferredLexer) -> Lexer:
    return lexer.create() if isinstance(lexer, DeferredLexer) else lexer


def _stored(key: str) -> str | None:
    """The block from the store, if there is one and it has it (a damaged store: None)."""
    global _store_empty
    if _store is None or _store_empty:
        return None
    try:
        db = _database(_store)
        if db is None:
            _store_empty = True
            return None
        row = db.execute("SELECT html FROM highlights WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        _store_empty = True
        return None
    return row[0] if row else None


def _database(path: Path) -> sqlite3.Connection | None:
    """This process's connection to the store; None when the store holds no block at all
    (a cold build: then no block is asked for)."""
    global _connection
    if _connection is not None and _connection[0] == os.getpid():  # never across a fork
        return _connection[1]
    if not path.exists():
        return None
    db = sqlite3.connect(path, isolation_level=None)
    if db.execute("SELECT 1 FROM highlights LIMIT 1").fetchone() is None:
        db.close()
        return None
    _connection = (os.getpid(), db)
    return db
