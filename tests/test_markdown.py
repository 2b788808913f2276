"""Markdown rendering: what both dialects share (Shinmun's @@ directives, highlighting,
footnotes, smart punctuation, links), each test run in each dialect."""

from __future__ import annotations

from html import unescape

import pytest

from shinmun_hf.errors import BuildError
from shinmun_hf.markup import DIALECTS, RenderSettings, render_markdown


@pytest.fixture(params=DIALECTS, autouse=True)
def dialect(request):
    return request.param


@pytest.fixture
def render(dialect):
    def render(text: str, base_path: str = "", **kwargs):
        settings = RenderSettings(dialect=dialect, base_path=base_path)
        return render_markdown(text, source="content/posts/x.md", settings=settings, **kwargs)

    return render


def test_highlight_directive_keeps_blank_lines_and_ends_with_indentation(render):
    result = render("Intro.\n\n    @@python\n\n    a = 1\n\n\n    b = 2\n\nAfter the block.\n")
    html = result.html
    assert '<div class="highlight">' in html
    assert "a" in html and '<span class="mi">2</span>' in html
    code = html.split("<code>")[1].split("</code>")[0]
    assert code.count("\n") == 4  # a = 1, two blank lines, b = 2
    assert "<p>After the block.</p>" in html
    assert '<pre tabindex="0">' in html  # scrollable code is reachable from the keyboard


def test_two_highlight_directives_in_a_row_stay_two_blocks(render):
    html = render("    @@python\n\n    a = 1\n\n    @@ruby\n\n    puts 2\n").html
    blocks = html.split('<div class="highlight">')[1:]
    assert len(blocks) == 2
    assert "@@ruby" not in html
    assert '<span class="n">a</span>' in blocks[0] and "puts" not in blocks[0]
    assert "puts" in blocks[1]


def test_directives_in_fenced_code_are_left_alone(render):
    result = render("```markdown\n    @@python\n\n    x = 1\n    @@typescript-file[a](b.ts)\n```\n")
    assert "@@python" in result.html
    assert "@@typescript-file[a](b.ts)" in result.html
    assert result.components == ()


def test_tilde_fences_too(render):
    result = render("~~~~\n@@typescript-file[a](b.ts)\n~~~~\n")
    assert "@@typescript-file" in result.html
    assert result.components == ()


def test_unknown_language_warns_and_shows_plain_text(render):
    result = render("    @@klingon\n\n    qapla'\n")
    assert "qapla" in result.html
    assert result.warnings and "unknown language 'klingon'" in result.warnings[0]


def test_typescript_file_directive_records_component_with_line(render):
    result = render("Text.\n\n@@typescript-file[demo](public/apps/x.tsx)\n", line_offset=4)
    (ref,) = result.components
    assert (ref.mount_id, ref.path, ref.line, ref.source) == (
        "demo",
        "public/apps/x.tsx",
        7,
        "content/posts/x.md",
    )
    assert '<div id="demo" data-shinmun-component="file:public/apps/x.tsx"></div>' in result.html


def test_inline_typescript_keeps_every_paragraph_and_bare_form_compiles(render):
    result = render("    @@typescript\n\n    const a = 1;\n\n    console.log(a);\n")
    (ref,) = result.components
    assert ref.code == "const a = 1;\n\nconsole.log(a);"
    assert ref.mount_id == ""
    assert "highlight" not in result.html  # compiled, never merely highlighted


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("@@typescript-file[x]()\n", "needs a path"),
        ("@@typescript-file[x](app.js)\n", ".ts or .tsx"),
        ("@@typescript-file(app.ts)\n", "needs an element id"),
        ("@@typescript-file[1bad](app.ts)\n", "invalid element id"),
    ],
)
def test_directive_errors_name_the_line(render, text, message):
    with pytest.raises(BuildError) as caught:
        render("Para.\n\n" + text, line_offset=10)
    assert caught.value.line == 13
    assert message in caught.value.message


def test_python_markdown_features(render):
    result = render(
        '"Quotes" -- and... dashes.\n\n## A heading\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n'
        "Note.[^n]\n\n[^n]: The note.\n\n```python\nx = 1\n```\n"
    )
    html = result.html
    assert "\u201cQuotes\u201d \u2013 and\u2026 dashes." in html
    assert '<h2 id="a-heading">A heading</h2>' in html
    assert "<table>" in html
    assert 'class="footnote"' in html
    assert '<span class="n">x</span>' in html
    assert result.toc[0]["id"] == "a-heading"
    assert result.summary_html.startswith("\u201cQuotes")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            '"Quotes" -- and... dashes---yes.',
            "\u201cQuotes\u201d \u2013 and\u2026 dashes\u2014yes.",
        ),
        (
            "It's the '80s, 'single' and \"double\".",
            "It\u2019s the \u201980s, \u2018single\u2019 and \u201cdouble\u201d.",
        ),
        ('Use `"raw" -- code` here', 'Use <code>"raw" -- code</code> here'),
        (
            '*"emph"* "after" ("paren")',
            "<em>\u201cemph\u201d</em> \u201cafter\u201d (\u201cparen\u201d)",
        ),
        ('He said "[link](/x)" ok', 'He said \u201c<a href="/x">link</a>\u201d ok'),
        ('Escaped \\"quote\\" stays', 'Escaped "quote" stays'),
    ],
)
def test_smart_punctuation(render, source, expected):
    assert unescape(render(source).html.strip()) == unescape(f"<p>{expected}</p>")


def test_root_relative_links_get_base_path(render):
    result = render(
        '[a](/about/) [b](https://x.org/) <img src="/i.png" alt="">\n', base_path="/blog"
    )
    assert 'href="/blog/about/"' in result.html
    assert 'href="https://x.org/"' in result.html
    assert 'src="/blog/i.png"' in result.html


def test_base_path_leaves_markup_shown_as_code_as_written(render):
    source = 'Write `<a href="/about/">` for a link:\n\n    <img src="/i.png">\n'
    result = render(source, base_path="/blog")
    assert '<code><a href="/about/"></code>' in unescape(result.html)
    assert '&lt;img src="/i.png"&gt;' in result.html
    assert "/blog/" not in result.html


def test_plain_text_and_word_count_exclude_code(render):
    result = render("One two three.\n\n```\nnot counted at all\n```\n")
    assert result.word_count == 3
    assert result.text == "One two three."


def test_fence_options_for_highlighted_lines_and_line_numbers_are_honoured(render):
    """``hl_lines`` and ``linenums`` on a fence reach Pygments (the shared formatters are kept
    per set of options, not one per language)."""
    marked = render('```python hl_lines="2"\na = 1\nb = 2\n```\n').html
    lines = marked.split("<code>")[1].split("\n")
    assert '<span class="hll">' not in lines[0]
    assert lines[1].startswith('<span class="hll">')
    numbered = render('```{.python linenums="1"}\na = 1\nb = 2\n```\n').html
    assert 'class="linenos"' in numbered and ">2</span>" in numbered
    plain = render("```python\na = 1\n```\n").html
    assert "hll" not in plain and "linenos" not in plain  # options do not leak between blocks


def test_unknown_fence_language_is_plain_text(render):
    html = render("```nosuchlanguage\n<b>x</b>\n```\n").html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>" not in html


def test_one_code_block_does_not_change_how_a_later_one_is_highlighted(render):
    """Some lexers keep state between texts (Modula-2 switches dialect on a comment): each
    block gets a lexer of its own, so the second block below is highlighted as if alone."""
    later = "```modula2\nMODULE B; VAR x : OCTET; END B.\n```\n"
    alone = render(later).html
    render("```modula2\n(*!m2pim*)\nMODULE A; END A.\n```\n")
    assert render(later).html == alone


def test_same_code_with_other_fence_options_is_highlighted_anew(render):
    """The block cache keys on the options too: the same code marked differently differs."""
    code = "a = 1\nb = 2\n"
    plain = render(f"```python\n{code}```\n").html
    marked = render(f'```python hl_lines="1"\n{code}```\n').html
    other_language = render(f"```ruby\n{code}```\n").html
    assert len({plain, marked, other_language}) == 3
    assert render(f"```python\n{code}```\n").html == plain
