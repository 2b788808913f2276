"""A build's progress on a terminal: one line that updates in place and is gone at the end.

A 10,000-post build takes half a minute; without a word in the meantime it looks hung. The
line is drawn only on a terminal (a log or a pipe gets nothing extra), only once the build has
run for a moment (a quick build does not flicker), and at most a few times a second.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["ProgressLine"]

DELAY = 0.3
"""Seconds before the line first shows: most builds are over by then."""
INTERVAL = 0.1
"""Seconds between two redraws."""
BAR_WIDTH = 24
CLEAR = "\r\x1b[K"
"""Back to the start of the line, and erase it."""


class ProgressLine:
    """Call it with (stage, done, total) as work advances; :meth:`clear` before printing."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = _is_terminal(self.stream)
        self.enabled = enabled
        self.started: float | None = None
        """When the work of the current line began: its first report (reset by :meth:`clear`,
        so each of ``serve``'s builds waits its moment again)."""
        self._drawn_at = 0.0
        self._shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if self.started is None:
            self.started = now
        if now - self.started < DELAY or (now - self._drawn_at < INTERVAL and done < total):
            return
        self._drawn_at = now
        self.stream.write(CLEAR + render_line(stage, done, total))
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        """Erase the line, if one is shown, so the next output starts on a clean line."""
        self.started = None
        if self._shown:
            self.stream.write(CLEAR)
            self.stream.flush()
            self._shown = False


def render_line(stage: str, done: int, total: int) -> str:
    """``rendering pages [#######.................]  312/1,000``"""
    total = max(total, 1)
    done = min(max(done, 0), total)
    filled = round(BAR_WIDTH * done / total)
    bar = "#" * filled + "." * (BAR_WIDTH - filled)
    width = len(f"{total:,}")
    return f"{stage} [{bar}] {done:>{width},}/{total:,}"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False
