"""``@@<lang>`` + an indented block: a syntax-highlighted code block (Shinmun's directive)."""

from __future__ import annotations

from .directives import Directive, DirectiveContext
from .highlight_cache import DeferredLexer, highlight_block
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

        lexer = DeferredLexer(TextLexer, {})
    formatter = formatter_for(f"language-{directive.name}")
    return highlight_block(directive.body or "", lexer, formatter)
