"""Drafts and future posts are absent from every output unless --drafts / --future."""

from __future__ import annotations

import datetime as dt
import json

import feedparser
import pytest

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def blog(project):
    project.post(
        "public-post", title="Visible post", date="2024-05-01", category="News", tags=["shared"]
    )
    project.post(
        "secret-draft",
        title="Draft post",
        date="2024-05-02",
        category="Drafty",
        tags=["shared", "draftonly"],
        draft=True,
    )
    project.post(
        "tomorrow",
        title="Future post",
        date="2024-07-01",
        category="Futury",
        tags=["shared", "futureonly"],
    )
    return project


def everything(project) -> dict[str, str]:
    return {
        str(path.relative_to(project.out)): path.read_text(encoding="utf-8")
        for path in project.out.rglob("*")
        if path.is_file() and path.suffix != ".css"
    }


@pytest.mark.parametrize(
    ("title", "slug", "category", "tag", "month"),
    [
        ("Draft post", "secret-draft", "drafty", "draftonly", None),
        ("Future post", "tomorrow", "futury", "futureonly", "2024/7/"),
    ],
)
def test_hidden_from_every_output(blog, title, slug, category, tag, month):
    blog.build(now=NOW)
    files = everything(blog)
    # its own page, its category, its tag and (future) its month do not exist
    assert not any(slug in name for name in files)
    assert f"categories/{category}/index.html" not in files
    assert f"tags/{tag}/index.html" not in files
    if month:
        assert f"{month}index.html" not in files
    # the shared tag page, index, archives, feeds, sitemap, search index do not mention it
    for name in (
        "index.html",
        "tags/shared/index.html",
        "archives/index.html",
        "2024/5/index.html",
        "sitemap.xml",
        "search-index.json",
        "index.rss",
        "atom.xml",
    ):
        assert title not in files[name], name
        assert slug not in files[name], name
    assert [e.title for e in feedparser.parse(files["index.rss"]).entries] == ["Visible post"]
    assert [e.title for e in feedparser.parse(files["atom.xml"]).entries] == ["Visible post"]
    assert [i["title"] for i in json.loads(files["search-index.json"])] == ["Visible post"]
    # and no other page links to it (navigation, previous/next, related posts)
    assert not any(title in text for text in files.values())


def test_drafts_flag_publishes_drafts_everywhere(blog):
    blog.build(now=NOW, drafts=True)
    files = everything(blog)
    assert "2024/5/secret-draft/index.html" in files
    assert "tags/draftonly/index.html" in files
    assert "Draft post" in files["index.html"]
    assert "Draft post" in files["index.rss"]
    assert "secret-draft" in files["sitemap.xml"]
    assert "Future post" not in files["index.html"]


def test_future_flag_publishes_future_posts(blog):
    blog.build(now=NOW, future=True)
    files = everything(blog)
    assert "2024/7/tomorrow/index.html" in files
    assert "Future post" in files["atom.xml"]
    assert "Draft post" not in files["index.html"]


def test_future_post_appears_once_its_date_has_passed(blog):
    blog.build(now=NOW)
    assert not (blog.out / "2024/7/tomorrow/index.html").exists()
    blog.build(now=dt.datetime(2024, 7, 2, tzinfo=dt.UTC))
    assert (blog.out / "2024/7/tomorrow/index.html").exists()
    assert "Future post" in blog.read("index.html")


def edit_in_place(blog) -> None:
    """Edit the visible post's body, leaving its place in the site as it is."""
    blog.post(
        "public-post",
        title="Visible post",
        date="2024-05-01",
        category="News",
        tags=["shared"],
        body="Edited.",
    )


def test_clock_set_back_hides_a_post_published_by_the_last_build(blog):
    blog.build(now=dt.datetime(2024, 7, 2, tzinfo=dt.UTC))
    assert (blog.out / "2024/7/tomorrow/index.html").exists()
    blog.build(now=NOW)  # nothing edited: the site is not up to date all the same
    assert not (blog.out / "2024/7/tomorrow/index.html").exists()


def test_post_dated_after_a_clock_set_back_is_hidden_again(blog):
    """The previous build's layout of the site holds only from its time on."""
    blog.build(now=dt.datetime(2024, 7, 2, tzinfo=dt.UTC))
    assert (blog.out / "2024/7/tomorrow/index.html").exists()
    edit_in_place(blog)
    blog.build(now=NOW)
    assert not (blog.out / "2024/7/tomorrow/index.html").exists()
    assert "Future post" not in blog.read("index.html")


def test_future_post_still_comes_due_after_an_edit_elsewhere(blog):
    blog.build(now=NOW)
    edit_in_place(blog)
    blog.build(now=NOW)  # laid out as before: the same post is still the next to come due
    blog.build(now=dt.datetime(2024, 7, 2, tzinfo=dt.UTC))
    assert (blog.out / "2024/7/tomorrow/index.html").exists()


def test_time_zone_aware_dates(project):
    project.config(site_url="https://x.org", timezone="Asia/Tokyo")
    # 2024-06-01 08:00 in Tokyo is 2024-05-31 23:00 UTC: already published at NOW
    project.post("tokyo", title="Tokyo", date="2024-06-01 08:00")
    project.post("zulu", title="Later", date="2024-06-01T13:00:00+00:00")
    project.build(now=NOW)
    assert (project.out / "2024/6/tokyo/index.html").exists()
    assert not (project.out / "2024/6/zulu/index.html").exists()
    assert 'datetime="2024-06-01T08:00:00+09:00"' in project.read("2024/6/tokyo/index.html")


def test_tags_spelled_differently_share_one_page_newest_first(project):
    project.post("c", title="Newest", date="2024-03-01", tags=["Python"])
    project.post("b", title="Middle", date="2024-02-01", tags=["PYTHON"])
    project.post("a", title="Oldest", date="2024-01-01", tags=["python", "Python"])
    project.post("d", title="Other", date="2024-02-15", tags=["rust"])
    result = project.build()
    site = result.site
    assert [t.slug for t in site.tags] == ["python", "rust"]
    tag = site.tag_by_slug["python"]
    assert tag.name == "Python"  # as the newest post spells it
    assert tag.count == 3
    assert [p.title for p in tag.items] == ["Newest", "Middle", "Oldest"]  # "Oldest" has both
    page = project.read("tags/python/index.html")
    assert page.index("Newest") < page.index("Middle") < page.index("Oldest")


def test_tags_of_symbols_only_keep_pages_of_their_own(project):
    """Nothing to transliterate in them: spelt by code points, never one shared page."""
    project.post("party", title="Party", date="2024-03-01", tags=["🎉"], category="???")
    project.post("love", title="Love", date="2024-02-01", tags=["❤️"], category="!!!")
    site = project.build().site
    by_name = {t.name: t for t in site.tags}
    assert set(by_name) == {"🎉", "❤️"}
    assert len({t.slug for t in site.tags}) == 2 and len({c.slug for c in site.categories}) == 2
    assert [p.title for p in by_name["🎉"].items] == ["Party"]
    assert "Love" not in project.read(f"tags/{by_name['🎉'].slug}/index.html")
    assert "Party" in project.read(f"tags/{by_name['🎉'].slug}/index.html")


def test_a_long_tag_gets_a_short_unique_slug(project):
    first, second = "word " * 60 + "one", "word " * 60 + "two"
    project.post("a", title="A", date="2024-03-01", tags=[first, second])
    site = project.build().site
    slugs = [t.slug for t in site.tags]
    assert len(set(slugs)) == 2 and all(len(slug) <= 80 for slug in slugs)
    for slug in slugs:
        assert (project.out / "tags" / slug / "index.html").is_file()


def test_values_yaml_reads_as_numbers_keep_their_spelling(project):
    """YAML reads 1.10 as the number 1.1 and 010 as 8: a title and a slug are text."""
    project.write(
        "content/posts/n.md",
        "---\ntitle: 1.10\ndate: 2024-01-01\nslug: 010\ncategory: 2.50\nauthor: 007\n---\nHi\n",
    )
    post = project.build().site.posts[0]
    assert (post.title, post.slug, post.category, post.author) == ("1.10", "010", "2.50", "007")
    assert (project.out / "2024/1/010/index.html").is_file()


def test_hidden_files_and_underscore_folders_are_not_content(project):
    project.post("kept", title="Kept")
    project.write(
        "content/posts/2024/nested.markdown", "---\ntitle: Nested\ndate: 2024-01-01\n---\n"
    )
    project.write("content/posts/_notes/idea.md", "---\ntitle: Idea\ndate: 2024-01-01\n---\n")
    project.write("content/posts/.draft.md", "not even front matter")
    project.write("content/posts/.cache/x.md", "not even front matter")
    project.write("content/posts/_leading.md", "---\ntitle: Leading\ndate: 2024-01-02\n---\n")
    project.write("content/posts/notes.txt", "not Markdown")
    result = project.build()
    assert sorted(d.title for d in result.site.posts) == ["Kept", "Leading", "Nested"]


def test_a_category_of_the_config_with_no_post_is_a_warning_not_an_empty_page(project):
    """A list copied from another blog must not fill the navigation with empty pages."""
    project.config(
        title="Blog",
        site_url="https://blog.example.org",
        categories=["Recipes", "News", "Travel"],
    )
    project.post("hello", category="News")
    project.post("later", category="Travel", draft=True)
    result = project.build()
    assert [c.name for c in result.site.categories] == ["News"]
    assert not (project.out / "categories/recipes").exists()
    assert not (project.out / "categories/travel").exists()
    assert "/categories/recipes/" not in project.read("index.html")
    assert "/categories/news/" in project.read("index.html")
    [warning] = [w for w in result.warnings if "categories" in w]
    assert warning.startswith("config.yml: 'Recipes', 'Travel' in categories have no published")
    assert "Travel" not in str(project.build(drafts=True).warnings)
