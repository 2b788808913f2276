"""A mapping read from a file (YAML front matter or config, TOML front matter), with the line
of each key: what every later error about a value points at."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["LoadedMapping"]


@dataclass(slots=True)
class LoadedMapping:
    """A mapping with the 1-based line of each top-level key (and of nested keys)."""

    data: dict[str, Any]
    lines: dict[str, int]
    """``"key"`` and ``"key.subkey"`` -> line in the file."""
    written: dict[str, str] = field(default_factory=dict)
    """Each top-level scalar as written: YAML reads ``title: 1.10`` as the number 1.1 and
    ``slug: 010`` as 8."""

    def line_of(self, key: str, default: int | None = None) -> int | None:
        return self.lines.get(key, default)
