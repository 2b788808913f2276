"""The ``@@`` directive scanner shared by every directive rule.

Shinmun's directives are whole lines: ``@@<name>`` optionally followed by ``[id]`` and
``(argument)``, indented by up to four spaces (or a tab). Block directives own the indented
block below them, which may contain blank lines and ends where the indentation ends (Shinmun cut
blocks at the first blank line). Lines inside fenced code blocks are never directives, so
documentation can show them.

Rules register by name; the scanner runs as a Python-Markdown preprocessor before fenced code is
stashed, so the line numbers it reports are the file's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown import Markdown
from markdown.preprocessors import Preprocessor

from ..errors import BuildError

__all__ = ["Directive", "DirectiveContext", "DirectivePreprocessor", "Rule"]

DIRECTIVE_LINE = re.compile(
    r"^(?: {0,4}|\t)@@(?P<name>[A-Za-z][\w+#.-]*?)"
    r"(?:\[(?P<id>[^\]\s]*)\])?(?:\((?P<arg>[^)]*)\))?[ \t]*$"
)
NAMED_LINE = re.compile(r"^(?: {0,4}|\t)@@(?P<name>[A-Za-z][\w+#.-]*)")
"""A line that starts like a directive (a named rule's, if not well formed, is an error)."""
FENCE_OPEN = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")


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
    components: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, message: str, line: int, hint: str | None = None) -> BuildError:
        return BuildError(message, file=self.source, line=line, hint=hint)


Rule = Callable[[Directive, DirectiveContext], str]
"""A rule turns a directive into HTML (which is stashed, so Markdown leaves it alone)."""


@dataclass(slots=True)
class RuleSpec:
    rule: Rule
    takes_block: bool


class DirectivePreprocessor(Preprocessor):
    """Replaces directive lines (and their blocks) with stashed HTML."""

    def __init__(self, md: Markdown, context_getter: Callable[[], DirectiveContext]) -> None:
        super().__init__(md)
        self.rules: dict[str, RuleSpec] = {}
        self.fallback: RuleSpec | None = None
        self._context = context_getter

    def add_rule(self, name: str, rule: Rule, *, takes_block: bool) -> None:
        self.rules[name] = RuleSpec(rule, takes_block)

    def set_fallback(self, rule: Rule, *, takes_block: bool) -> None:
        """The rule for any other name (``@@<lang>`` highlighting)."""
        self.fallback = RuleSpec(rule, takes_block)

    def run(self, lines: list[str]) -> list[str]:
        context = self._context()
        out: list[str] = []
        fence: str | None = None
        index = 0
        while index < len(lines):
            line = lines[index]
            if fence is not None:
                if line.lstrip().startswith(fence) and not line.strip().strip(fence[0]):
                    fence = None
                out.append(line)
                index += 1
                continue
            opened = FENCE_OPEN.match(line)
            if opened:
                fence = opened.group("fence")
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
            spec = self._spec_for(match.group("name")) if match else None
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
                        f"@@{match.group('name')} has no indented block below it",
                        line_number,
                        hint="indent the code by four spaces, after a blank line",
                    )
            directive = Directive(
                name=match.group("name"),
                id=match.group("id"),
                argument=match.group("arg"),
                body=body,
                line=line_number,
            )
            html = spec.rule(directive, context)
            out.extend(["", self.md.htmlStash.store(html), ""])
            index = end
        return out

    def _spec_for(self, name: str) -> RuleSpec | None:
        return self.rules.get(name) or self.fallback


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
