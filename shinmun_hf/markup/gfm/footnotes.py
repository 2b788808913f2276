"""Footnotes marked up as Python-Markdown marks them.

mdit-py-plugins parses GitHub's footnotes; these render rules give them Python-Markdown's
markup (``<sup id="fnref:label">``, ``<div class="footnote">``, ``#fn:label``), so the theme
styles one kind, summaries and feeds know one kind, and links to ``#fn:note`` written for either
dialect keep working.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["footnote_markup_plugin"]

SPACE = re.compile(r"\s+")


def footnote_markup_plugin(md: MarkdownIt) -> None:
    rules = {
        "footnote_ref": _reference,
        "footnote_block_open": lambda *_: '<div class="footnote">\n<hr>\n<ol>\n',
        "footnote_block_close": lambda *_: "</ol>\n</div>\n",
        "footnote_open": lambda _, tokens, idx, *__: f'<li id="fn:{_name(tokens[idx])}">\n',
        "footnote_close": lambda *_: "</li>\n",
        "footnote_anchor": _back_link,
    }
    for name, rule in rules.items():
        md.add_render_rule(name, rule)


def _name(token: Token) -> str:
    label = token.meta.get("label")
    return escape(SPACE.sub("-", label)) if label else str(token.meta["id"] + 1)


def _reference_id(token: Token) -> str:
    sub_id = token.meta.get("subId", 0)
    return f"fnref{sub_id + 1 if sub_id else ''}:{_name(token)}"


def _reference(self: object, tokens: Sequence[Token], idx: int, *_: object) -> str:
    token = tokens[idx]
    number = token.meta["id"] + 1
    return (
        f'<sup id="{_reference_id(token)}"><a class="footnote-ref" '
        f'href="#fn:{_name(token)}">{number}</a></sup>'
    )


def _back_link(self: object, tokens: Sequence[Token], idx: int, *_: object) -> str:
    token = tokens[idx]
    number = token.meta["id"] + 1
    return (
        f'&#160;<a class="footnote-backref" href="#{_reference_id(token)}" '
        f'title="Back to reference {number}">&#8617;</a>'
    )
