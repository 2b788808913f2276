"""Python-Markdown's inline pass, skipping the patterns a text cannot match.

The stock pass tries every inline pattern (links, emphasis, code, entities...) on every text
node, one Python call and one regular-expression scan each, although most prose contains none of
the characters those patterns start with. Here each known pattern has a *trigger*: a regular
expression that every match of the pattern must contain at or after its start. A text with no
trigger of any pattern is returned as it is, and a pattern whose trigger is absent from the rest
of the text is skipped, which is exactly what the stock loop would conclude after trying it.

A pattern is trusted only while its name *and* its regular expression are the ones listed
below: an extension's pattern, or a pattern a new Python-Markdown version changes, is simply
always tried, as before.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Markdown, util
from markdown.extensions import Extension
from markdown.inlinepatterns import Pattern
from markdown.treeprocessors import InlineProcessor

__all__ = ["TRIGGERS", "InlinePrefilterExtension"]

TRIGGERS: dict[tuple[str, str], str] = {
    ("backtick", r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)"): "`",
    ("escape", r"\\(.)"): r"\\",
    ("footnote", r"\[\^([^\]]*)\]"): r"\[\^",
    ("reference", r"(?<!\!)\["): r"\[",
    ("link", r"(?<!\!)\["): r"\[",
    ("image_link", r"\!\["): r"!\[",
    ("image_reference", r"\!\["): r"!\[",
    ("short_reference", r"(?<!\!)\["): r"\[",
    ("short_image_ref", r"\!\["): r"!\[",
    ("autolink", r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>"): "<",
    ("automail", r"<([^<> !]+@[^@<> ]+)>"): "<",
    ("linebreak", "  \\n"): "  \n",
    ("html", None): "<",  # the HTML pattern's (long) expression is checked by its start below
    ("entity", r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)"): "&",
    ("em_strong", r"\*|_"): "[*_]",
}
"""(pattern name, its expression) -> what every match contains from its first character."""


def _trigger(name: str, pattern: Pattern) -> re.Pattern[str] | None:
    expression = getattr(pattern, "pattern", None)
    if not isinstance(expression, str):
        return None
    if name == "html":
        # Python-Markdown's raw-HTML expression: every alternative sits inside "(<" ... ">)".
        trigger = TRIGGERS[("html", None)] if expression.startswith("(<(") else None
    else:
        trigger = TRIGGERS.get((name, expression))
    return re.compile(trigger) if trigger is not None else None


class PrefilteredInlineProcessor(InlineProcessor):
    """The stock inline processor with the trigger test in front of every pattern."""

    def run(self, tree: ET.Element, ancestors: list[str] | None = None) -> ET.Element:
        # Iterating the registry sorts it by priority first: only then do the names line up.
        patterns = list(self.inlinePatterns)
        names = [item.name for item in self.inlinePatterns._priority]
        pairs = zip(names, patterns, strict=True)
        self._patterns = [(pattern, _trigger(name, pattern)) for name, pattern in pairs]
        triggers = [trigger for _, trigger in self._patterns]
        self._any = (
            re.compile("|".join(t.pattern for t in triggers if t is not None))
            if all(t is not None for t in triggers)
            else None
        )
        return super().run(tree, ancestors)

    # Python-Markdown calls this (name-mangled) method for every text and for the text of every
    # element a pattern makes; overriding it keeps the rest of the stock processor untouched.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        if self._any is not None and self._any.search(data) is None:
            return data
        patterns = self._patterns
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start = 0
        count = len(patterns)
        while patternIndex < count:
            pattern, trigger = patterns[patternIndex]
            if trigger is not None and trigger.search(data, start) is None:
                patternIndex += 1
                start = 0
                continue
            data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


class InlinePrefilterExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(PrefilteredInlineProcessor(md), "inline", 20)
