"""The CommonMark and GFM specifications' examples, and the HTML comparison their runner uses.

The spec files (``fixtures/conformance/``, CC-BY-SA 4.0) hold each example as a fenced block of
32 backticks: Markdown, a line ``.``, the expected HTML; ``→`` stands for a tab. HTML is
compared after normalising it as the specs' own ``normalize.py`` does (whitespace between
tags collapsed, attributes sorted, entities decoded), and after removing what the engine adds
to every document on purpose, which is no part of Markdown's meaning:

- ``id`` on headings (the engine's anchors);
- ``tabindex`` on ``<pre>`` (scrollable code reachable from the keyboard);
- Pygments' markup around code: the ``<div class="highlight">`` wrapper and the ``<span>``
  elements inside ``<pre>``, and ``class="language-*"`` on ``<code>``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["Example", "examples", "normalize"]

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "conformance"
FENCE = "`" * 32 + " example"


@dataclass(frozen=True)
class Example:
    number: int
    section: str
    extension: str
    markdown: str
    html: str


def examples(name: str) -> list[Example]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").split("\n")
    found: list[Example] = []
    section = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#"):
            section = line.lstrip("#").strip()
        if line.startswith(FENCE):
            extension = line[len(FENCE) :].strip()
            end = lines.index("`" * 32, index + 1)
            block = lines[index + 1 : end]
            dot = block.index(".")
            markdown = "\n".join(block[:dot]) + "\n" if dot else ""
            expected = "\n".join(block[dot + 1 :]) + "\n" if dot + 1 < len(block) else ""
            found.append(
                Example(
                    len(found) + 1,
                    section,
                    extension,
                    markdown.replace("→", "\t"),
                    expected.replace("→", "\t"),
                )
            )
            index = end
        index += 1
    return found


HIGHLIGHT_WRAPPER = re.compile(r'<div class="highlight">(<pre\b.*?</pre>)</div>', re.S)
PYGMENTS_SPAN = re.compile(r"</?span\b[^>]*>")
PRE = re.compile(r"<pre\b.*?</pre>", re.S)


def _without_engine_markup(text: str) -> str:
    text = HIGHLIGHT_WRAPPER.sub(r"\1", text)
    return PRE.sub(lambda m: PYGMENTS_SPAN.sub("", m[0]), text)


class _Normalizer(HTMLParser):
    BLOCK = re.compile(
        r"^(?:address|article|aside|blockquote|caption|center|dd|dir|div|dl|dt|fieldset|"
        r"figcaption|figure|footer|form|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|"
        r"tbody|td|tfoot|th|thead|tr|ul)$"
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.output: list[str] = []
        self.in_pre = 0
        self.last = "starttag"
        self.last_tag = ""

    def handle_data(self, data: str) -> None:
        after_block = self.last in ("starttag", "endtag") and self.BLOCK.match(self.last_tag)
        if not self.in_pre:
            data = re.sub(r"\s+", " ", data)
            if after_block:
                data = data.lstrip()
        self.output.append(html.escape(html.unescape(data), quote=False))
        if data:
            self.last = "data"

    def handle_entityref(self, name: str) -> None:
        self.handle_data(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.handle_data(html.unescape(f"&#{name};"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = []
        for key, value in attrs:
            if (key == "id" and re.fullmatch(r"h[1-6]", tag)) or (
                key == "tabindex" and tag == "pre"
            ):
                continue
            if key == "class" and tag == "code" and value and value.startswith("language-"):
                continue
            kept.append((key, value))
        if tag == "pre":
            self.in_pre += 1
        if self.BLOCK.match(tag) and self.output:
            self.output[-1] = self.output[-1].rstrip() if self.last == "data" else self.output[-1]
        rendered = "".join(
            f' {k}="{html.escape(v or "", quote=True)}"' if v is not None else f" {k}"
            for k, v in sorted(kept)
        )
        self.output.append(f"<{tag}{rendered}>")
        self.last, self.last_tag = "starttag", tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.last = "endtag"

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.in_pre -= 1
        if self.BLOCK.match(tag) and self.last == "data" and self.output:
            self.output[-1] = self.output[-1].rstrip()
        self.output.append(f"</{tag}>")
        self.last, self.last_tag = "endtag", tag

    def handle_comment(self, data: str) -> None:
        self.output.append(f"<!--{data}-->")
        self.last = "comment"

    def handle_decl(self, decl: str) -> None:
        self.output.append(f"<!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self.output.append(f"<![{data}]>")

    def handle_pi(self, data: str) -> None:
        self.output.append(f"<?{data}>")


def normalize(text: str) -> str:
    parser = _Normalizer()
    parser.feed(_without_engine_markup(text))
    parser.close()
    return "".join(parser.output).strip()
