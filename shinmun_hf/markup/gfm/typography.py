"""Smart punctuation as a core rule over the inline tokens, after inline parsing.

Runs before ``text_join``, so an escaped quote (``\\"``) is still its own token and stays
straight, as are code spans and entities.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from ..smart_punctuation import SmartPunctuation

__all__ = ["smart_punctuation_plugin"]


def smart_punctuation_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before("text_join", "shinmun_smart_punctuation", _smart_punctuation)


def _smart_punctuation(state: StateCore) -> None:
    smart = SmartPunctuation()
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        smart.start_block()
        in_autolink = False
        for token in block.children:
            kind = token.type
            if kind in ("link_open", "link_close") and token.markup == "autolink":
                in_autolink = kind == "link_open"  # a URL shown as written: never changed
            elif kind == "text" and in_autolink:
                smart.skip(token.content)
            elif kind == "text":
                token.content = smart.convert(token.content)
            elif kind == "code_inline":
                smart.skip()  # code counts as a word before what follows
            elif kind == "text_special":  # an escape or an entity, kept as written
                smart.skip(token.content)
            elif kind in ("softbreak", "hardbreak"):
                smart.skip(" ")
