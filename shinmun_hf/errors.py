"""Errors a user can act on.

Every problem caused by the project's own files (content, config, layouts, components) is raised
as a :class:`ShinmunError` that names the file and line, so the CLI can print one useful line
instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["BuildError", "ConfigError", "ContentErrors", "ShinmunError", "raise_all"]


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


class ContentErrors(BuildError):
    """Several content files are wrong: every one is reported, so twenty unconverted posts
    take one build to find, not twenty. Located at the first (the dev server shows it)."""

    LIMIT = 20
    """Errors listed; the rest are counted."""

    def __init__(self, errors: list[ShinmunError]) -> None:
        first = errors[0]
        lines = [str(error) for error in errors[: self.LIMIT]]
        rest = len(errors) - len(lines)
        if rest:
            lines.append(f"... and {rest} more")
        message = f"{len(errors)} content files have errors:\n  " + "\n  ".join(lines)
        super().__init__(message, file=first.file, line=first.line)
        self.errors = errors

    def __str__(self) -> str:
        return self.message  # each listed error names its own file and line

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (ContentErrors, (self.errors,))


def raise_all(errors: list[ShinmunError]) -> None:
    """Raise the one error, or all of them together; nothing if there are none."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ContentErrors(sorted(errors, key=lambda e: (e.file or "", e.line or 0)))
