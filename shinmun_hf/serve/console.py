"""What ``serve`` tells the terminal: one line per build, and errors as ``build`` prints them."""

from __future__ import annotations

import sys
from collections.abc import Collection
from typing import TextIO

from ..pipeline.builder import BuildResult
from ..progress import ProgressLine
from .state import Failure

__all__ = ["Console"]

SHOWN_PATHS = 3


class Console:
    def __init__(
        self,
        out: TextIO | None = None,
        err: TextIO | None = None,
        *,
        progress: ProgressLine | None = None,
        quiet: bool = False,
    ) -> None:
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.progress = progress
        """The builds' progress line, erased before anything is printed."""
        self.quiet = quiet
        """No line per build (``--quiet``): only addresses, warnings and errors."""
        self._warned: set[str] = set()

    def say(self, text: str) -> None:
        self._clear()
        print(text, file=self.out, flush=True)

    def _clear(self) -> None:
        if self.progress is not None:
            self.progress.clear()

    def built(self, result: BuildResult, changed: Collection[str], first: bool) -> None:
        self._clear()
        for warning in result.warnings:  # each once, not again on every rebuild
            if warning not in self._warned:
                print(f"warning: {warning}", file=self.err, flush=True)
                self._warned.add(warning)
        if self.quiet:
            return
        counts = f"{result.written} written, {result.removed} removed"
        if first:
            files = f"{result.outputs} file{'s' if result.outputs != 1 else ''}"
            self.say(f"built {files} in {result.seconds:.2f} s ({counts})")
            return
        self.say(f"rebuilt in {result.seconds * 1000:.0f} ms after {_paths(changed)}: {counts}")

    def failed(self, failure: Failure) -> None:
        self._clear()
        print(f"error: {failure}", file=self.err, flush=True)
        if failure.details:
            print(failure.details.rstrip(), file=self.err, flush=True)
        print(
            "the browser shows this error; the server keeps running and rebuilds on save",
            file=self.err,
            flush=True,
        )


def _paths(changed: Collection[str]) -> str:
    if not changed:
        return "a change"
    shown = sorted(changed)[:SHOWN_PATHS]
    more = len(changed) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")
