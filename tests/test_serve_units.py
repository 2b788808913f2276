"""The dev server's pure parts: path resolution, content types, injection, the overlay page and
which open pages a build affects."""

from __future__ import annotations

from pathlib import Path

import pytest

from shinmun_hf.pipeline.builder import BuildResult
from shinmun_hf.serve.changes import Change, classify
from shinmun_hf.serve.livereload import inject, script_tag
from shinmun_hf.serve.media import media_type
from shinmun_hf.serve.overlay import overlay_page
from shinmun_hf.serve.paths import Found, Missing, Redirect, Rejected, resolve
from shinmun_hf.serve.state import HISTORY_LIMIT, Failure, State


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "out"
    (root / "2024" / "3" / "hello").mkdir(parents=True)
    (root / "2024" / "3" / "hello" / "index.html").write_text("post")
    (root / "index.html").write_text("home")
    (root / "index.rss").write_text("feed")
    (root / "empty").mkdir()
    (root / ".shinmun-output").write_text("id")
    (tmp_path / "secret.txt").write_text("SECRET")
    return root


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "index.html"),
        ("/index.rss", "index.rss"),
        ("/2024/3/hello/", "2024/3/hello/index.html"),
        ("/2024/3/hello/index.html", "2024/3/hello/index.html"),
    ],
)
def test_files_and_directory_indexes(site, path, expected):
    target = resolve(site, path.encode(), "")
    assert isinstance(target, Found)
    assert target.file == expected
    assert target.path == site / expected


def test_directory_without_slash_redirects_keeping_the_query(site):
    assert resolve(site, b"/2024/3/hello", "", b"a=1") == Redirect("/2024/3/hello/?a=1")


@pytest.mark.parametrize(
    "path", ["/nope", "/empty/", "/index.rss/", "/.shinmun-output", "//etc/passwd", "/2024//3/"]
)
def test_missing(site, path):
    assert resolve(site, path.encode(), "") == Missing()


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/2024/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/2024%2f..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/./index.html",
        "/%00",
        "/%ff",
        "relative",
    ],
)
def test_traversal_is_rejected(site, path):
    assert resolve(site, path.encode(), "") == Rejected()


def test_symlinks_leaving_the_site_are_missing(site):
    (site / "leak.txt").symlink_to(site.parent / "secret.txt")
    (site / "leakdir").symlink_to(site.parent, target_is_directory=True)
    assert resolve(site, b"/leak.txt", "") == Missing()
    assert resolve(site, b"/leakdir/secret.txt", "") == Missing()


def test_base_path(site):
    assert resolve(site, b"/", "/blog") == Redirect("/blog/")
    assert resolve(site, b"/blog", "/blog") == Redirect("/blog/")
    assert resolve(site, b"/index.rss", "/blog") == Missing()
    assert resolve(site, b"/blogx/", "/blog") == Missing()
    found = resolve(site, b"/blog/2024/3/hello/", "/blog")
    assert isinstance(found, Found) and found.file == "2024/3/hello/index.html"
    assert resolve(site, b"/blog/../secret.txt", "/blog") == Rejected()


def test_base_path_written_with_percent_escapes(site):
    """config.yml writes characters a path cannot hold as %XX: requests match them decoded."""
    assert resolve(site, b"/", "/my%20blog") == Redirect("/my%20blog/")
    assert resolve(site, b"/my%20blog", "/my%20blog") == Redirect("/my%20blog/")
    found = resolve(site, b"/my%20blog/2024/3/hello/", "/my%20blog")
    assert isinstance(found, Found) and found.file == "2024/3/hello/index.html"
    assert resolve(site, b"/my%2520blog/2024/3/hello/", "/my%20blog") == Missing()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("app.mjs", "text/javascript; charset=utf-8"),
        ("app.js.map", "application/json; charset=utf-8"),
        ("index.rss", "application/rss+xml; charset=utf-8"),
        ("atom.xml", "application/xml; charset=utf-8"),
        ("sitemap.xml", "application/xml; charset=utf-8"),
        ("search-index.json", "application/json; charset=utf-8"),
        ("logo.svg", "image/svg+xml; charset=utf-8"),
        ("style.css", "text/css; charset=utf-8"),
        ("photo.PNG", "image/png"),
        ("font.woff2", "font/woff2"),
        ("README", "application/octet-stream"),
        ("dir.v1/README", "application/octet-stream"),
    ],
)
def test_media_types(name, expected):
    assert media_type(name) == expected


def test_injection_goes_into_the_head_or_the_end():
    tag = script_tag("v1", "index.html", "page")
    assert inject(b"<html><head><title>x</title></HEAD><body></body>", tag) == (
        b"<html><head><title>x</title>" + tag.encode() + b"</HEAD><body></body>"
    )
    assert inject(b"<p>a</p></body></html>", tag) == b"<p>a</p>" + tag.encode() + b"</body></html>"
    assert inject(b"<p>fragment</p>", tag) == b"<p>fragment</p>" + tag.encode()


def test_script_tag_escapes_its_data():
    tag = script_tag('v"1', "a<b>.html", "page")
    assert 'data-version="v&quot;1"' in tag and 'data-file="a&lt;b&gt;.html"' in tag


def test_overlay_escapes_everything_and_shows_the_source(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "bad.md").write_text("---\ntitle: <script>alert(1)</script>\n---\n")
    failure = Failure(
        "bad </script><script>alert(2)</script>",
        file="content/bad.md",
        line=2,
        hint="<img src=x onerror=alert(3)>",
    )
    page = overlay_page(failure, tmp_path, "<script src=/__shinmun/livereload.js></script>")
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(2)" in page
    assert "content/bad.md:2" in page
    assert "&lt;img src=x onerror=alert(3)&gt;" in page
    assert 'class="line bad">   2 | title: &lt;script&gt;alert(1)&lt;/script&gt;' in page


def test_several_content_errors_are_each_shown_with_their_own_place(tmp_path):
    """The terminal lists them as the build does; the overlay shows the first one's lines."""
    from shinmun_hf.errors import BuildError, ContentErrors

    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("---\ndate: 2024-01-01\n---\n")
    errors = [
        BuildError("missing title", file="content/a.md", line=1, hint="add 'title: ...'"),
        BuildError("cannot read the date", file="content/b.md", line=3),
    ]
    failure = Failure.from_exception(ContentErrors(errors))
    assert str(failure).splitlines() == [
        "2 content files have errors:",
        "  content/a.md:1: missing title (add 'title: ...')",
        "  content/b.md:3: cannot read the date",
    ]
    page = overlay_page(failure, tmp_path, "")
    assert "content/b.md:3: cannot read the date" in page
    assert 'class="line bad">   1 | ---' in page


def test_overlay_never_reads_files_outside_the_project(tmp_path):
    project = tmp_path / "blog"
    project.mkdir()
    (tmp_path / "secret.txt").write_text("SECRET")
    page = overlay_page(Failure("x", file="../secret.txt", line=1), project, "")
    assert "SECRET" not in page


def result(written: list[str], removed: int = 0) -> BuildResult:
    return BuildResult(Path("."), written_files=written, written=len(written), removed=removed)


def test_change_classification():
    assert classify(result([])) is None
    css = classify(result(["css/style.css"]))
    assert css is not None and not css.everything and css.files == ("css/style.css",)
    post = classify(result(["2024/3/x/index.html", "index.rss", "search-index.json"]))
    assert post is not None and not post.everything
    assert post.files == ("2024/3/x/index.html", "index.rss", "search-index.json")
    assert classify(result(["js/search.js"])).everything  # type: ignore[union-attr]
    assert classify(result(["img/logo.png"])).everything  # type: ignore[union-attr]
    assert classify(result([], removed=1)).everything  # type: ignore[union-attr]


def test_a_late_page_learns_what_changed_since_its_version():
    post, other = "2024/3/hello/index.html", "2024/3/other/index.html"
    state = State.initial("a.0")
    assert state.missed_since("a.0") == Change((), everything=False)
    state = state.advanced("a.1", Change((post,), everything=False), base_path="")
    state = state.advanced("a.2", Change((other, post), everything=False), base_path="")
    assert state.missed_since("a.2") == Change((), everything=False)
    assert state.missed_since("a.1") == Change((other, post), everything=False)
    assert state.missed_since("a.0") == Change((post, other), everything=False)
    state = state.advanced("a.3", Change((), everything=True), base_path="")
    assert state.missed_since("a.1").everything
    assert state.missed_since("b.7").everything  # another server instance: anything may differ
    assert state.missed_since("").everything


def test_the_history_forgets_old_versions():
    state = State.initial("a.0")
    for number in range(1, HISTORY_LIMIT + 5):
        state = state.advanced(f"a.{number}", Change(("x.html",), everything=False), base_path="")
    assert len(state.history) == HISTORY_LIMIT
    assert state.missed_since("a.0").everything  # forgotten: assume the worst
    assert state.missed_since(f"a.{HISTORY_LIMIT}").files == ("x.html",)
