"""Heading ids on markdown-it's tokens, by the shared rules (:mod:`..headings`).

Two core rules: the first takes a ``{#id}`` off the end of a heading before smart punctuation
could turn its ``--`` into a dash; the last, once every inline rule has run, names each
heading and gives it its id. The headings found are left in ``env["headings"]``.
"""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from ..headings import Heading, assign_ids, own_id

__all__ = ["heading_ids_plugin"]

TEXT_TOKENS = frozenset({"text", "code_inline", "text_special"})


def heading_ids_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "shinmun_heading_own_id", _own_ids)
    md.core.ruler.push("shinmun_heading_ids", _heading_ids)


def _own_ids(state: StateCore) -> None:
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        children = tokens[index + 1].children
        if children and children[-1].type == "text":
            text, found = own_id(children[-1].content)
            if found:
                children[-1].content = text.rstrip()
                token.attrs["id"] = found


def _heading_ids(state: StateCore) -> None:
    tokens = state.tokens
    found: list[tuple[Heading, object]] = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        children = tokens[index + 1].children or []
        name = "".join(c.content for c in children if c.type in TEXT_TOKENS)
        written = token.attrs.get("id")
        found.append((Heading(int(token.tag[1]), escape(name.strip()), written or None), token))
    headings = [heading for heading, _ in found]
    assign_ids(headings)
    for heading, token in found:
        token.attrs["id"] = heading.id  # type: ignore[union-attr]
    state.env["headings"] = headings
