"""TOML front matter (Hugo's and Zola's ``+++`` blocks), read into the same shape as YAML's:
the values and the line of each key, so errors point at the offending line."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from ..errors import ShinmunError
from .mapping import LoadedMapping

__all__ = ["load_toml_mapping"]

_AT_LINE = re.compile(r"\s*\(at line (?P<line>\d+), column \d+\)$")
_AT_END = re.compile(r"\s*\(at end of document\)$")
_TABLE = re.compile(r"\s*\[\s*(?P<name>[^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"""\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[A-Za-z0-9_-]+))""")


def load_toml_mapping(
    text: str, *, file: str, line_offset: int = 0, error: type[ShinmunError] = ShinmunError
) -> LoadedMapping:
    """Parse ``text`` as TOML; ``line_offset`` is added to every line (the block starts after
    the opening ``+++``). Zola's ``[taxonomies]`` tags and single category are read as
    ``tags`` and ``category`` unless those keys are given themselves."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _AT_LINE.search(message)
        if found:
            line = int(found["line"]) + line_offset
        else:
            line = text.count("\n") + line_offset if _AT_END.search(message) else None
        problem = _AT_END.sub("", _AT_LINE.sub("", message))
        raise error(
            f"invalid front matter: {problem}",
            file=file,
            line=line,
            hint='fix the TOML syntax (text is quoted: title = "Hello")',
        ) from None
    lines = _key_lines(text, line_offset)
    taxonomies = data.get("taxonomies")
    if isinstance(taxonomies, dict):
        if "tags" not in data and "tags" in taxonomies:
            data["tags"] = taxonomies["tags"]
            lines["tags"] = lines.get("taxonomies.tags", lines.get("taxonomies", 1))
        categories = taxonomies.get("categories")
        if "category" not in data and isinstance(categories, list) and len(categories) == 1:
            data["category"] = categories[0]
            lines["category"] = lines.get("taxonomies.categories", lines.get("taxonomies", 1))
    return LoadedMapping(data, lines)


def _key_lines(text: str, offset: int) -> dict[str, int]:
    """``"key"`` and ``"table.key"`` -> line, for the top level and one table down (the
    depth YAML's lines are kept to)."""
    lines: dict[str, int] = {}
    table = ""
    in_string = False  # inside a multi-line string: no keys there
    for number, line in enumerate(text.splitlines(), 1 + offset):
        was_in_string = in_string
        if (line.count('"""') + line.count("'''")) % 2:
            in_string = not in_string
        if was_in_string:
            continue
        header = _TABLE.match(line)
        if header:
            table = header["name"].split(".")[0].strip().strip("\"'") + "."
            lines.setdefault(table[:-1], number)
            continue
        key = _KEY.match(line)
        if key and line[key.end() :].lstrip().startswith(("=", ".")):
            name = key["double"] if key["double"] is not None else key["single"] or key["bare"]
            lines.setdefault(table + name, number)
    return lines
