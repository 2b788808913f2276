"""Split a content file into its front matter (YAML, or TOML) and its Markdown body."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import BuildError
from ._toml import load_toml_mapping
from ._yaml import load_mapping
from .mapping import LoadedMapping

__all__ = ["FrontMatter", "decode_utf8", "split_front_matter"]


@dataclass(slots=True)
class FrontMatter:
    meta: LoadedMapping
    body: str
    body_line_offset: int
    """Lines before the body: add to a body line number to get the file's line number."""


def decode_utf8(data: bytes, *, file: str) -> str:
    """Decode ``data``, naming the line of the first byte that is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BuildError(
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            file=file,
            line=line,
            hint="save it as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


def split_front_matter(text: str, *, file: str) -> FrontMatter:
    """``---`` YAML ``---`` (or ``+++`` TOML ``+++``, as Hugo and Zola write it) then
    Markdown. A file without front matter has an empty mapping."""
    first, newline, _ = text.partition("\n")
    if newline and first.rstrip() == "+++":
        return _split_block(text, file, ("+++",), "TOML", _load_toml)
    if not newline or first.rstrip() != "---":  # (trailing blanks are invisible in editors)
        return FrontMatter(LoadedMapping({}, {}), text, 0)
    return _split_block(text, file, ("---", "..."), "YAML", _load_yaml)


def _load_yaml(block: str, file: str) -> LoadedMapping:
    return load_mapping(block, file=file, line_offset=1, what="front matter", error=BuildError)


def _load_toml(block: str, file: str) -> LoadedMapping:
    return load_toml_mapping(block, file=file, line_offset=1, error=BuildError)


def _split_block(
    text: str,
    file: str,
    closers: tuple[str, ...],
    language: str,
    load: Callable[[str, str], LoadedMapping],
) -> FrontMatter:
    """The block between the first line and the first of ``closers``, read by ``load``."""
    lines = text.splitlines(keepends=True)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in closers:
            meta = load("".join(lines[1:index]), file)
            return FrontMatter(meta, "".join(lines[index + 1 :]), index + 1)
    raise BuildError(
        "the front matter is not closed",
        file=file,
        line=1,
        hint=f"end the {language} block with a line containing only {closers[0]}",
    )
