"""``/tags/`` and ``/categories/``: made from the theme's layouts, never in a project's way."""

from __future__ import annotations


def test_the_indexes_list_every_tag_and_category_with_links(project):
    project.post("a", title="A", category="Notes", tags=["python", "web"])
    project.post("b", title="B", category="Notes", tags=["python"])
    project.build()
    tags = (project.out / "tags/index.html").read_text()
    assert '<a href="/tags/python/" rel="tag">python</a> <span class="count">2 posts' in tags
    assert '<a href="/tags/web/" rel="tag">web</a> <span class="count">1 post<' in tags
    categories = (project.out / "categories/index.html").read_text()
    assert '<a href="/categories/notes/">Notes</a>' in categories


def test_a_theme_without_the_layouts_builds_without_them(project):
    project.post("a", title="A", tags=["python"])
    for name in ("tags.html", "categories.html"):
        (project.root / "layouts" / name).unlink()
    result = project.build()
    assert result.warnings == []
    assert not (project.out / "tags/index.html").exists()
    assert (project.out / "tags/python/index.html").exists()


def test_a_page_or_public_file_of_the_project_wins(project):
    project.post("a", title="A", tags=["python"])
    project.page("tags", title="My own tags page")
    project.write("public/categories/index.html", "<p>mine</p>")
    project.build()
    assert "My own tags page" in (project.out / "tags/index.html").read_text()
    assert (project.out / "categories/index.html").read_text() == "<p>mine</p>"


def test_a_new_tag_reaches_the_index_in_an_incremental_build(project):
    project.post("a", title="A", tags=["python"])
    project.build()
    project.post("b", title="B", tags=["rust"], date="2024-04-01 10:00")
    result = project.build()
    assert "tags/index.html" in result.written_files
    assert ">rust</a>" in (project.out / "tags/index.html").read_text()
    project.post("c", title="C", body="No tags.", date="2024-05-01 10:00")
    assert "tags/index.html" not in project.build().rendered_files  # same tags: not rendered
