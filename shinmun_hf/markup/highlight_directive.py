"""``@@<lang>`` + an indented block: a syntax-highlighted code block (Shinmun's directive)."""

from __future__ import annotations

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

from .directives import Directive, DirectiveContext

__all__ = ["FORMATTER", "highlight_directive"]

# The same CSS classes as fenced code highlighted by codehilite, so one stylesheet serves both.
FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)


def highlight_directive(directive: Directive, context: DirectiveContext) -> str:
    try:
        lexer = get_lexer_by_name(directive.name)
    except ClassNotFound:
        context.warnings.append(
            f"{context.source}:{directive.line}: unknown language '{directive.name}' in "
            f"@@{directive.name}; the block is shown as plain text"
        )
        lexer = TextLexer()
    return highlight(directive.body or "", lexer, FORMATTER)
