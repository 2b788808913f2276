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
        return location(self.file, self.line)

    def __str__(self) -> str:
        return one_line(self.message, self.file, self.line, self.hint)

    def __reduce__(self):  # survives pickling across worker processes
        return (_rebuild, (type(self), self.message, self.file, self.line, self.hint))


def location(file: str | None, line: int | None) -> str:
    if file is None:
        return ""
    return f"{file}:{line}" if line else file


def one_line(message: str, file: str | None, line: int | None, hint: str | None) -> str:
    """The one-line form every error takes: ``file:line: message (hint)``."""
    where = location(file, line)
    text = f"{where}: {message}" if where else message
    return f"{text} ({hint})" if hint else text


def _rebuild(cls, message, file, line, hint):  # type: ignore[no-untyped-def]
    return cls(message, file=file, line=line, hint=hint)


class ConfigError(ShinmunError):
    """``config.yml`` is invalid."""


class BuildError(ShinmunError):
    """Content, a layout or a component could not be built."""
