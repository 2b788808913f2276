"""What the server currently serves: a version, and the build failure if the last build failed.

A :class:`State` is immutable and replaced whole by the build thread, so request handlers read
one consistent value without locking.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from ..errors import ContentErrors, ShinmunError, location, one_line
from .changes import Change

__all__ = ["Failure", "State"]


@dataclass(frozen=True, slots=True)
class Failure:
    """Why the last build failed, as the overlay and the terminal show it."""

    message: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None
    details: str | None = None
    """A traceback, for failures that are the engine's fault rather than the project's."""
    listed: bool = False
    """The message lists several errors, each with its own file and line (the location is
    the first's, for the overlay's excerpt)."""

    @classmethod
    def from_exception(cls, exc: BaseException) -> Failure:
        if isinstance(exc, ContentErrors):
            return cls(exc.message, exc.file, exc.line, listed=True)
        if isinstance(exc, ShinmunError):
            return cls(exc.message, exc.file, exc.line, exc.hint)
        if isinstance(exc, OSError) and exc.filename:
            return cls(exc.strerror or str(exc), str(exc.filename))
        details = "".join(traceback.format_exception(exc))
        return cls(f"internal error: {type(exc).__name__}: {exc}", details=details)

    @property
    def location(self) -> str:
        return location(self.file, self.line)

    def __str__(self) -> str:
        if self.listed:
            return self.message
        return one_line(self.message, self.file, self.line, self.hint)

    def as_data(self) -> dict[str, object]:
        return {"message": self.message, "file": self.file, "line": self.line, "hint": self.hint}


HISTORY_LIMIT = 64
"""Versions remembered: a page older than that reloads when it reconnects."""


@dataclass(frozen=True, slots=True)
class State:
    version: str
    """Changes whenever what the server answers changes; pages carry the one they show."""
    base_path: str = ""
    failure: Failure | None = None
    history: tuple[tuple[str, Change], ...] = ()
    """(version, the change that made it) of the latest versions, oldest first."""

    @classmethod
    def initial(cls, version: str) -> State:
        return cls(version, history=((version, Change((), everything=False)),))

    def advanced(
        self, version: str, change: Change, *, base_path: str, failure: Failure | None = None
    ) -> State:
        """The state after a build that made ``change``."""
        history = (*self.history, (version, change))[-HISTORY_LIMIT:]
        return State(version, base_path, failure, history)

    def missed_since(self, version: str) -> Change:
        """What changed after ``version``, for a page that connects to the event stream late.

        A page reloaded by one change can connect after the next one was announced: it must
        learn of that change, but reload only if the change concerns it (else the page would
        reload twice for one edit). An unknown version (too old, or from before a restart)
        means everything may have changed.
        """
        for index, (seen, _) in enumerate(self.history):
            if seen == version:
                later = [change for _, change in self.history[index + 1 :]]
                if any(change.everything for change in later):
                    return Change((), everything=True)
                files = dict.fromkeys(file for change in later for file in change.files)
                return Change(tuple(files), everything=False)
        return Change((), everything=True)
