"""Errors a user can act on.

Every problem caused by the project's own files (content, config, layouts, components) is raised
as a :class:`ShinmunError` that names the file and line, so the CLI can print one useful line
instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["BuildError", "ConfigError", "ShinmunError"]


class ShinmunError(Exception):
    """A problem in the user's project, reported as ``file:line: message``."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.hint = hint

    @property
    def location(self) -> str:
        """``file:line`` (or just ``file``), empty when the error has no source."""
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text} ({self.hint})" if self.hint else text

    def __reduce__(self):  # survives pickling across worker processes
        return (_rebuild, (type(self), self.message, self.file, self.line, self.hint))


def _rebuild(cls, message, file, line, hint):  # type: ignore[no-untyped-def]
    return cls(message, file=file, line=line, hint=hint)


class ConfigError(ShinmunError):
    """``config.yml`` is invalid."""


class BuildError(ShinmunError):
    """Content, a layout or a component could not be built."""
