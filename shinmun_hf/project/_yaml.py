"""YAML loading that keeps line numbers, so errors can point at the offending line."""

from __future__ import annotations

from typing import Any

import yaml

from ..errors import ShinmunError
from .mapping import LoadedMapping

try:  # libyaml is ten times faster; the pure-Python loader is the fallback.
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Values that parse but cannot be built (``2026-02-30``) become errors at their line."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {node.value!r} ({exc})", node.start_mark
            ) from None


__all__ = ["load_mapping"]


def load_mapping(
    text: str,
    *,
    file: str,
    line_offset: int = 0,
    what: str = "YAML",
    error: type[ShinmunError] = ShinmunError,
) -> LoadedMapping:
    """Parse ``text`` as a YAML mapping, raising a :class:`ShinmunError` with file and line.

    ``line_offset`` is added to every line (front matter starts after the opening ``---``).
    """
    try:
        # One parse: the node tree gives the lines, and the values are built from it. The
        # lines are read first: building the values merges ``<<`` keys into the tree.
        loader = _Loader(text)
        lines: dict[str, int] = {}
        try:
            node = loader.get_single_node()
            if node is not None and _expanded_size(node, {}) > MAX_EXPANDED_NODES:
                raise error(
                    f"{what} grows past {MAX_EXPANDED_NODES:,} values when its aliases (*name)"
                    " are expanded",
                    file=file,
                    line=1 + line_offset,
                    hint="write the values out, or use fewer nested aliases",
                )
            if isinstance(node, yaml.MappingNode):
                twice = _collect_lines(node, "", line_offset, lines)
                if twice is not None:  # YAML keeps the last one without a word
                    key, first, second = twice
                    raise error(
                        f"the key '{key}' is given twice (lines {first} and {second})",
                        file=file,
                        line=second,
                        hint="keep one of them",
                    )
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and (exc.problem or "").startswith(("expected", "did not find")):
            mark = exc.context_mark  # an unclosed [ or {: where it opened, not where text ended
        line = mark.line + 1 + line_offset if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and problem.startswith("cannot"):
            hint = "fix the value (dates are written 2024-05-01 or 2024-05-01 14:30)"
        else:
            hint = "fix the YAML syntax"
        raise error(f"invalid {what}: {problem}", file=file, line=line, hint=hint) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid {what}: {exc}", file=file) from None
    if data is None:
        return LoadedMapping({}, {})
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise error(
            f"{what} must be a mapping of keys to values, not {type(data).__name__}",
            file=file,
            line=1 + line_offset,
        )
    written = {
        str(key.value): value.value
        for key, value in node.value
        if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode)
    }
    return LoadedMapping(data, lines, written)


MAX_EXPANDED_NODES = 100_000
"""An alias is one node used many times: nine aliases to nine aliases to... (a "billion
laughs") make a few hundred bytes of YAML into billions of values for whatever reads them."""


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many values ``node`` stands for once every alias is expanded (each node's size is
    computed once: linear in the written YAML)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = MAX_EXPANDED_NODES + 1  # a node containing itself is too large too
    if isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
    else:
        children = []
    size = 1
    for child in children:
        size += _expanded_size(child, sizes)
        if size > MAX_EXPANDED_NODES:
            break
    sizes[id(node)] = size
    return size


def _collect_lines(
    node: yaml.MappingNode, prefix: str, offset: int, out: dict[str, int]
) -> tuple[str, int, int] | None:
    """Fill ``out`` with the line of each key; the first key given twice, with its lines."""
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
            continue
        key = prefix + str(key_node.value)
        line = key_node.start_mark.line + 1 + offset
        if key in out:
            return key, out[key], line
        out[key] = line
        if isinstance(value_node, yaml.MappingNode) and not prefix:
            twice = _collect_lines(value_node, key + ".", offset, out)
            if twice is not None:
                return twice
    return None
