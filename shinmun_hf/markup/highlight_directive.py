"""``@@<lang>`` + an indented block: a syntax-highlighted code block (Shinmun's directive)."""

from __future__ import annotations

from .directives import Directive, DirectiveContext
from .highlighting import highlight_code, lexer_for

__all__ = ["highlight_directive"]


def highlight_directive(directive: Directive, context: DirectiveContext) -> str:
    language = directive.name
    if lexer_for(language) is None:
        context.warnings.append(
            f"{context.source}:{directive.line}: unknown language '{language}' in "
            f"@@{language}; the block is shown as plain text"
        )
        language = ""
    return highlight_code(directive.body or "", language)
