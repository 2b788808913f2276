"""The ``gfm`` dialect: CommonMark with GitHub's extensions, through markdown-it-py.

Tables, strikethrough, task lists and alerts are markdown-it-py's own; autolinks (a scheme or
``www.``, never a bare domain, as GitHub links them), footnotes and definition lists come from
mdit-py-plugins. The modules beside this one each add one rule: fenced code through the shared
highlighter, heading ids by the shared rules, footnotes marked up as Python-Markdown marks them
(so one stylesheet and the same ``#fn:1`` anchors serve both dialects), and smart punctuation.
Glue only: directives, the heading-id rules and everything after parsing are shared with the
``python-markdown`` dialect.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..headings import Heading
from .autolinks import autolink_plugin
from .code import code_plugin
from .footnotes import footnote_markup_plugin
from .headings import heading_ids_plugin
from .links import fast_links_plugin
from .strikethrough import del_plugin
from .tables import table_alignment_plugin
from .typography import smart_punctuation_plugin

__all__ = ["fenced_lines", "parser", "render"]


def render(text: str, *, smart_punctuation: bool) -> tuple[str, list[Heading]]:
    """The HTML of ``text`` and its headings (with their ids)."""
    env: dict = {}
    html = parser(smart_punctuation).render(text, env)
    return html, env.get("headings", [])


def fenced_lines(text: str) -> set[int]:
    """The 0-based lines inside fenced code blocks, wherever CommonMark finds them (in list
    items and quotes too): the directive pre-pass leaves them alone."""
    tokens: list[Token] = []
    md = parser(False, highlight=False)
    md.block.parse(text, md, {}, tokens)
    inside: set[int] = set()
    for token in tokens:
        if token.type == "fence" and token.map:
            inside.update(range(*token.map))
    return inside


@cache
def parser(smart_punctuation: bool, highlight: bool = True) -> MarkdownIt:
    """The parser for one setting (kept per process: building one costs a few posts' time)."""
    md = MarkdownIt(
        "commonmark",
        {
            "html": True,  # bloggers embed videos, figures and <details>
            "tasklists": True,
            "tasklists_editable": False,
            "alerts": True,
            "strikethrough_single_tilde": True,
        },
    )
    md.enable(["table", "strikethrough"])
    md.use(fast_links_plugin)
    md.use(autolink_plugin)
    md.use(footnote_plugin, inline=False)
    md.use(deflist_plugin)
    md.use(footnote_markup_plugin)
    md.use(del_plugin)
    md.use(table_alignment_plugin)
    if highlight:
        md.use(code_plugin)
    if smart_punctuation:
        md.use(smart_punctuation_plugin)
    md.use(heading_ids_plugin)
    return md
