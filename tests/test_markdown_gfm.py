"""The ``gfm`` dialect renders Markdown as GitHub does, where Python-Markdown did not.

Each case below rendered wrongly, silently, with Python-Markdown's rules (the old default);
the expected HTML is what GitHub, Hugo and the CommonMark reference implementation produce.
Heading ids and the contents box are the same in both dialects.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from shinmun_hf.markup import DIALECTS, RenderSettings, render_markdown


def gfm(text: str, **settings) -> str:
    options = {"smart_punctuation": False, **settings}
    html = render_markdown(text, source="content/posts/x.md", settings=RenderSettings(**options))
    return html.html or ""


def squeeze(html: str) -> str:
    """Whitespace between tags removed, Pygments' spans dropped (code compared as text)."""
    html = re.sub(r"</?span\b[^>]*>", "", html)
    return re.sub(r"\s*\n\s*", "", html).strip()


def test_a_list_right_after_a_paragraph_line_is_a_list():
    html = squeeze(gfm("We considered:\n- one\n- two\n"))
    assert html == "<p>We considered:</p><ul><li>one</li><li>two</li></ul>"


def test_lists_nested_by_two_or_three_spaces_stay_nested():
    html = squeeze(gfm("- a\n  - b\n    - c\n1. x\n   1. y\n"))
    assert html == (
        "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li></ul>"
        "<ol><li>x<ol><li>y</li></ol></li></ol>"
    )


@pytest.mark.parametrize(
    "text",
    [
        "1. Build it:\n\n   ```rust\n   impl<T> Foo for T {}\n   ```\n",
        "> ```rust\n> impl<T> X {}\n> ```\n",
    ],
)
def test_a_fence_in_a_list_item_or_quote_is_a_code_block_and_escapes_its_text(text):
    html = squeeze(gfm(text))
    assert '<div class="highlight"><pre tabindex="0"><code>impl&lt;T&gt;' in html
    assert "<T>" not in html


def test_a_table_right_after_a_paragraph_line_is_a_table():
    html = squeeze(gfm("Results:\n| a | b |\n|---|:-:|\n| 1 | 2 |\n"))
    assert html.startswith("<p>Results:</p><table><thead><tr><th>a</th>")
    assert '<td align="center">2</td>' in html
    assert "---" not in html


def test_a_fence_closed_by_a_longer_fence_is_closed():
    html = squeeze(gfm("```\ncode\n`````\n\nAfter.\n"))
    assert html.endswith("<p>After.</p>")
    assert "After" not in html.split("</pre>")[0]


def test_ordered_lists_keep_their_start_and_delimiter_and_a_bullet_list_after_is_separate():
    assert squeeze(gfm("3. three\n4. four\n")) == '<ol start="3"><li>three</li><li>four</li></ol>'
    assert squeeze(gfm("1) one\n2) two\n")) == "<ol><li>one</li><li>two</li></ol>"
    assert squeeze(gfm("1. one\n- bullet\n")) == "<ol><li>one</li></ol><ul><li>bullet</li></ul>"


def test_backslash_line_breaks_strikethrough_and_bare_links():
    html = gfm("line\\\nnext ~~gone~~ https://example.org/a?b=1. www.example.com, example.com\n")
    assert "line<br />\nnext" in html
    assert "<del>gone</del>" in html
    assert '<a href="https://example.org/a?b=1">https://example.org/a?b=1</a>.' in html
    assert '<a href="http://www.example.com">www.example.com</a>,' in html
    assert "example.com</p>" in html and 'href="http://example.com"' not in html


def test_task_lists_render_as_on_github():
    html = squeeze(gfm("- [ ] to do\n- [x] done\n"))
    checkboxes = re.findall(r"<input [^>]*>", html)
    assert len(checkboxes) == 2
    for box in checkboxes:
        assert 'type="checkbox"' in box and 'disabled=""' in box
    assert 'checked=""' not in checkboxes[0] and 'checked=""' in checkboxes[1]
    assert re.search(r"<li[^>]*><input[^>]*> to do</li>", html)


@pytest.mark.parametrize("kind", ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"])
def test_github_alerts_render_as_callouts(kind):
    html = squeeze(gfm(f"> [!{kind}]\n> Mind *this*.\n"))
    assert html.startswith(f'<div class="markdown-alert markdown-alert-{kind.lower()}">')
    assert f'<p class="markdown-alert-title">{kind.title()}</p>' in html
    assert "<p>Mind <em>this</em>.</p>" in html
    assert "[!" not in html


def test_markdown_inside_details_separated_by_blank_lines_is_rendered():
    html = squeeze(gfm("<details>\n<summary>More</summary>\n\n- **bold** item\n\n</details>\n"))
    assert "<ul><li><strong>bold</strong> item</li></ul>" in html
    assert "**" not in html


def test_raw_html_embeds_are_kept():
    embed = '<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video"></iframe>'
    assert embed in gfm(embed + "\n")


def test_footnotes_have_the_same_ids_and_markup_as_python_markdown():
    text = "A claim[^source] and another[^2].\n\n[^source]: The source.\n[^2]: Two.\n"
    html = gfm(text)
    assert '<sup id="fnref:source"><a class="footnote-ref" href="#fn:source">1</a></sup>' in html
    assert '<li id="fn:source">' in html and '<li id="fn:2">' in html
    assert 'href="#fnref:source"' in html and '<div class="footnote">' in html


def test_an_email_address_with_an_underscore_and_an_ftp_link_are_linked():
    html = gfm("Mail first_last@example.org or ftp://files.example.org/x.\n")
    assert '<a href="mailto:first_last@example.org">first_last@example.org</a>' in html
    assert '<a href="ftp://files.example.org/x">ftp://files.example.org/x</a>.' in html


def test_a_heading_may_set_its_own_id():
    html = gfm("## Install {#setup}\n\n## Install\n")
    assert '<h2 id="setup">Install</h2>' in html
    assert '<h2 id="install">Install</h2>' in html


# Ids as Python-Markdown's toc extension made them: links written for earlier versions of the
# engine point at these.
EARLIER_IDS = [
    ("## Héllo World", "hello-world"),
    ("## C++ & Rust", "c-rust"),
    ("## Hello *world* `code`", "hello-world-code"),
    ("## It's 2024!", "its-2024"),
    ("## Note[^1]\n\n[^1]: x", "note"),
    ("## 日本語", "_1"),
]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("text", "expected"), EARLIER_IDS)
def test_heading_ids_are_the_earlier_ones_in_both_dialects(dialect, text, expected):
    for smart in (False, True):
        html = gfm(text, dialect=dialect, smart_punctuation=smart)
        assert re.search(rf'<h2 id="{re.escape(expected)}">', html), html


@pytest.mark.parametrize("dialect", DIALECTS)
def test_repeated_headings_get_numbered_ids_and_the_outline_nests(dialect):
    result = render_markdown(
        "## a\n\n### b\n\n## a\n\n## a_1\n",
        source="x.md",
        settings=RenderSettings(dialect=dialect),
    )
    ids = re.findall(r'<h\d id="([^"]+)"', result.html or "")
    assert ids == ["a", "b", "a_1", "a_2"]
    assert [n["id"] for n in result.toc] == ["a", "a_1", "a_2"]
    assert [c["id"] for c in result.toc[0]["children"]] == ["b"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_toc_marker_becomes_the_contents_except_in_code(dialect):
    settings = RenderSettings(dialect=dialect)
    html = render_markdown(
        "[TOC]\n\n## First\n\n## Second *em*\n\n```\n[TOC]\n```\n", source="x.md", settings=settings
    ).html
    assert '<ul><li><a href="#first">First</a></li>' in html.split('<div class="toc">')[1]
    assert '<a href="#second-em">Second em</a>' in html
    assert html.count('<div class="toc">') == 1
    assert "[TOC]" in unescape(html.split("</div>", 1)[1])  # the one in code stays


@pytest.mark.parametrize(
    "text",
    [
        "- Write:\n\n    ```markdown\n    @@typescript-file[a](b.ts)\n    ```\n",
        "- ```\n  @@typescript-file[a](b.ts)\n  ```\n- next\n",
        "> ```\n> @@typescript-file[a](b.ts)\n> ```\n",
    ],
)
def test_a_directive_shown_in_a_fence_inside_a_list_or_quote_is_left_alone(text):
    """CommonMark's fences in containers (Python-Markdown has none there)."""
    result = render_markdown(text, source="x.md")
    assert result.components == ()
    assert "@@typescript-file[a](b.ts)" in unescape(result.html or "")


def test_directives_after_a_fence_opened_on_a_list_marker_still_work():
    text = (
        "1. ```bash\n   npm install\n   ```\n\nLater:\n\n@@python\n\n    x = 1\n\n"
        "@@typescript-file[app](app.ts)\n"
    )
    result = render_markdown(text, source="x.md", line_offset=2)
    assert [(c.mount_id, c.line) for c in result.components] == [("app", 13)]
    assert '<div class="highlight">' in (result.html or "") and "@@python" not in result.html


def test_an_indented_code_block_showing_a_fence_does_not_hide_later_directives():
    text = "    ```\n\n@@typescript-file[app](app.ts)\n"
    assert [c.mount_id for c in render_markdown(text, source="x.md").components] == ["app"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_windows_line_endings_keep_directives_working(dialect):
    text = "Intro.\r\n\r\n    @@python\r\n\r\n    x = 1\r\n\r\n@@typescript-file[app](app.ts)\r\n"
    result = render_markdown(text, source="x.md", settings=RenderSettings(dialect=dialect))
    assert [(c.mount_id, c.line) for c in result.components] == [("app", 7)]
    assert "@@python" not in (result.html or "") and "\r" not in (result.html or "")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_an_id_set_by_the_author_wins_over_an_earlier_automatic_one(dialect):
    settings = RenderSettings(dialect=dialect)
    html = render_markdown("## Intro\n\n## Summary {#intro}\n", source="x", settings=settings).html
    assert re.findall(r'<h2 id="([^"]+)"', html or "") == ["intro_1", "intro"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_ids_ignore_raw_html_headings_prose_and_scripts(dialect):
    """Only Markdown headings get ids, and only their ids count as taken (as before)."""
    text = (
        "Set the id=main attribute.\n\n<h2>Intro</h2>\n\n"
        '<script>el.innerHTML = "<h2>Results</h2>";</script>\n\n'
        "## Main\n\n## Intro\n\n## Results\n"
    )
    html = render_markdown(text, source="x", settings=RenderSettings(dialect=dialect)).html or ""
    assert re.findall(r'<h2 id="([^"]+)"', html) == ["main", "intro", "results"]
    assert "<h2>Intro</h2>" in html and '"<h2>Results</h2>"' in html


def test_an_own_id_with_dashes_survives_smart_punctuation():
    html = gfm("## Title {#my--id}\n", smart_punctuation=True)
    assert '<h2 id="my--id">Title</h2>' in html


@pytest.mark.parametrize("dialect", DIALECTS)
def test_smart_punctuation_leaves_the_text_of_bare_links_alone(dialect):
    settings = RenderSettings(dialect=dialect)
    text = "See <https://example.com/some--page> and 'quoted'.\n"
    html = render_markdown(text, source="x", settings=settings).html or ""
    assert ">https://example.com/some--page</a>" in html
    assert "\u2018quoted\u2019" in html


def test_a_placeholder_written_by_hand_is_only_text():
    """Directive placeholders are keyed by the document itself: text cannot forge one."""
    result = render_markdown(
        "<!--shinmun-directive-000000000000:0-->\n\n    @@python\n\n    x = 1\n", source="x.md"
    )
    assert (result.html or "").count('<div class="highlight">') == 1
    assert "<!--shinmun-directive-000000000000:0-->" in (result.html or "")


def test_python_markdown_dialect_keeps_its_own_list_rules():
    """Sites moving from Pelican or MkDocs keep what their posts rendered to."""
    text = "We considered:\n- one\n- two\n"
    html = render_markdown(text, source="x.md", settings=RenderSettings("python-markdown")).html
    assert "<ul>" not in html
    assert "<ul>" in gfm(text)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a?b=1&c=2#x",
        "/about/",
        "#fn:1",
        "http://www.Example.COM/Path_(x)",
        "https://[::1]:8080/",
        "a b",
        "https://例え.jp/",
        "https://xn--r8jz45g.jp/",
        "100%",
        "%41%E2%82%AC",
        "https://x.org/~user/!$'()*+,;=",
        "javascript:alert(1)",
        "https://example.com/?search=](uri)",
    ],
)
def test_link_normalisation_shortcut_agrees_with_markdown_it(url):
    from markdown_it import MarkdownIt

    from shinmun_hf.markup.gfm import parser

    stock, ours = MarkdownIt("commonmark"), parser(False)
    assert ours.normalizeLink(url) == stock.normalizeLink(url)
    assert ours.normalizeLinkText(url) == stock.normalizeLinkText(url)
    assert ours.validateLink(url) == stock.validateLink(url)
