"""Split a content file into its front matter (YAML, or TOML) and its Markdown body."""

from __future__ import annotations

from dataclasses import dataclass

from ._toml import load_toml_mapping
from ._yaml import LoadedMapping, load_mapping
from .errors import BuildError

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
        return _split_toml(text, file)
    if not newline or first.rstrip() != "---":  # (trailing blanks are invisible in editors)
        return FrontMatter(LoadedMapping({}, {}), text, 0)
    lines = text.splitlines(keepends=True)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "".join(lines[1:index])
            meta = load_mapping(
                yaml_text, file=file, line_offset=1, what="front matter", error=BuildError
            )
            return FrontMatter(meta, "".join(lines[index + 1 :]), index + 1)
    raise BuildError(
        "the front matter is not closed",
        file=file,
        line=1,
        hint="end the YAML block with a line containing only ---",
    )


def _split_toml(text: str, file: str) -> FrontMatter:
    lines = text.splitlines(keepends=True)
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "+++":
            meta = load_toml_mapping(
                "".join(lines[1:index]), file=file, line_offset=1, error=BuildError
            )
            return FrontMatter(meta, "".join(lines[index + 1 :]), index + 1)
    raise BuildError(
        "the front matter is not closed",
        file=file,
        line=1,
        hint="end the TOML block with a line containing only +++",
    )
