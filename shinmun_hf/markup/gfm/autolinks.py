"""GitHub's extended autolinks: ``https://``, ``www.`` and e-mail addresses in plain text.

mdit-py-plugins' ``gfm_autolink`` implements the GFM spec's rules; two cases it misses are added
here with its own matchers: ``ftp://`` links, and addresses whose local part has an ``_``
(``first_last@example.org``), which the emphasis rule would otherwise take apart before the
``@`` is reached. Bare domains (``example.com``) are never linked, as on GitHub.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin
from mdit_py_plugins.gfm_autolink._match import check_prev, match_any_email, match_http
from mdit_py_plugins.gfm_autolink.index import _create_autolink

__all__ = ["autolink_plugin"]

LOCAL_PART_END = re.compile(r"[A-Za-z0-9.+_-]+$")


def autolink_plugin(md: MarkdownIt) -> None:
    md.use(gfm_autolink_plugin)
    md.inline.ruler.before("emphasis", "shinmun_email_underscore", _email_with_underscore)
    md.inline.ruler.push("shinmun_ftp", _ftp)


def _email_with_underscore(state: StateInline, silent: bool) -> bool:
    """At an ``_``: does the word around it make an e-mail address?"""
    if silent or state.linkLevel > 0 or state.src[state.pos] != "_":
        return False
    local = LOCAL_PART_END.search(state.pending)
    before = local[0] if local else ""
    if before and not check_prev(state.pending[-len(before) - 1 : -len(before)] or " "):
        return False
    text = before + state.src[state.pos : state.posMax]
    if "@" not in text[: text.find(" ") if " " in text else None]:
        return False
    found = match_any_email(text, 0, None)
    if found is None:
        return False
    url, length = found
    return _create_autolink(state, len(before), length, url, text[:length])


def _ftp(state: StateInline, silent: bool) -> bool:
    """``ftp://host/path``, found at its ``:`` as the plugin finds ``https:``."""
    if silent or state.linkLevel > 0 or not state.pending.endswith("ftp"):
        return False
    if not state.src.startswith("://", state.pos):
        return False
    preceding = state.pending[-4:-3] or " "
    if not check_prev(preceding):
        return False
    found = match_http("http" + state.src[state.pos : state.posMax])
    if found is None:
        return False
    url = "ftp" + found[0][4:]
    return _create_autolink(state, 3, found[1] - 1, url, url)
