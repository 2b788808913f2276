"""Pygments, set up once per process.

Building an ``HtmlFormatter`` computes a whole stylesheet, and codehilite builds one for every
code block; Pygments' ``get_lexer_by_name`` scans the aliases of every lexer it knows, and
codehilite calls it for every block too. Formatters are kept here per language and options,
lexer classes per language (together a tenth of a typical post's rendering time). Fenced code
(through codehilite) and ``@@<lang>`` blocks share them, so one stylesheet serves both.
"""

from __future__ import annotations

from typing import Any

from markdown.extensions import codehilite
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_by_name
from pygments.util import ClassNotFound

__all__ = ["CSS_CLASS", "formatter_for", "lexer_by_name", "lexer_for", "use_in_codehilite"]

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
    return formatter


def lexer_by_name(alias: str, **options: Any) -> Lexer:
    """``pygments.lexers.get_lexer_by_name``, with the alias lookup done once per language.

    A new lexer each time: some lexers keep state from one text to the next (Modula-2's
    dialect, MIME's boundary), so sharing instances would let one code block change how a
    later one is highlighted. Raises ``ClassNotFound`` for unknown names, like Pygments."""
    lexer_class = _lexer_classes.get(alias)
    if lexer_class is None:
        if len(_lexer_classes) >= CACHE_LIMIT:
            _lexer_classes.clear()
        lexer_class = _lexer_classes[alias] = find_lexer_class_by_name(alias)
    return lexer_class(**options)


def use_in_codehilite() -> None:
    """Make codehilite look lexers up through :func:`lexer_by_name`.

    codehilite calls the ``get_lexer_by_name`` it imported for every block, with no hook to
    replace it; it is rebound here, once, to the shared lookup (same arguments, same errors).
    """
    codehilite.get_lexer_by_name = lexer_by_name


def lexer_for(name: str) -> Lexer | None:
    """The lexer for a language name, or None when Pygments does not know it."""
    try:
        return lexer_by_name(name)
    except ClassNotFound:
        return None
