"""``serve`` renders the page being edited first, then the full build brings the rest."""

from __future__ import annotations

import shutil

import pytest
from conftest import Project
from waiting import settle

from shinmun_hf.pipeline.builder import Builder, BuildOptions
from shinmun_hf.pipeline.fast_render import render_edited_first


@pytest.fixture
def blog(project: Project) -> tuple[Project, Builder]:
    project.config(title="Blog", site_url="https://x.org", posts_per_page=4)
    for number in range(30):
        project.post(
            f"post-{number:02}",
            title=f"Post {number}",
            date=f"2024-01-{number + 1:02}",
            tags=[f"t{number % 3}"],
            body=f"Summary of post {number}.",
        )
    builder = Builder(project.root, project.out, BuildOptions())
    builder.build()
    return project, builder


def cold(project: Project, tmp_path) -> dict[str, bytes]:
    clone = tmp_path / "cold"
    shutil.copytree(project.root, clone, ignore=shutil.ignore_patterns(".shinmun-cache", "_site"))
    Builder(clone, clone / "_site", BuildOptions()).build()
    return files(clone / "_site")


def files(root) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name != ".shinmun-output"
    }


def test_a_body_edit_renders_its_page_first_and_the_build_the_rest(blog, tmp_path):
    project, builder = blog
    settle()
    project.post(
        "post-10",
        title="Post 10 retitled",  # shown by neighbours and listings, not a change of place
        date="2024-01-11",
        tags=["t1"],
        body="A new summary.\n\nAnd a second paragraph.",
    )
    page = "2024/1/post-10/index.html"
    assert render_edited_first(builder, ["content/posts/post-10.md"]) == [page]
    assert "And a second paragraph." in project.read(page)
    assert "Post 10 retitled" not in project.read("2024/1/post-11/index.html")  # not yet

    result = builder.build()
    assert page not in result.written_files  # already current: no second reload
    assert "2024/1/post-11/index.html" in result.written_files  # its neighbour link
    assert files(project.out) == cold(project, tmp_path)


@pytest.mark.parametrize(
    ("change", "meta"),
    [
        ("date", {"date": "2024-02-01"}),
        ("tags", {"tags": ["t0", "new"]}),
        ("draft", {"draft": True}),
        ("slug", {"slug": "elsewhere"}),
    ],
)
def test_a_change_of_place_is_left_to_the_full_build(blog, tmp_path, change, meta):
    project, builder = blog
    before = files(project.out)
    values = {"title": "Post 10", "date": "2024-01-11", "tags": ["t1"], **meta}
    project.post("post-10", body="Moved.", **values)
    assert render_edited_first(builder, ["content/posts/post-10.md"]) == []
    assert files(project.out) == before
    builder.build()
    assert files(project.out) == cold(project, tmp_path)


def test_what_it_cannot_render_alone_is_left_to_the_full_build(blog):
    project, builder = blog
    before = files(project.out)
    project.write("content/posts/post-10.md", "---\ntitle: [unclosed\n---\nBroken.\n")
    assert render_edited_first(builder, ["content/posts/post-10.md"]) == []
    project.post("brand-new", title="New", date="2024-03-01")
    assert render_edited_first(builder, ["content/posts/brand-new.md"]) == []
    project.post("post-11", title="Post 11", date="2024-01-12", tags=["t2"], body="Edited.")
    layout = project.root / "layouts/post.html"
    layout.write_text(layout.read_text() + "<!-- changed -->\n")
    assert render_edited_first(builder, ["content/posts/post-11.md"]) == []
    assert files(project.out) == before


def test_a_save_that_changes_nothing_on_the_page_writes_nothing(blog):
    project, builder = blog
    page = project.out / "2024/1/post-03/index.html"
    written_at = page.stat().st_mtime_ns
    source = project.root / "content/posts/post-03.md"
    source.write_text(source.read_text() + "\n")  # a trailing blank line: same HTML
    assert render_edited_first(builder, ["content/posts/post-03.md"]) == []
    assert page.stat().st_mtime_ns == written_at


def fast_render_then_undo(project: Project, builder: Builder) -> None:
    """The author saves, serve renders the page first, the author undoes the edit: the file
    is back to the bytes the last full build knew."""
    path = project.root / "content/posts/post-10.md"
    original = path.read_text()
    settle()
    path.write_text(original.replace("Summary of post 10.", "An edit to undo."))
    assert render_edited_first(builder, ["content/posts/post-10.md"])
    path.write_text(original)
    settle()


def test_an_undo_after_the_fast_render_is_rendered_by_the_full_build(blog, tmp_path):
    """The undo lands before the full build: the page must not keep the undone edit."""
    project, builder = blog
    fast_render_then_undo(project, builder)
    builder.build()
    assert "An edit to undo." not in project.read("2024/1/post-10/index.html")
    assert files(project.out) == cold(project, tmp_path)


def test_a_fast_render_not_followed_by_a_build_is_not_trusted_by_the_next_process(blog, tmp_path):
    """serve stopped between the page rendered first and the full build, the edit undone:
    a new process must not take the folder's old manifest for the truth."""
    project, builder = blog
    fast_render_then_undo(project, builder)
    Builder(project.root, project.out, BuildOptions()).build()
    assert files(project.out) == cold(project, tmp_path)
