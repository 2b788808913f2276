"""What the server currently serves: a version, and the build failure if the last build failed.

A :class:`State` is immutable and replaced whole by the build thread, so request handlers read
one consistent value without locking.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from ..errors import ShinmunError, location, one_line

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

    @classmethod
    def from_exception(cls, exc: BaseException) -> Failure:
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
        return one_line(self.message, self.file, self.line, self.hint)

    def as_data(self) -> dict[str, object]:
        return {"message": self.message, "file": self.file, "line": self.line, "hint": self.hint}


@dataclass(frozen=True, slots=True)
class State:
    version: str
    """Changes whenever what the server answers changes; pages carry the one they show."""
    base_path: str = ""
    failure: Failure | None = None
