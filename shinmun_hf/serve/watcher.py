"""Watching the project's sources with watchdog, and only them.

Watched: ``content/``, ``layouts/`` and ``public/`` (recursively), ``config.yml``, and what
components read elsewhere (``src/``, ``tsconfig.json``: see ``watch_component_inputs``); the
project root itself only non-recursively, to see those appear, vanish or be replaced (a
``git checkout`` may delete and recreate a whole folder). The output folder and
``.shinmun-cache/`` are never watched, or every build would trigger the next. Opening and
reading files produces events too (the build reads every source): only events that change
something are subscribed to.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

__all__ = ["WATCHED_DIRS", "WATCHED_FILES", "Watcher", "relevant"]

WATCHED_DIRS = ("content", "layouts", "public")
WATCHED_FILES = ("config.yml",)
EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileClosedEvent,
    FileAttribEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]


def relevant(project: Path, path: str, also: frozenset[str] | set[str] = frozenset()) -> str | None:
    """``path`` relative to the project if a change to it can change the site, else None.

    ``also``: more top-level folders and files to watch (those components import from).
    Hidden files (editor swap files, ``.DS_Store``) and backups ending in ``~`` are skipped, as
    the engine skips them.
    """
    try:
        relative = Path(path).relative_to(project)
    except ValueError:
        return None
    parts = relative.parts
    if not parts or any(part.startswith(".") for part in parts) or parts[-1].endswith("~"):
        return None
    if (
        parts[0] in WATCHED_DIRS
        or parts[0] in also
        or (len(parts) == 1 and parts[0] in WATCHED_FILES)
    ):
        return relative.as_posix()
    return None


class Watcher(FileSystemEventHandler):
    """Calls ``on_change(paths)`` (on watchdog's thread) with project-relative changed paths."""

    def __init__(self, project: Path, on_change: Callable[[list[str]], None]) -> None:
        self.project = project.resolve()
        self.on_change = on_change
        self._observer: BaseObserver = Observer()
        self._watches: dict[str, ObservedWatch] = {}
        self._lock = threading.Lock()
        self._also: set[str] = set()
        """Top-level folders and files outside the usual ones that components read."""

    def start(self) -> None:
        self._schedule(self.project, recursive=False)
        for name in WATCHED_DIRS:
            self._watch_dir(name)
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join(timeout=5)

    def watch_component_inputs(self, inputs: list[str]) -> None:
        """Also watch where components read from (``src/``, ``tsconfig.json``): the build
        follows those files, so ``serve`` must too. Not ``node_modules``: thousands of
        folders to watch, for packages that change with an install (restart ``serve`` then)."""
        for relative in inputs:
            top, _, below = relative.partition("/")
            if top in WATCHED_DIRS or top in self._also or top in ("node_modules", ""):
                continue
            if top.startswith("."):  # (the cache, where generated entry modules live)
                continue
            self._also.add(top)
            if below:  # a folder, watched whole; a file at the root is seen by the root's watch
                self._watch_dir(top)

    def _watch_dir(self, name: str) -> None:
        """(Re)start watching a top-level folder: also after it was deleted and recreated."""
        path = self.project / name
        with self._lock:
            old = self._watches.pop(name, None)
            if old is not None:
                with contextlib.suppress(KeyError):
                    self._observer.unschedule(old)
            if path.is_dir():
                self._watches[name] = self._schedule(path, recursive=True)

    def _schedule(self, path: Path, *, recursive: bool) -> ObservedWatch:
        return self._observer.schedule(
            self, os.fspath(path), recursive=recursive, event_filter=EVENTS
        )

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = (event.src_path, event.dest_path) if event.dest_path else (event.src_path,)
        changed = [r for p in paths if (r := relevant(self.project, os.fsdecode(p), self._also))]
        if not changed:
            return
        if event.is_directory and isinstance(event, DirCreatedEvent | DirMovedEvent):
            for relative in changed:
                if relative in WATCHED_DIRS or relative in self._also:  # (re)appeared
                    self._watch_dir(relative)
        self.on_change(changed)
