"""``shinmun new post|page``: the file at the right place, ready to build, never overwriting."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from shinmun_hf.cli import main
from shinmun_hf.commands.new import new_entry

NOW = dt.datetime(2025, 12, 31, 23, 30, 5, tzinfo=dt.UTC)


def front_matter(path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def test_new_post_goes_to_its_year_with_a_transliterated_slug(project):
    path = new_entry(project.root, "post", "Ünïcödé straße", timezone="Europe/Berlin", now=NOW)
    # 23:30 UTC on New Year's Eve is already 2026 in Berlin: the folder follows the local date
    assert path == project.root / "content/posts/2026/unicode-strasse.md"
    meta = front_matter(path)
    assert meta["title"] == "Ünïcödé straße"
    assert meta["date"] == dt.datetime(
        2026, 1, 1, 0, 30, 5, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    assert set(meta) == {"title", "date"}  # no empty category: key to trip over
    assert "draft" not in meta


def test_new_post_and_page_have_a_body_to_start_from(project):
    post = new_entry(project.root, "post", "First", now=NOW)
    new_entry(project.root, "page", "Colophon", now=NOW)
    text = post.read_text(encoding="utf-8")
    assert "# category: Guides" in text and "# tags: [" in text  # shown, commented out
    result = project.build()
    assert result.warnings == []
    built = (project.out / "2025/12/first/index.html").read_text(encoding="utf-8")
    assert "<h2" in built and "<pre" in built  # a heading and a code block to copy
    summary = (project.out / "index.html").read_text(encoding="utf-8")
    assert "The first paragraph is the post\u2019s summary" in summary  # (smart quote)
    assert "<h2" in (project.out / "colophon/index.html").read_text(encoding="utf-8")
    for key in ("category", "tags", "description"):
        text = text.replace(f"# {key}:", f"{key}:")
    post.write_text(text, encoding="utf-8")
    assert project.build().warnings == []  # the commented keys are valid as they stand
    assert (project.out / "categories/guides/index.html").is_file()
    assert (project.out / "tags/python/index.html").is_file()


def test_new_post_builds_at_the_expected_url(project, capsys):
    project.config(title="T", site_url="https://blog.example.org", timezone="Asia/Tokyo")
    assert main(["--project", str(project.root), "new", "post", "Hello: a “quoted” title"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.endswith(".md") and "hello-a-quoted-title" in printed
    result = project.build()
    assert result.warnings == []
    posts = list(project.out.rglob("hello-a-quoted-title/index.html"))
    assert len(posts) == 1
    assert "Hello: a “quoted” title" in posts[0].read_text()


def test_new_page_and_draft_and_explicit_slug(project):
    page = new_entry(project.root, "page", "About me", now=NOW)
    assert page == project.root / "content/pages/about-me.md"
    assert front_matter(page) == {"title": "About me"}
    draft = new_entry(project.root, "post", "Secret", slug="my-slug", draft=True, now=NOW)
    assert draft.name == "my-slug.md"
    assert front_matter(draft)["draft"] is True
    project.build()
    assert (project.out / "about-me" / "index.html").exists()
    assert not list(project.out.rglob("my-slug"))


def test_new_refuses_to_overwrite(project, capsys):
    args = ["--project", str(project.root), "new", "page", "Twice"]
    assert main(args) == 0
    path = project.root / "content/pages/twice.md"
    path.write_text("---\ntitle: Twice\n---\nMy words.\n")
    capsys.readouterr()
    assert main(args) == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "content/pages/twice.md" in error and "already exists" in error and "--slug" in error
    assert path.read_text().endswith("My words.\n")


@pytest.mark.parametrize(
    ("title", "slug", "message"),
    [
        ("!!!", None, "cannot make a file name"),
        ("   ", None, "the title is empty"),
        ("Fine", "no/slashes", "not URL-safe"),
        ("Fine", "spaces here", "not URL-safe"),
    ],
)
def test_bad_titles_and_slugs_are_one_line_errors(project, capsys, title, slug, message):
    args = ["--project", str(project.root), "new", "post", title]
    if slug is not None:
        args += ["--slug", slug]
    assert main(args) == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and message in error
    assert not list((project.root / "content" / "posts").rglob("*.md"))


def test_new_outside_a_blog_says_what_to_do(tmp_path, capsys):
    assert main(["--project", str(tmp_path), "new", "post", "Hello"]) == 1
    error = capsys.readouterr().err.strip()
    assert "is not a blog" in error and "shinmun init" in error
    assert not (tmp_path / "content").exists()


def test_new_reports_a_broken_config_with_its_line(project, capsys):
    project.config("title: T\ntimezone: Mars/Olympus\n")
    assert main(["--project", str(project.root), "new", "post", "Hello"]) == 1
    assert "config.yml:2" in capsys.readouterr().err


def test_shinmun_command_names_still_work(project, tmp_path, capsys):
    """Shinmun's `post`, `page` and `export [DIR]` do what `new` and `build --out` do."""
    root = ["--project", str(project.root)]
    assert main([*root, "post", "From Shinmun", "--draft"]) == 0
    post = project.root / capsys.readouterr().out.strip()
    assert front_matter(post)["title"] == "From Shinmun" and front_matter(post)["draft"] is True
    assert main([*root, "page", "Colophon"]) == 0
    assert (project.root / "content/pages/colophon.md").is_file()
    exported = tmp_path / "exported"
    assert main([*root, "export", str(exported), "--drafts"]) == 0
    assert (exported / "colophon/index.html").is_file()
    assert "From Shinmun" in (exported / "index.html").read_text(encoding="utf-8")
