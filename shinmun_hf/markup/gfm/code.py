"""Fenced and indented code through the shared Pygments highlighter.

The fence's info string gives the language and options (``python hl_lines="2"``, or
Python-Markdown's ``{.python linenums="1"}``), as :func:`~..highlighting.parse_info` reads them
for every dialect.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.token import Token

from ..highlighting import highlight_code, parse_info

__all__ = ["code_plugin"]


def code_plugin(md: MarkdownIt) -> None:
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_block", _indented)


def _fence(self: object, tokens: Sequence[Token], idx: int, options: object, env: object) -> str:
    token = tokens[idx]
    language, settings = parse_info(unescapeAll(token.info))
    return highlight_code(token.content, language, settings)


def _indented(self: object, tokens: Sequence[Token], idx: int, options: object, env: object) -> str:
    return highlight_code(tokens[idx].content, "")
