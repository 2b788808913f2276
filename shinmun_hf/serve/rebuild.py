"""The build thread: one :class:`~shinmun_hf.pipeline.builder.Builder`, rebuilt after each
burst of changes.

Deciding *what* a change affects is the engine's job (every output records the facts it read),
so a change simply means "build again" with the same Builder instance, which keeps what it can
in memory between builds. This module only decides *when*: after the file system has been quiet
for a moment (an editor's save is a burst: temporary file, rename, attribute changes), never two
builds at once, and once more if files changed while a build ran.
"""

from __future__ import annotations

import dataclasses
import gc
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from typing import Literal

from ..pipeline.builder import Builder
from ..pipeline.fast_render import render_edited_first
from ..project.config import load_config
from .changes import Change, classify
from .console import Console
from .events import Event
from .state import Failure, State

__all__ = ["Rebuilder"]

QUIET_SECONDS = 0.02
"""Wait this long after the last file event before building (editors save in bursts)."""
TIDY_AFTER_SECONDS = 0.5
"""Idle this long after a build before the heap is tidied (see :func:`tidy_heap`)."""
TIDY = "tidy"
EVERYTHING = Change((), everything=True)


class Rebuilder:
    def __init__(
        self,
        builder: Builder,
        *,
        publish: Callable[[Event], None],
        console: Console,
        quiet: float = QUIET_SECONDS,
        built: Callable[[Builder], None] = lambda builder: None,
    ) -> None:
        self.builder = builder
        self.publish = publish
        self.built = built
        """Called after each successful build (``serve`` watches the components' inputs)."""
        self.console = console
        self.quiet = quiet
        self._instance = secrets.token_hex(4)
        self._generation = 0
        self.state = State.initial(self._version())
        self._cond = threading.Condition()
        self._pending: set[str] = set()
        self._received = 0
        """Change notifications so far; ``_handled`` of them are covered by a finished build."""
        self._handled = 0
        self._last_event = 0.0
        self._stopping = False
        self._thread: threading.Thread | None = None

    # --- called by others
    def build_first(self) -> None:
        """The initial build, on the calling thread (a failure is shown, not raised)."""
        self._build(set(), first=True)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="shinmun-rebuild", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the build under way, if any (waits at most ``timeout`` seconds)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
        gc.unfreeze()  # the process may go on (tests): its heap is collectable again

    def notify(self, paths: Iterable[str]) -> None:
        """Files changed (from the watcher's thread): build once things are quiet."""
        with self._cond:
            self._pending.update(paths)
            self._received += 1
            self._last_event = time.monotonic()
            self._cond.notify_all()

    @property
    def received(self) -> int:
        with self._cond:
            return self._received

    def wait_idle(self, after: int, timeout: float) -> bool:
        """Wait until more than ``after`` notifications arrived and all were built.

        For tests and the benchmark: "the edit was seen and its build has finished".
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (self._received > after and self._handled == self._received):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    # --- the thread
    def _loop(self) -> None:
        untidy = True  # the first build's garbage is still around
        while True:
            batch = self._next_batch(untidy)
            if batch is None:
                return
            if batch == TIDY:
                tidy_heap()
                untidy = False
                continue
            paths, covered = batch
            self._build(paths, first=False)
            untidy = True
            with self._cond:
                self._handled = covered
                self._cond.notify_all()

    def _next_batch(self, untidy: bool) -> tuple[set[str], int] | Literal["tidy"] | None:
        """The changed paths to build for (None: stop; TIDY: idle, time to tidy the heap)."""
        with self._cond:
            while not self._stopping and self._handled == self._received:
                woken = self._cond.wait(TIDY_AFTER_SECONDS if untidy else None)
                if not woken and untidy and self._handled == self._received:
                    return TIDY
            # debounce: wait for a quiet moment, but wake up at once to stop
            while not self._stopping:
                left = self._last_event + self.quiet - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            if self._stopping:
                return None
            paths, self._pending = self._pending, set()
            return paths, self._received

    def _build(self, paths: set[str], *, first: bool) -> None:
        if not first and self.state.failure is None:
            self._render_edited_first(paths)
        was = self.state
        try:
            result = self.builder.build()
            config = load_config(self.builder.project, environ=self.builder.options.environ)
        except Exception as exc:
            failure = Failure.from_exception(exc)
            self.console.failed(failure)
            if failure != was.failure:  # the same error saved again: pages already show it
                self.state = was.advanced(
                    self._next_version(), EVERYTHING, base_path=was.base_path, failure=failure
                )
                self.publish(Event("failed", {"version": self.state.version, **failure.as_data()}))
            return
        self.console.built(result, paths, first)
        self.built(self.builder)
        change = classify(result)
        if was.failure is not None:  # open pages show the overlay: all of them reload
            change = Change((), everything=True)
        if first or change is None:
            self.state = dataclasses.replace(was, base_path=config.base_path, failure=None)
            return
        self.state = was.advanced(self._next_version(), change, base_path=config.base_path)
        self.publish(Event("change", {"version": self.state.version, **change.as_data()}))

    def _render_edited_first(self, paths: set[str]) -> None:
        """The edited pages first, reloaded at once; the full build follows (see
        :func:`~shinmun_hf.pipeline.fast_render.render_edited_first`), and reloads whatever
        else it changes."""
        try:
            written = render_edited_first(self.builder, paths)
        except Exception:  # the full build that follows reports it, with the overlay
            return
        if written:
            change = Change(tuple(written), everything=False)
            self.state = self.state.advanced(
                self._next_version(), change, base_path=self.state.base_path
            )
            self.publish(Event("change", {"version": self.state.version, **change.as_data()}))

    def _next_version(self) -> str:
        self._generation += 1
        return self._version()

    def _version(self) -> str:
        return f"{self._instance}.{self._generation}"


def tidy_heap() -> None:
    """Collect garbage now, while idle, and exempt what survives from later collections.

    A large site keeps a large heap alive between builds (every entry, the manifest's records).
    Each full collection during a build walks all of it: on 10,000 posts that was about a fifth
    of a rebuild. Done here, between builds, the walk is off the edit-to-reload path, and
    ``gc.freeze`` keeps the next build's collections to the objects it makes itself.
    ``unfreeze`` first, so what was frozen last time is collected if it has become garbage.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
