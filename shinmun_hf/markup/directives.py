"""Shinmun's ``@@`` directives, expanded before either Markdown dialect parses the text.

Directives are whole lines: ``@@<name>`` optionally followed by ``[id]`` and ``(argument)``,
indented by up to four spaces (or a tab). Block directives own the indented block below them,
which may contain blank lines and ends where the indentation ends (Shinmun cut blocks at the
first blank line). Lines inside fenced code blocks are never directives, so documentation can
show them.

The pre-pass is the same for both dialects: each directive becomes a placeholder line (an HTML
comment, which CommonMark and Python-Markdown both pass through as a block of raw HTML) and its
HTML is put in its place after parsing (:meth:`Expansion.restore`). The line numbers rules
report are the file's own, and no parser ever sees a rule's HTML.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..components import ComponentRef
from ..errors import BuildError

__all__ = [
    "Directive",
    "DirectiveContext",
    "Directives",
    "Expansion",
    "Rule",
]

DIRECTIVE_LINE = re.compile(
    r"^(?: {0,4}|\t)@@(?P<name>[A-Za-z][\w+#.-]*?)"
    r"(?:\[(?P<id>[^\]\s]*)\])?(?:\((?P<arg>[^)]*)\))?[ \t]*$"
)
NAMED_LINE = re.compile(r"^(?: {0,4}|\t)@@(?P<name>[A-Za-z][\w+#.-]*)")
"""A line that starts like a directive (a named rule's, if not well formed, is an error)."""


@dataclass(slots=True)
class Directive:
    """One directive occurrence, with its indented block (dedented) when it has one."""

    name: str
    id: str | None
    argument: str | None
    body: str | None
    line: int
    """1-based line in the source file."""


@dataclass(slots=True)
class DirectiveContext:
    """What rules may read and report while one document is rendered."""

    source: str
    line_offset: int = 0
    components: list[ComponentRef] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, message: str, line: int, hint: str | None = None) -> BuildError:
        return BuildError(message, file=self.source, line=line, hint=hint)


Rule = Callable[[Directive, DirectiveContext], str]
"""A rule turns a directive into HTML (put in place after parsing, so no parser reads it)."""


@dataclass(frozen=True, slots=True)
class RuleSpec:
    rule: Rule
    takes_block: bool


@dataclass(slots=True)
class Expansion:
    """The text with placeholders, and the HTML each placeholder stands for."""

    text: str
    fragments: list[str]
    marker: str

    def restore(self, html: str) -> str:
        """Put each rule's HTML where the parser left its placeholder."""
        if not self.fragments:
            return html
        pattern = re.compile(rf"<!--{self.marker}:(\d+)-->")
        return pattern.sub(lambda m: self.fragments[int(m[1])], html)


class Directives:
    """The directive rules, by name, with a fallback for any other name (``@@<lang>``)."""

    def __init__(self) -> None:
        self.rules: dict[str, RuleSpec] = {}
        self.fallback: RuleSpec | None = None

    def add_rule(self, name: str, rule: Rule, *, takes_block: bool) -> None:
        self.rules[name] = RuleSpec(rule, takes_block)

    def set_fallback(self, rule: Rule, *, takes_block: bool) -> None:
        self.fallback = RuleSpec(rule, takes_block)

    def expand(
        self, text: str, context: DirectiveContext, fenced_lines: Callable[[str], set[int]]
    ) -> Expansion:
        """Replace directive lines (and their blocks) with placeholder lines.

        ``fenced_lines`` is the dialect's: the lines its parser reads as fenced code, which
        hold no directives (CommonMark finds fences in list items and quotes; Python-Markdown
        only at the start of a line)."""
        if "@@" not in text:  # most documents: no scan at all
            return Expansion(text, [], "")
        fenced = fenced_lines(text)
        # The marker depends on the text itself, so no text can contain its own placeholders.
        marker = "shinmun-directive-" + hashlib.blake2b(text.encode(), digest_size=6).hexdigest()
        lines = text.split("\n")
        out: list[str] = []
        fragments: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            if index in fenced:
                out.append(line)
                index += 1
                continue
            match = DIRECTIVE_LINE.match(line)
            if match is None and (named := NAMED_LINE.match(line)) and named[1] in self.rules:
                raise context.error(  # not shown as text: the page would lack its component
                    f"malformed @@{named[1]} line",
                    index + 1 + context.line_offset,
                    hint=f"write @@{named[1]}[id](argument) alone on the line, the id without "
                    "spaces",
                )
            spec = (self.rules.get(match["name"]) or self.fallback) if match else None
            if match is None or spec is None:
                out.append(line)
                index += 1
                continue
            line_number = index + 1 + context.line_offset
            body = None
            end = index + 1
            if spec.takes_block:
                body, end = _indented_block(lines, index + 1)
                if body is None:
                    raise context.error(
                        f"@@{match['name']} has no indented block below it",
                        line_number,
                        hint="indent the code by four spaces, after a blank line",
                    )
            directive = Directive(match["name"], match["id"], match["arg"], body, line_number)
            out.extend(["", f"<!--{marker}:{len(fragments)}-->", ""])
            fragments.append(spec.rule(directive, context))
            index = end
        return Expansion("\n".join(out), fragments, marker)


def _indented_block(lines: list[str], start: int) -> tuple[str | None, int]:
    """The dedented block of indented lines from ``start``; blank lines may sit inside it.

    A directive line after a blank line starts the next directive, as in Shinmun, so that two
    indented ``@@<lang>`` blocks in a row stay two blocks.
    """
    block: list[str] = []
    index = start
    last_code = start
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            block.append("")
            index += 1
            continue
        if index > start and not lines[index - 1].strip() and DIRECTIVE_LINE.match(line):
            break
        if line.startswith("    "):
            block.append(line[4:])
        elif line.startswith("\t"):
            block.append(line[1:])
        else:
            break
        index += 1
        last_code = index
    code_lines = block[: last_code - start]
    while code_lines and not code_lines[0].strip():
        code_lines.pop(0)
    if not code_lines:
        return None, start
    return "\n".join(code_lines), last_code
