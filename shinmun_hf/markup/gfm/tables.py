"""Table cells aligned with ``align=``, as GitHub writes them (markdown-it writes ``style=``,
which a Content-Security-Policy without ``'unsafe-inline'`` styles would block)."""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["table_alignment_plugin"]


def table_alignment_plugin(md: MarkdownIt) -> None:
    for name in ("th_open", "td_open"):
        md.add_render_rule(name, _cell)


def _cell(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    style = token.attrs.get("style")
    if isinstance(style, str) and style.startswith("text-align:"):
        del token.attrs["style"]
        token.attrs["align"] = style.removeprefix("text-align:")
    return self.renderToken(tokens, idx, options, env)
