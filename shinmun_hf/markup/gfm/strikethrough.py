"""``~~text~~`` as ``<del>``, the element GitHub and the GFM spec use (markdown-it says ``<s>``)."""

from __future__ import annotations

from markdown_it import MarkdownIt

__all__ = ["del_plugin"]


def del_plugin(md: MarkdownIt) -> None:
    md.add_render_rule("s_open", lambda self, tokens, idx, options, env: "<del>")
    md.add_render_rule("s_close", lambda self, tokens, idx, options, env: "</del>")
