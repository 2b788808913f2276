"""``@@<lang>`` + an indented block: a syntax-highlighted code block (Shinmun's directive)."""

from __future__ import annotations

from pygments import highlight

from .directives import Directive, DirectiveContext
from .highlighting import formatter_for, lexer_for

__all__ = ["highlight_directive"]


def highlight_directive(directive: Directive, context: DirectiveContext) -> str:
    lexer = lexer_for(directive.name)
    if lexer is None:
        context.warnings.append(
            f"{context.source}:{directive.line}: unknown language '{directive.name}' in "
            f"@@{directive.name}; the block is shown as plain text"
        )
        from pygments.lexers.special import TextLexer  # rarely needed, 8 ms to import

        lexer = TextLexer()
    return highlight(directive.body or "", lexer, formatter_for(f"language-{directive.name}"))
