"""Pygments, set up once per process.

Building an ``HtmlFormatter`` computes a whole stylesheet, and codehilite builds one for every
code block; Pygments' ``get_lexer_by_name`` scans the aliases of every lexer it knows, and
codehilite calls it for every block too. Formatters are kept here per language and options,
lexer classes per language (together a tenth of a typical post's rendering time). Fenced code
(the ``gfm`` dialect's fence rule, Python-Markdown's codehilite) and ``@@<lang>`` blocks share
them, so one stylesheet serves every dialect, and all go through the block cache
(:mod:`.highlight_cache`).
"""

from __future__ import annotations

import re
from typing import Any

from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_by_name
from pygments.util import ClassNotFound

from .highlight_cache import DeferredLexer, highlight_block

__all__ = [
    "CSS_CLASS",
    "formatter_for",
    "highlight_code",
    "lexer_by_name",
    "lexer_for",
    "parse_info",
    "use_in_codehilite",
]

CSS_CLASS = "highlight"


CACHE_LIMIT = 256
"""Formatters and lexers kept at most (fences with many different ``hl_lines`` make many)."""
_formatters: dict[str, HtmlFormatter] = {}
_lexer_classes: dict[str, type[Lexer]] = {}


def _key(name: str, options: dict[str, Any]) -> str:
    """Name and options as a cache key (some options, such as ``hl_lines``, are lists)."""
    return repr((name, sorted(options.items())))


def formatter_for(lang_str: str = "", **options: Any) -> HtmlFormatter:
    """A shared formatter, with the signature codehilite calls ``pygments_formatter`` with.

    Options a fence sets (``hl_lines="2"``, ``linenums="1"``) are honoured: each distinct set of
    options has its own formatter."""
    key = _key(lang_str, options)
    formatter = _formatters.get(key)
    if formatter is None:
        settings = {"cssclass": CSS_CLASS, "wrapcode": True, **options, "lang_str": lang_str}
        if len(_formatters) >= CACHE_LIMIT:
            _formatters.clear()
        formatter = _formatters[key] = HtmlFormatter(**settings)
        formatter.shinmun_settings = repr(sorted(settings.items()))  # the block cache's key
    return formatter


def lexer_by_name(alias: str, **options: Any) -> DeferredLexer:
    """``pygments.lexers.get_lexer_by_name``, with the alias lookup done once per language,
    returning the lexer to be (see :class:`~.highlight_cache.DeferredLexer`).

    A new lexer for each block that needs one: some lexers keep state from one text to the
    next (Modula-2's dialect, MIME's boundary), so sharing instances would let one code block
    change how a later one is highlighted. Raises ``ClassNotFound`` for unknown names, like
    Pygments."""
    lexer_class = _lexer_classes.get(alias)
    if lexer_class is None:
        if len(_lexer_classes) >= CACHE_LIMIT:
            _lexer_classes.clear()
        lexer_class = _lexer_classes[alias] = find_lexer_class_by_name(alias)
    return DeferredLexer(lexer_class, options)


def use_in_codehilite() -> None:
    """Make codehilite look lexers up through :func:`lexer_by_name` and highlight through the
    block cache.

    codehilite calls the ``get_lexer_by_name`` and ``highlight`` it imported for every block,
    with no hook to replace them; they are rebound here, once, to the shared lookup and the
    cache (same arguments, same results, same errors).
    """
    from markdown.extensions import codehilite

    codehilite.get_lexer_by_name = lexer_by_name
    codehilite.highlight = highlight_block


def lexer_for(name: str, **options: Any) -> DeferredLexer | None:
    """The lexer for a language name, or None when Pygments does not know it."""
    try:
        return lexer_by_name(name, **options)
    except ClassNotFound:
        return None


INFO_OPTION = re.compile(r"""([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")


def parse_info(info: str) -> tuple[str, dict[str, Any]]:
    """A fence's info string as a language and Pygments options.

    ``python hl_lines="2 3" linenums="10"`` and Python-Markdown's ``{.python linenums="1"}``
    alike: the first word (or ``.class``) is the language; ``hl_lines`` marks lines,
    ``linenums`` numbers them from the value given."""
    info = info.strip()
    if info.startswith("{") and info.endswith("}"):
        info = info[1:-1].strip()
    words = info.split(None, 1)
    language = words[0].removeprefix(".") if words and "=" not in words[0] else ""
    options: dict[str, Any] = {}
    for match in INFO_OPTION.finditer(info):
        key, value = match[1], next(v for v in match.groups()[1:] if v is not None)
        if key == "hl_lines":
            lines = [int(n) for n in value.replace(",", " ").split() if n.isdigit()]
            if lines:
                options["hl_lines"] = lines
        elif key == "linenums" and value.lower() not in ("false", "no", "0", "off"):
            options["linenos"] = "inline"
            if value.isdigit() and int(value) > 1:
                options["linenostart"] = int(value)
    return language, options


def highlight_code(code: str, language: str, options: dict[str, Any] | None = None) -> str:
    """A highlighted ``<div class="highlight">`` block; plain text for an unknown language.

    Leading and trailing blank lines are kept as written (Pygments strips them by default)."""
    options = options or {}
    if not code:  # Pygments would make an empty block one empty line
        return f'<div class="{CSS_CLASS}"><pre><span></span><code></code></pre></div>\n'
    lexer = lexer_for(language, stripnl=False) if language else None
    if lexer is None:
        lexer = lexer_by_name("text", stripnl=False)
    formatter = formatter_for(f"language-{language}" if language else "", **options)
    return highlight_block(code, lexer, formatter)
