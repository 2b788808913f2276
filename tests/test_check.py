"""``shinmun check``: broken internal links and missing anchors, reported at their source line."""

from __future__ import annotations

import sys

import pytest
from conftest import REPO
from test_example_blog import copy_example

from shinmun_hf.cli import main
from shinmun_hf.pipeline.builder import BuildOptions
from shinmun_hf.render.linkcheck import scan_html

POST = """\
Intro with [a fine link](/about/) and [a fine anchor](#second).

## Second

See [the missing page](/no-such-page/) and [a bad anchor](/about/#team).
Also [a local typo](#secnd), ![an image](/img/missing.png) and [outside](https://example.com/x).

[ref]: /about/#nowhere
A [reference link][ref] and a [relative one](../../../about/).
"""


def line_of(path, text: str) -> int:
    """The 1-based line of ``path`` holding ``text``."""
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.fixture
def blog(project):
    """A test project with the theme's search page (the theme links to it from every page)."""
    project.page("search", title="Search", layout="search.html")
    project.write("public/js/search.js", (REPO / "public/js/search.js").read_text())
    return project


def run_check(root, *extra: str) -> tuple[int, list[str], str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--project", str(root), "check", "--out", str(root / "_site"), *extra])
    return code, out.getvalue().splitlines(), err.getvalue()


@pytest.mark.parametrize("base_path", ["", "/blog"])
def test_the_example_blog_has_no_broken_links(tmp_path, base_path):
    root = copy_example(tmp_path, base_path)
    code, lines, err = run_check(root)
    assert code == 0, lines
    assert lines[-1].startswith("no broken links: checked ")
    assert "warning" not in err
    # the demo page's widget was type-checked, and check says so
    assert any(line.startswith("type check of the components: no errors in ") for line in lines), (
        lines
    )


@pytest.fixture
def broken(blog):
    project = blog
    project.config(
        title="T",
        site_url="https://blog.example.org",
        nav=[{"title": "About", "url": "about/"}, {"title": "Typo", "url": "abuot/"}],
    )
    project.page("about", title="About", body="## Contact\n\nWrite to me.")
    project.post("2024/linked", title="Linked", body=POST)
    project.post(
        "2024/other", title="Other", date="2024-01-01", body="[Back](/2024/3/linked/#intro)"
    )
    return project


def test_each_problem_names_the_file_and_line(broken):
    code, lines, err = run_check(broken.root)
    assert code == 1
    expected = {
        "content/posts/2024/linked.md:9: broken link /no-such-page/",
        "content/posts/2024/linked.md:9: missing anchor #team: /about/ has no element",
        "content/posts/2024/linked.md:10: missing anchor #secnd: this page has no element with "
        "that id; did you mean #second?",
        "content/posts/2024/linked.md:10: broken link /img/missing.png",
        "content/posts/2024/linked.md:12: missing anchor #nowhere",
        "content/posts/2024/other.md:5: missing anchor #intro: /2024/3/linked/ has no element "
        "with that id",
        "config.yml:",
    }
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    nav = next(line for line in lines if line.startswith("config.yml:"))
    assert "broken link /abuot/" in nav and "did you mean /about/?" in nav and "other pages" in nav
    assert len(lines) == len(expected), lines  # the nav link once, not once per page
    assert "example.com" not in "\n".join(lines)  # other sites are not checked
    assert "7 problems in 3 files" in err
    # the summary on the index resolves the post's in-page link against the post
    assert not any("(on /)" in line for line in lines)


def test_a_broken_link_in_a_layout_points_at_the_layout_line(blog):
    project = blog
    base = (project.root / "layouts" / "base.html").read_text()
    base = base.replace("</footer>", "<a href=\"{{ url('contact/') }}\">Contact</a>\n</footer>", 1)
    (project.root / "layouts" / "base.html").write_text(base)
    project.post("p", title="P")
    code, lines, _ = run_check(project.root)
    assert code == 1
    line_number = base.splitlines().index("<a href=\"{{ url('contact/') }}\">Contact</a>") + 1
    (problem,) = lines
    assert problem.startswith(f"layouts/base.html:{line_number}: broken link /contact/")


def test_base_path_is_honoured_and_links_outside_it_are_reported(blog):
    project = blog
    project.config(title="T", site_url="https://blog.example.org", base_path="/blog")
    project.page("about", title="About")
    project.post(
        "p",
        title="P",
        body='Fine: [about](/about/).\n\n<a href="https://blog.example.org/elsewhere/">raw</a>\n',
    )
    code, lines, _ = run_check(project.root)
    assert code == 1
    (problem,) = lines
    assert problem.startswith("content/posts/p.md:7: link https://blog.example.org/elsewhere/")
    assert "outside the site's base_path /blog" in problem


@pytest.mark.parametrize(
    "url", ["https://BLOG.example.org/missing/", "https://blog.example.org:443/missing/"]
)
def test_an_absolute_link_to_this_site_is_checked_however_its_host_is_spelt(blog, url):
    blog.config(title="T", site_url="https://blog.example.org")
    blog.post("p", title="P", body=f'<a href="{url}">raw</a>\n')
    code, lines, _ = run_check(blog.root)
    assert code == 1
    (problem,) = lines
    assert problem.startswith(f"content/posts/p.md:5: broken link {url}")


def test_a_relative_link_in_a_summary_works_on_the_listings_too(blog):
    """A relative link in a post's first paragraph is resolved against the post where the
    index and the category page show it as a summary: check finds nothing broken."""
    project = blog
    project.post("q", title="Q", date="2024-03-01")
    project.post("p", title="P", body="See [my other post](../q/) first.", category="C")
    code, lines, _ = run_check(project.root)
    assert code == 0
    assert len(lines) == 1 and lines[0].startswith("no broken links")


def test_html_files_from_public_are_checked_in_place(blog):
    blog.post("p", title="P")
    blog.write("public/demo/index.html", '<!doctype html>\n<p>\n<a href="/nowhere/">x</a></p>\n')
    code, lines, _ = run_check(blog.root)
    assert code == 1
    assert lines == [
        "public/demo/index.html:3: broken link /nowhere/: no such page or file in the built site"
    ]


def test_scan_html_finds_ids_and_every_kind_of_link():
    found = scan_html(
        '<h2 id="a">A</h2><a name="old"></a><a href="/x/#y">x</a>'
        '<img src="/i.png" srcset="/i-2x.png 2x, /i-3x.png 3x"><link rel="stylesheet" '
        'href="/s.css"><link rel="preconnect" href="https://cdn"><script src="/j.js"></script>'
        '<meta property="og:url" content="https://h/p/"><form action="/search/"></form>'
    )
    assert found.ids == {"a", "old"}
    assert [link.url for link in found.links] == [
        "/x/#y",
        "/i.png",
        "/i-2x.png",
        "/i-3x.png",
        "/s.css",
        "/j.js",
        "https://h/p/",
        "/search/",
    ]


def test_component_type_errors_are_problems_too(blog, monkeypatch):
    """``shinmun check`` hands every embedded component to the TypeScript package's
    ``typecheck(project_root, refs)`` and reports its BuildError as a problem line."""
    import types

    from shinmun_hf.commands.check import _site_of, type_problems
    from shinmun_hf.errors import BuildError

    blog.write("public/apps/w.ts", "export const x: number = 'no';\n")
    blog.page("widget", title="Widget", body="Here:\n\n@@typescript-file[w](public/apps/w.ts)\n")
    seen = []

    def typecheck(project_root, refs):
        seen.append((project_root, [(r.path, r.source, r.line) for r in refs]))
        raise BuildError(
            "Type 'string' is not assignable to type 'number'.", file="public/apps/w.ts", line=1
        )

    fake = types.ModuleType("shinmun_hf.typescript")
    fake.typecheck = typecheck
    monkeypatch.setitem(sys.modules, "shinmun_hf.typescript", fake)
    site = _site_of(types.SimpleNamespace(), blog.root, BuildOptions())
    problems, report = type_problems(blog.root, site)
    assert "failed" in report
    line = line_of(blog.root / "content/pages/widget.md", "@@typescript-file")
    assert seen == [(blog.root, [("public/apps/w.ts", "content/pages/widget.md", line)])]
    assert [str(p) for p in problems] == [
        "public/apps/w.ts:1: Type 'string' is not assignable to type 'number'."
    ]


def test_a_broken_link_shown_on_listings_is_reported_at_its_post(blog):
    """Not at the first file that happens to hold the same text, nor at _site/page/N/: each
    post's own line, once, though its summary shows the link on listing pages too."""
    project = blog
    project.config(title="T", site_url="https://blog.example.org", posts_per_page=1)
    project.post("a-first", title="A", date="2024-03-01", body="Intro.\n\nLater [see](/gone/).")
    project.post("b-second", title="B", date="2024-03-02", body="Read [this](/gone/) first.")
    for number in range(3):
        project.post(f"newer-{number}", title=f"N{number}", date=f"2024-04-0{number + 1}")
    code, lines, _ = run_check(project.root)
    assert code == 1
    first = line_of(project.root / "content/posts/a-first.md", "Later [see]")
    second = line_of(project.root / "content/posts/b-second.md", "Read [this]")
    assert sorted(lines) == [
        f"content/posts/a-first.md:{first}: broken link /gone/: no such page or file in the "
        "built site",
        f"content/posts/b-second.md:{second}: broken link /gone/: no such page or file in the "
        "built site",
    ]


def test_a_link_is_not_traced_to_a_front_matter_word(blog):
    """'/jane' is not written at 'author: jane': the link comes from the layout's nav."""
    project = blog
    project.config(
        title="T", site_url="https://blog.example.org", nav=[{"title": "Jane", "url": "/jane"}]
    )
    project.post("p", title="P", author="jane")
    code, lines, _ = run_check(project.root)
    assert code == 1
    assert lines and all(x.startswith("config.yml:") for x in lines), lines
    assert not any("content/posts/p.md" in x for x in lines)


@pytest.mark.parametrize(
    ("link", "suggestion"),
    [
        ("/2024/3/helo/", "did you mean /2024/3/hello/?"),
        ("/2024/3/some-post/", None),  # another post of the month is no slip of the keyboard
        ("/2024/3/hello/#instalation", "did you mean #installation?"),
        ("/2024/3/hello/#usage", None),
    ],
)
def test_did_you_mean_only_when_the_suggestion_is_close(blog, link, suggestion):
    project = blog
    project.post("hello", title="Hello", body="## Installation\n\n## Uses of it\n")
    project.post("other-post", title="Other")
    project.post("p", title="P", date="2024-01-01", body=f"[x]({link})")
    code, lines, _ = run_check(project.root)
    assert code == 1
    (problem,) = lines
    assert problem.startswith("content/posts/p.md:")
    if suggestion:
        assert problem.endswith(suggestion)
    else:
        assert "did you mean" not in problem
