"""The renderer's faster rules produce exactly what stock Python-Markdown produces.

Each speed-up of the ``python-markdown`` dialect (the inline prefilter, the smart punctuation
shortcut) is compared with the stock pipeline on text that exercises every inline
pattern, so a trigger that is wrong for some pattern shows up as a difference.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import markdown
import pytest
from markdown.inlinepatterns import InlineProcessor as InlinePattern

from shinmun_hf.markup.python_markdown import (
    _SmartPunctuationExtension as SmartPunctuationExtension,
)
from shinmun_hf.markup.python_markdown.inline_prefilter import InlinePrefilterExtension

STANDARD = ["fenced_code", "tables", "footnotes", "attr_list", "def_list"]

SAMPLES = [
    "Plain prose with nothing special in it at all.",
    "Some `code` and ``double `tick` code`` and \\`not code\\`.",
    "Escapes: \\*not emphasis\\*, \\_nor this\\_, \\\\ a backslash, \\[not a link].",
    "*em* **strong** ***both*** _em_ __strong__ a*b*c snake_case_name 2 * 3 * 4",
    "[inline](https://example.org 'title') and [ref][r] and [short] and ![img](a.png)",
    "![ref image][r] and ![short] and ![](empty.png) and !not an image [ok](x)",
    "[r]: https://example.org/r\n[short]: https://example.org/s",
    "Autolinks <https://example.org/a?b=c> and mail <someone@example.org>.",
    "Line one  \nline two after a hard break,  \nand a third.",
    'Raw <span class="x">html</span>, a comment <!-- note --> and <b>bold</b>.',
    "Entities &amp; &copy; &#169; &#xA9; and a lone & ampersand, 1 < 2 > 0.",
    "A footnote[^1] and another[^note].\n\n[^1]: The first.\n[^note]: The *second*.",
    "Nested: **strong with `code` and [a link](/x) inside** and *em with &amp;*.",
    "Link text with emphasis: [*em* and **strong**](/y) and [`code`](/z).",
    "A [link with a [bracket] inside](/b) and [an unclosed one.",
    "Term\n: Definition with `code` and *em*.",
    "| a | b |\n|---|---|\n| `x` | **y** |\n| [l](/l) | &amp; |",
    "Heading {: #custom-id }\n=======\n\nText {: .cls }",
    "Quotes: \"double\" and 'single', dashes -- and ---, an ellipsis... and the '90s.",
    "Unicode: café — naïve 日本語 `código` *énfasis*.",
    # One pattern's trigger alone in a text, so each trigger is tested on its own:
    "only _underscore emphasis_ here",
    "only a footnote reference[^9]\n\n[^9]: note",
    "only a hard  \nbreak",
    "only ![an image](i.png)",
    "only <https://example.org/auto>",
    "only an escaped \\# hash",
    "only &copy; an entity",
]


def stock(extensions: list) -> markdown.Markdown:
    return markdown.Markdown(extensions=[*STANDARD, *extensions], output_format="html")


@pytest.mark.parametrize("text", SAMPLES)
def test_inline_prefilter_output_equals_stock(text):
    expected = stock([]).convert(text)
    assert stock([InlinePrefilterExtension()]).convert(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "see [^1](http://e.com)\n\n[^1]: note",
        "see [^1][x]\n\n[x]: https://example.org/\n[^1]: note",
    ],
)
def test_first_document_of_a_new_instance_runs_patterns_by_priority(text):
    """The registry is sorted on first use: the first document a process renders must see the
    patterns in priority order too (footnote references before links)."""
    assert stock([InlinePrefilterExtension()]).convert(text) == stock([]).convert(text)


def test_inline_prefilter_equals_stock_on_the_whole_sample_document():
    text = "\n\n".join(SAMPLES)
    assert stock([InlinePrefilterExtension()]).convert(text) == stock([]).convert(text)


class _Mention(InlinePattern):
    def handleMatch(self, m, data):
        element = ET.Element("a", href=f"/people/{m.group(1)}/")
        element.text = "@" + m.group(1)
        return element, m.start(0), m.end(0)


def test_an_extensions_unknown_pattern_is_always_tried():
    """A pattern the prefilter has no trigger for (here '@name') must still run."""
    md = stock([InlinePrefilterExtension()])
    md.inlinePatterns.register(_Mention(r"@(\w+)", md), "mention", 175)
    html = md.convert("Thanks @ada for *this*.")
    assert '<a href="/people/ada/">@ada</a>' in html
    assert "<em>this</em>" in html


def test_a_changed_pattern_expression_is_no_longer_trusted():
    """A known name with an expression the table does not list is tried on every text."""
    md = stock([InlinePrefilterExtension()])
    md.inlinePatterns.register(_Mention(r"~(\w+)", md), "entity", 80)  # reuses a known name
    assert '<a href="/people/bob/">@bob</a>' in md.convert("Hello ~bob.")


def test_smart_punctuation_after_a_text_without_tokens_sees_its_last_character():
    """A text with nothing to replace is skipped, but the quote that follows it must still be
    decided by that text's last character: after "x" an apostrophe closes."""
    md = stock([SmartPunctuationExtension()])
    assert md.convert("*x*'s end") == "<p><em>x</em>\u2019s end</p>"
    assert md.convert("( *x* 'quoted')") == "<p>( <em>x</em> \u2018quoted\u2019)</p>"


def test_smart_punctuation_still_replaces_every_token():
    md = stock([SmartPunctuationExtension()])
    html = md.convert('She said "yes" -- then --- left... in the \'80s')
    assert html == (
        "<p>She said \u201cyes\u201d \u2013 then \u2014 left\u2026 in the \u201980s</p>"
    )


@pytest.mark.parametrize("dialect", ["gfm", "python-markdown"])
def test_rendering_does_not_scan_installed_packages(dialect):
    """Extensions given by name make Python-Markdown read every installed package's entry
    points (60 ms per process): the renderer gives them as instances, and neither dialect
    looks plugins up by name."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from shinmun_hf.content.entry import parse_entry\n"
        "from shinmun_hf.markup import RenderSettings\n"
        "parse_entry('content/posts/a.md', 'post', b'---\\ntitle: A\\ndate: 2024-01-01\\n---\\n"
        f"Text.\\n\\n```python\\nx = 1\\n```\\n', 'UTC', RenderSettings({dialect!r}))\n"
        "print('importlib.metadata' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
