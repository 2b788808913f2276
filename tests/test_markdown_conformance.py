"""The CommonMark and GFM specs' examples, through the engine as a post body goes.

Smart punctuation off (the specs know no typography); everything else as in a real build:
directives, heading ids, highlighting. What the comparison ignores, and why, is in
:mod:`spec_examples`.
"""

from __future__ import annotations

import pytest
from spec_examples import Example, examples, normalize

from shinmun_hf.markup import RenderSettings, render_markdown

SETTINGS = RenderSettings(dialect="gfm", smart_punctuation=False)

COMMONMARK = examples("commonmark-0.31.2-spec.txt")
GFM_EXTENSIONS = [e for e in examples("gfm-0.29-spec.txt") if e.extension]

COMMONMARK_EXCEPTIONS = {
    610: "GitHub's autolink extension links the URL inside '< https://foo.bar >'",
    613: "GitHub's autolink extension links a bare https:// URL",
    614: "GitHub's autolink extension links a bare e-mail address",
}
"""CommonMark examples the ``gfm`` dialect renders as GitHub does, on purpose."""

GFM_SKIPPED = {
    "disabled": "behaviour GitHub turns off (the spec marks it so)",
    "tagfilter": "a blog's author trusts their own HTML: <iframe>, <script> and <style> embeds "
    "must work, so raw HTML is not filtered as on github.com",
}


def _passes(example: Example) -> bool:
    rendered = render_markdown(example.markdown, source="spec.md", settings=SETTINGS).html
    return normalize(rendered or "") == normalize(example.html)


@pytest.mark.parametrize("example", COMMONMARK, ids=lambda e: f"cm{e.number}")
def test_commonmark_example(example: Example) -> None:
    if example.number in COMMONMARK_EXCEPTIONS:
        assert not _passes(example), "now passes: remove it from COMMONMARK_EXCEPTIONS"
        pytest.skip(COMMONMARK_EXCEPTIONS[example.number])
    assert _passes(example), f"{example.section}: {example.markdown!r}"


@pytest.mark.parametrize("example", GFM_EXTENSIONS, ids=lambda e: f"gfm{e.number}")
def test_gfm_extension_example(example: Example) -> None:
    if example.extension in GFM_SKIPPED:
        pytest.skip(GFM_SKIPPED[example.extension])
    assert _passes(example), f"{example.extension}: {example.markdown!r}"


def test_at_least_99_percent_of_commonmark_passes_and_every_gfm_extension_example() -> None:
    passed = sum(_passes(e) for e in COMMONMARK)
    assert len(COMMONMARK) == 655
    assert passed / len(COMMONMARK) >= 0.99
    wanted = [e for e in GFM_EXTENSIONS if e.extension in ("table", "strikethrough", "autolink")]
    assert len(wanted) == 21
    assert all(_passes(e) for e in wanted)


def test_the_comparison_sees_a_difference() -> None:
    """The normaliser is not so lenient that anything passes."""
    assert normalize("<p>a <em>b</em></p>") != normalize("<p>a b</p>")
    assert normalize("<pre><code>a\n\nb</code></pre>") != normalize("<pre><code>a\nb</code></pre>")
    assert normalize('<h2 id="x">T</h2>') == normalize("<h2>T</h2>")
