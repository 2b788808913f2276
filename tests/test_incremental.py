"""Cached builds: exactly the affected outputs are redone, and the result equals a cold build."""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import Project
from waiting import settle

from shinmun_hf.pipeline.rendering import PARALLEL_THRESHOLD


def snapshot(directory) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != ".shinmun-output"
    }


def cold_build(project: Project, tmp_path, **options: object) -> dict[str, str]:
    """The same sources built from scratch, with no cache and no previous output."""
    clone = tmp_path / "cold"
    shutil.rmtree(clone, ignore_errors=True)
    shutil.copytree(project.root, clone, ignore=shutil.ignore_patterns(".shinmun-cache", "_site"))
    fresh = Project.__new__(Project)
    fresh.root = clone
    fresh.build(**options)
    return snapshot(fresh.out)


@pytest.fixture
def blog(project):
    project.config(
        title="Blog", site_url="https://x.org", posts_per_page=3, categories=["Alpha", "Beta"]
    )
    for number in range(12):
        project.post(
            f"post-{number:02}",
            title=f"Post {number}",
            date=f"2024-0{number % 3 + 1}-{number + 1:02}",
            category="Alpha" if number % 2 else "Beta",
            tags=[f"t{number % 4}", f"t{number % 3}"],
            body=f"Body of post {number}.\n\nSecond paragraph.",
        )
    project.page("about", title="About")
    project.build()
    return project


def test_unchanged_rebuild_does_nothing(blog):
    result = blog.build()
    assert result.written == 0
    assert result.rendered_entries == 0
    assert result.removed == 0


RENDERER = ("jinja2", "markdown", "markdown_it", "pygments", "yaml")


def build_in_a_new_process(project) -> tuple[str, list[str]]:
    """``shinmun build`` in a new interpreter: what it printed, and which of the renderer's
    libraries it imported."""
    script = (
        "import sys\n"
        "from shinmun_hf.cli import main\n"
        f"code = main(['--project', {str(project.root)!r}, 'build'])\n"
        f"print(sorted(name for name in {RENDERER!r} if name in sys.modules))\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    *printed, imported = done.stdout.strip().splitlines()
    return "\n".join(printed), ast.literal_eval(imported)


def test_a_build_with_nothing_to_do_imports_no_renderer(blog):
    """Importing Jinja, Python-Markdown and Pygments was two thirds of such a build; YAML's
    parser is not imported either (the config's parse is kept)."""
    settle()
    blog.build()
    printed, imported = build_in_a_new_process(blog)
    assert "(0 written" in printed
    assert imported == []
    EDITS["post body"](blog)
    printed, imported = build_in_a_new_process(blog)
    assert "1 entry rendered" in printed
    # gfm needs no Python-Markdown; the edited post's front matter is YAML
    assert imported == ["jinja2", "markdown_it", "pygments", "yaml"]
    assert "Edited body." in blog.read("2024/2/post-04/index.html")


def test_a_survey_of_another_build_is_refused(blog, tmp_path):
    from shinmun_hf.incremental.freshness import survey
    from shinmun_hf.pipeline.builder import Builder, BuildOptions

    options = BuildOptions()
    looked = survey(blog.root, blog.out, options)
    with pytest.raises(ValueError, match="another project, output or options"):
        Builder(blog.root, tmp_path / "elsewhere", options).build(looked)
    with pytest.raises(ValueError, match="another project, output or options"):
        Builder(blog.root, blog.out, BuildOptions(drafts=True)).build(looked)
    assert Builder(blog.root, blog.out, options).build(looked).written == 0


EDITS = {
    "post body": lambda p: p.post(
        "post-04",
        title="Post 4",
        date="2024-02-05",
        category="Beta",
        tags=["t0", "t1"],
        body="Edited body.",
    ),
    "post tags and date": lambda p: p.post(
        "post-04",
        title="Post 4",
        date="2024-03-20",
        category="Alpha",
        tags=["t3", "new-tag"],
        body="Moved.",
    ),
    "post updated date": lambda p: p.post(
        "post-04",
        title="Post 4",
        date="2024-02-05",
        category="Beta",
        tags=["t0", "t1"],
        updated="2024-06-01",  # the sitemap's lastmod, and nothing else
        body="Body of post 4.\n\nSecond paragraph.",
    ),
    "post title": lambda p: p.post(
        "post-04",
        title="Post 4 renamed",
        date="2024-02-05",
        category="Beta",
        tags=["t0", "t1"],
        body="Body of post 4.\n\nSecond paragraph.",
    ),
    "tag swapped, page counts unchanged": lambda p: p.post(
        "post-04",
        title="Post 4",
        date="2024-02-05",
        category="Beta",
        tags=["t0", "t2"],  # t1 loses a post, t2 gains one: "N posts" on their pages
        body="Body of post 4.\n\nSecond paragraph.",
    ),
    "new post": lambda p: p.post("post-99", title="Newest", date="2024-04-01", tags=["t1"]),
    # the tag is named after its newest post's spelling: all its pages say "T1" now, though
    # its second page lists the same posts as before
    "tag respelled by its newest post": lambda p: p.post(
        "post-05",
        title="Post 5",
        date="2024-03-06",
        category="Alpha",
        tags=["T1", "t2"],
        body="Body of post 5.\n\nSecond paragraph.",
    ),
    # the newest spelling names the tag: its pages and every post showing it say "T1" now
    "new post renaming a tag": lambda p: p.post(
        "post-99", title="Newest", date="2024-04-01", tags=["T1"]
    ),
    "deleted post": lambda p: (p.root / "content/posts/post-07.md").unlink(),
    "renamed post": lambda p: (p.root / "content/posts/post-02.md").rename(
        p.root / "content/posts/renamed.md"
    ),
    "draft toggled": lambda p: p.post(
        "post-05",
        title="Post 5",
        date="2024-03-06",
        category="Alpha",
        tags=["t1", "t2"],
        draft=True,
    ),
    "base layout": lambda p: p.write(
        "layouts/base.html",
        (p.root / "layouts/base.html").read_text().replace("Skip to content", "Skip ahead"),
    ),
    "included partial": lambda p: p.write(
        "layouts/partials/post_meta.html",
        (p.root / "layouts/partials/post_meta.html").read_text() + "<!-- meta -->\n",
    ),
    "config": lambda p: p.config(
        title="Renamed Blog",
        site_url="https://x.org",
        posts_per_page=4,
        categories=["Beta", "Alpha"],
    ),
    "reading time": lambda p: p.post(
        "post-04",
        title="Post 4",
        date="2024-02-05",
        category="Beta",
        tags=["t0", "t1"],
        body="Body of post 4.\n\n" + "word " * 450,  # three minutes instead of one
    ),
    "public file": lambda p: p.write("public/css/style.css", "body { color: red }\n"),
    "page": lambda p: p.page("about", title="About us", body="New text."),
    "new page": lambda p: p.page("colophon", title="Colophon", body="Made with care."),
    "draft page": lambda p: p.page("about", title="About", draft=True),
    "post body linked from a page": lambda p: p.post(
        "post-11",
        title="Post 11",
        date="2024-03-12",
        category="Alpha",
        tags=["t3", "t2"],
        body="A new first paragraph.\n\nSecond paragraph.",
    ),
}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_warm_build_after_edit_equals_cold_build(blog, tmp_path, edit):
    EDITS[edit](blog)
    blog.build()
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


def test_toggling_drafts_without_editing_a_file_equals_cold_builds(blog, tmp_path):
    """Which documents exist changes with --drafts alone: no file changed, yet pages and posts
    appear and vanish, and neighbours and listings shift."""
    blog.page("secret", title="Secret page", draft=True)
    blog.post("hidden", title="Hidden", date="2024-02-15", tags=["t1"], draft=True)
    blog.build()
    blog.build(drafts=True)
    assert snapshot(blog.out) == cold_build(blog, tmp_path, drafts=True)
    blog.build()
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


def test_series_of_edits_still_equals_cold_build(blog, tmp_path):
    for edit in EDITS.values():
        edit(blog)
        blog.build()
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


def test_body_edit_redoes_only_affected_outputs(blog):
    EDITS["post body"](blog)
    result = blog.build()
    written = set(result.written_files)
    assert result.rendered_entries == 1
    assert "2024/2/post-04/index.html" in written
    assert {"index.rss", "atom.xml", "search-index.json"} <= written
    assert "about/index.html" not in written
    assert "tags/t2/index.html" not in written  # post 4 is not tagged t2
    assert len(written) < len(list(blog.out.rglob("*.html"))) / 2


def test_title_edit_reaches_neighbours_and_related_lists(blog):
    EDITS["post title"](blog)
    blog.build()
    # by date, post 4 (Feb 5) sits between post 1 (Feb 2) and post 7 (Feb 8)
    assert "Post 4 renamed" in blog.read("2024/2/post-01/index.html")
    assert "Post 4 renamed" in blog.read("2024/2/post-07/index.html")
    shown = [f for f in blog.out.rglob("*.html") if "Post 4 renamed" in f.read_text()]
    assert len(shown) >= 5  # its page, neighbours, related lists, listings


def test_body_edit_renders_only_what_shows_the_body(blog):
    """Lists, neighbours and related posts show a post's card, not its body."""
    blog.post(
        "post-04",
        title="Post 4",
        date="2024-02-05",
        category="Beta",
        tags=["t0", "t1"],
        body="Body of post 4.\n\nChanged paragraph.",  # same summary and word count
    )
    rendered = set(blog.build().rendered_files)
    # its page, the feeds (full content) and the search index (its excerpt): nothing else
    assert rendered == {"2024/2/post-04/index.html", "index.rss", "atom.xml", "search-index.json"}


def test_words_added_past_the_excerpt_render_only_the_page_and_feeds(blog):
    """Lists show a post's reading time, not its word count; the search index shows the
    start of its text. Words added at the end change neither."""
    body = "Body of post 4.\n\n" + "Long second paragraph. " * 20
    edit = {"title": "Post 4", "date": "2024-02-05", "category": "Beta", "tags": ["t0", "t1"]}
    blog.post("post-04", **edit, body=body)
    blog.build()
    blog.post("post-04", **edit, body=body + "\n\nA few more words at the end.")
    rendered = set(blog.build().rendered_files)
    assert rendered == {"2024/2/post-04/index.html", "index.rss", "atom.xml"}


def test_reading_time_change_reaches_the_lists_that_show_it(blog, tmp_path):
    EDITS["reading time"](blog)
    result = blog.build()
    # newest first, three a page: post 4's card is on the index's third page and tag t0's first
    assert {"page/3/index.html", "tags/t0/index.html"} <= set(result.written_files)
    assert "3 min read" in blog.read("page/3/index.html")
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


def test_layout_edit_redoes_only_pages_using_it(blog):
    EDITS["included partial"](blog)  # post_meta.html is used by posts and listings, not pages
    written = set(blog.build().written_files)
    assert "2024/2/post-04/index.html" in written
    assert "index.html" in written
    assert "about/index.html" not in written
    assert "archives/index.html" not in written
    assert blog.build().written == 0


def test_one_builder_reused_across_edits_equals_cold_build(blog, tmp_path):
    """``serve`` keeps one Builder and its in-memory state between rebuilds."""
    from shinmun_hf.pipeline.builder import Builder, BuildOptions

    builder = Builder(blog.root, blog.out, BuildOptions())
    builder.build()
    for edit in EDITS.values():
        edit(blog)
        builder.build()
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


def test_a_builder_whose_site_lost_its_last_component_watches_none_of_its_files(project):
    """``serve``'s one Builder: once no page embeds a component, what the component read is
    neither watched nor part of the fingerprint, so an edit there leaves nothing to do."""
    from shinmun_hf.pipeline.builder import Builder, BuildOptions

    project.write("src/word.ts", 'export const word = "one";\n')
    project.write("src/show.ts", 'import { word } from "./word";\ndocument.title = word;\n')
    project.page("demo", title="Demo", body="@@typescript-file[show](src/show.ts)\n")
    builder = Builder(project.root, project.out, BuildOptions())
    builder.build()
    assert {"src/show.ts", "src/word.ts"} <= set(builder.component_inputs)
    project.page("demo", title="Demo", body="No component any more.\n")
    builder.build()
    assert builder.component_inputs == []
    settle()
    project.write("src/word.ts", 'export const word = "two";\n')
    result = builder.build()
    assert (result.written, result.work.manifests_read) == (0, 0)  # nothing to do at all


def test_cache_forgets_entries_no_file_has(tmp_path):
    import sqlite3

    from shinmun_hf.incremental.entry_store import EntryCache

    cache = EntryCache(tmp_path)
    cache.db.executemany(
        "INSERT INTO entries VALUES (?, ?)", [(f"old{i}", b"") for i in range(300)]
    )
    cache.db.executemany("INSERT INTO bodies VALUES (?, ?)", [(f"old{i}", "") for i in range(300)])
    cache.db.execute("INSERT INTO entries VALUES ('current', x'')")
    cache.db.execute("INSERT INTO highlights VALUES ('block1', '<pre>', 'old1')")
    cache.db.execute("INSERT INTO highlights VALUES ('block2', '<pre>', 'current')")
    cache.prune(keep=["current"])
    cache.close()
    db = sqlite3.connect(tmp_path / "entries.sqlite")
    assert [row[0] for row in db.execute("SELECT key FROM entries")] == ["current"]
    assert db.execute("SELECT count(*) FROM bodies").fetchone() == (0,)
    assert [row[0] for row in db.execute("SELECT key FROM highlights")] == ["block2"]


def test_body_edit_loads_only_the_entries_the_rendered_pages_show(project, tmp_path):
    project.config(title="Blog", site_url="https://x.org", posts_per_page=5)
    for number in range(60):
        project.post(
            f"post-{number:02}",
            title=f"Post {number}",
            date=f"2024-01-01 {number // 60:02}:{number % 60:02}",
            tags=[f"t{number % 10}"],
            body=f"Body of post {number}.\n\n{'Words. ' * 60}\n\nThe end.",
        )
    project.build()
    project.post(  # past the search excerpt, so the search index stays as it is
        "post-30",
        title="Post 30",
        date="2024-01-01 00:30",
        tags=["t0"],
        body=f"Body of post 30.\n\n{'Words. ' * 60}\n\nThe end, edited.",
    )
    result = project.build()
    assert result.rendered_files == ["2024/1/post-30/index.html"]
    # The page, its two neighbours and its related posts (at most five): the other 50-odd
    # documents of the site are outlines only.
    assert 1 <= result.loaded_entries <= 8
    assert snapshot(project.out) == cold_build(project, tmp_path)


def test_lost_entry_cache_is_rebuilt_from_the_files(blog, tmp_path):
    (blog.root / ".shinmun-cache" / "entries.sqlite").unlink()
    EDITS["post title"](blog)
    blog.build()
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


def test_edit_after_a_parallel_cold_build_does_not_rank_related_posts_again(project, tmp_path):
    for number in range(40):
        project.post(
            f"post-{number:02}",
            title=f"Post {number}",
            date=f"2024-01-{number % 28 + 1:02} 10:{number:02}",
            tags=[f"t{number % 5}", f"u{number % 7}"],
        )
    project.build(jobs=2)  # rendered by forked workers, which rank the related posts
    project.post(
        "post-17",
        title="Post 17, renamed",  # every list showing it is checked again
        date="2024-01-18 10:17",
        tags=["t2", "u3"],
    )
    result = project.build(jobs=2)
    assert 1 < len(result.rendered_files) < PARALLEL_THRESHOLD  # rendered (and counted) here
    assert result.work.related_indexes == 0, "related posts ranked again, no ranking changed"
    assert snapshot(project.out) == cold_build(project, tmp_path)


def manifest_files(project: Project) -> tuple[Path, Path]:
    (base,) = (project.root / ".shinmun-cache").glob("manifest-*.marshal")
    return base, base.with_suffix(".delta")


@pytest.fixture
def big_blog(project):
    """Large enough for a one-post edit to change a small share of the manifest."""
    for number in range(60):
        project.post(
            f"post-{number:02}",
            title=f"Post {number}",
            date=f"2024-01-{number % 28 + 1:02} 10:{number:02}",
            category="Alpha" if number % 2 else "Beta",
            tags=[f"t{number % 4}", f"t{number % 3}"],
            body=f"Body of post {number}.\n\nSecond paragraph.",
        )
    project.build()
    return project


def edit_body(blog: Project, name: str, body: str) -> None:
    path = blog.root / "content/posts" / f"{name}.md"
    front, _, _ = path.read_text().rpartition("---\n")
    path.write_text(f"{front}---\n{body}\n")


def test_small_rebuild_writes_only_what_changed_in_the_manifest(big_blog, tmp_path):
    blog = big_blog
    base, delta = manifest_files(blog)
    written = base.read_bytes()
    edit_body(blog, "post-04", "Edited body.")
    assert blog.build().written
    assert base.read_bytes() == written and delta.stat().st_size < len(written) / 4
    edit_body(blog, "post-05", "Edited too.")
    blog.build()
    assert base.read_bytes() == written  # the delta still counts from the same full manifest
    assert snapshot(blog.out) == cold_build(blog, tmp_path)
    assert blog.build().written == 0  # base and delta together say the site is up to date


def test_large_change_rewrites_the_whole_manifest(blog, tmp_path):
    base, delta = manifest_files(blog)
    EDITS["post body"](blog)
    blog.build()
    written = base.read_bytes()
    EDITS["config"](blog)  # every output changes
    blog.build()
    assert base.read_bytes() != written and not delta.exists()
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


def test_damaged_manifest_delta_means_a_full_build(big_blog, tmp_path):
    blog = big_blog
    _, delta = manifest_files(blog)
    edit_body(blog, "post-04", "Edited body.")
    blog.build()
    delta.write_bytes(b"\x00garbage")
    edit_body(blog, "post-05", "Edited too.")
    result = blog.build()
    copied = ("css/", "favicon.svg")  # public files: copied, not rendered
    made = {file for file in snapshot(blog.out) if not file.startswith(copied)}
    assert set(result.rendered_files) == made  # nothing trusted: everything made again
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


def test_long_lived_builder_writes_in_full_once_its_base_manifest_is_damaged(big_blog):
    """``serve`` keeps the full manifest it read in memory and writes deltas from it. Once
    the file on disk is no longer that manifest, a delta from it can never be read back: the
    next build must write the manifest in full, or every later build would start cold."""
    from shinmun_hf.pipeline.builder import Builder, BuildOptions

    blog = big_blog
    base, delta = manifest_files(blog)
    builder = Builder(blog.root, blog.out, BuildOptions())
    edit_body(blog, "post-04", "Edited body.")
    builder.build()
    assert delta.exists()  # a delta from the full manifest the builder holds
    base.write_bytes(b"\x00garbage")
    edit_body(blog, "post-05", "Edited too.")
    builder.build()
    assert not delta.exists()
    assert blog.build().rendered_files == []  # what it wrote is trusted by the next build


MOVES = {
    "post into a folder": ("content/posts/post-05.md", "content/posts/2024/post-05.md"),
    "post to .markdown": ("content/posts/post-05.md", "content/posts/post-05.markdown"),
    "page to .markdown": ("content/pages/about.md", "content/pages/about.markdown"),
}


@pytest.mark.parametrize("edit", ["title", "body"])
@pytest.mark.parametrize("move", MOVES)
def test_a_moved_file_is_followed_by_every_output_showing_it(blog, tmp_path, move, edit):
    """A moved file keeps its address, so the outputs showing it look the same; yet they
    must know it by its new name from then on, or a later edit of it would miss them."""
    before, after = (blog.root / path for path in MOVES[move])
    after.parent.mkdir(parents=True, exist_ok=True)
    before.rename(after)
    blog.build()
    assert snapshot(blog.out) == cold_build(blog, tmp_path)
    text = after.read_text()
    if edit == "title":
        after.write_text(text.replace("title: ", "title: Renamed ", 1))
    else:
        after.write_text(text + "\nA new last paragraph.\n")
    blog.build()
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


@pytest.mark.parametrize("builder", ["one builder", "fresh builders"])
@pytest.mark.parametrize("path", ["content/posts/post-05.md", "public/a.txt", "layouts/base.html"])
def test_a_file_written_again_under_the_same_stat_is_read_again(
    blog, tmp_path, monkeypatch, path, builder
):
    """Two saves within one tick of a coarse clock leave a file's stat as it was (git's
    "racily clean" files): a file changed about when a build started is read again by the
    next build, whether content, public or layout. (The tick is simulated: the file's
    change time is held still.)"""
    import shinmun_hf.pipeline.copies
    import shinmun_hf.project.sources
    from shinmun_hf.pipeline.builder import Builder, BuildOptions

    file = blog.root / path
    if not file.exists():
        file.write_text("AAAA\n")
    file.write_text(file.read_text().replace("</body>", "<!--AAAA--></body>") + "<!--AAAA-->")
    tick = time.time_ns() + 50_000_000  # (changed as the build starts: racily clean)
    real = shinmun_hf.project.sources.changed_ns
    inode = file.stat().st_ino

    def held_still(stat):
        return tick if stat.st_ino == inode else real(stat)

    # (every module that calls it)
    for module in (shinmun_hf.project.sources, shinmun_hf.pipeline.copies):
        monkeypatch.setattr(module, "changed_ns", held_still)
    kept = Builder(blog.root, blog.out, BuildOptions())
    kept.build()
    with file.open("r+") as handle:  # same size, same file
        text = handle.read().replace("AAAA", "BBBB")
        handle.seek(0)
        handle.write(text)
    (kept if builder == "one builder" else Builder(blog.root, blog.out, BuildOptions())).build()
    monkeypatch.undo()
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


@pytest.mark.parametrize("builder", ["one builder", "fresh builders"])
@pytest.mark.parametrize("path", ["content/posts/post-05.md", "public/a.txt", "layouts/base.html"])
def test_an_edit_that_sets_the_old_modification_time_back_is_seen(blog, tmp_path, path, builder):
    """``rsync -t``, ``touch -r`` or an editor keeping times can write new bytes of the same
    size under the old modification time; the status-change time still moves."""
    from shinmun_hf.pipeline.builder import Builder, BuildOptions

    file = blog.root / path
    if not file.exists():
        file.write_text("AAAA\n")
    file.write_text(file.read_text().replace("</body>", "<!--AAAA--></body>") + "<!--AAAA-->")
    an_hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(file, ns=(an_hour_ago, an_hour_ago))
    kept = Builder(blog.root, blog.out, BuildOptions())
    kept.build()
    settle()
    file.write_text(file.read_text().replace("AAAA", "BBBB"))  # same size
    os.utime(file, ns=(an_hour_ago, an_hour_ago))  # and the modification time of before
    (kept if builder == "one builder" else Builder(blog.root, blog.out, BuildOptions())).build()
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


def test_a_public_file_may_become_a_folder_and_back(blog, tmp_path):
    """The old file goes before the new folder comes (and the other way round)."""
    blog.write("public/fonts", "one file")
    blog.build()
    (blog.root / "public/fonts").unlink()
    blog.write("public/fonts/a.woff", "a font")
    blog.build()
    assert (blog.out / "fonts/a.woff").read_text() == "a font"
    assert snapshot(blog.out) == cold_build(blog, tmp_path)
    shutil.rmtree(blog.root / "public/fonts")
    blog.write("public/fonts", "a file again")
    blog.build()
    assert (blog.out / "fonts").read_text() == "a file again"
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


def test_a_page_may_give_its_name_to_a_public_file_and_take_it_back(blog, tmp_path):
    page = blog.page("colophon", title="Colophon")
    blog.build()
    text = page.read_bytes()
    page.unlink()
    blog.write("public/colophon", "plain text")
    blog.build()
    assert (blog.out / "colophon").read_text() == "plain text"
    assert snapshot(blog.out) == cold_build(blog, tmp_path)
    (blog.root / "public/colophon").unlink()
    page.write_bytes(text)
    blog.build()
    assert "Colophon" in blog.read("colophon/index.html")
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


def test_a_build_failing_while_it_moves_files_in_is_followed_by_a_whole_build(
    big_blog, tmp_path, monkeypatch
):
    """Moving the new files in can still fail (a disk error): the site is then part old, part
    new, and the next build must not trust what the last good build recorded about it."""
    import shinmun_hf.writer

    blog = big_blog
    edit_body(blog, "post-04", "Edited body.")
    blog.post("post-99", title="A new post", date="2024-02-01 10:00", tags=["t1"])
    replace = os.replace
    moved: list[str] = []

    def failing_replace(source, target):
        if len(moved) == 3:  # once, on the fourth file moved into the site
            moved.append("")
            raise OSError(28, "No space left on device")
        moved.append(str(target))
        replace(source, target)

    monkeypatch.setattr(shinmun_hf.writer.os, "replace", failing_replace)
    with pytest.raises(OSError):
        blog.build()
    monkeypatch.undo()
    assert moved[3] == ""  # it failed with three of the new files in the site
    (blog.root / "content/posts/post-99.md").unlink()  # and back to the sources of before
    edit_body(blog, "post-04", "Body of post 4.\n\nSecond paragraph.")
    result = blog.build()
    assert len(result.rendered_files) == result.outputs - 2  # (copied: stylesheet, favicon)
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


def test_a_build_killed_while_it_moves_files_in_is_followed_by_a_whole_build(big_blog, tmp_path):
    """A kill (or a power cut) runs no clean-up at all: the marker naming a build whose
    manifest was never saved must already be in place when the first file moves in."""
    blog = big_blog
    edit_body(blog, "post-04", "Edited body.")
    script = f"""
import os, signal
from pathlib import Path
import shinmun_hf.writer
from shinmun_hf.pipeline.builder import Builder, BuildOptions
replace, moved = os.replace, []
def killing_replace(source, target):
    if len(moved) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    moved.append(target)
    replace(source, target)
shinmun_hf.writer.os.replace = killing_replace
Builder(Path({str(blog.root)!r}), Path({str(blog.out)!r}), BuildOptions(jobs=1)).build()
"""
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert killed.returncode == -9, killed.stderr
    for staging in blog.out.parent.glob("._site.staging-*"):
        shutil.rmtree(staging)  # (what a kill leaves; the next build of the folder ignores it)
    edit_body(blog, "post-04", "Body of post 4.\n\nSecond paragraph.")  # back as before
    blog.build()
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


def test_moved_page_is_found_again_by_the_next_edit_of_what_it_shows(project, tmp_path):
    """A new slug moves a post's page without changing the site's rankings: the page made at
    the new address must be known to depend on its neighbours, or a later edit of one of
    them would leave it showing the old title. (Enough posts for the dependents index to be
    patched rather than rebuilt.)"""
    blog = project
    for number in range(150):
        blog.post(
            f"post-{number:02}",
            title=f"Post {number}",
            date=f"2024-01-01 {number // 60:02}:{number % 60:02}",
            tags=[f"t{number % 9}"],
        )
    blog.build()
    path = blog.root / "content/posts/post-10.md"
    path.write_text(path.read_text().replace("title: Post 10", "title: Post 10\nslug: moved"))
    assert "2024/1/moved/index.html" in blog.build().rendered_files
    neighbour = blog.read("2024/1/moved/index.html")
    for number in (9, 11):  # its neighbours
        other = blog.root / f"content/posts/post-{number:02}.md"
        other.write_text(other.read_text().replace(f"Post {number}", f"Post {number} renamed"))
    blog.build()
    assert blog.read("2024/1/moved/index.html") != neighbour
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


CODE_POST = "Intro.\n\n```python\ndef f(x):\n    return x * 2\n```\n\n@@ruby\n    puts 1\n\nEnd."


def test_edit_around_unchanged_code_uses_the_highlighted_blocks_of_before(
    project, tmp_path, monkeypatch
):
    monkeypatch.setattr("shinmun_hf.markup.highlight_cache._memory", {})  # a new process
    project.post("code", title="Code", body=CODE_POST)
    first = project.build()
    assert first.work.code_blocks_highlighted == 2  # (the test: the counter counts)
    monkeypatch.setattr("shinmun_hf.markup.highlight_cache._memory", {})  # a new process
    project.post("code", title="Code", body=CODE_POST.replace("End.", "The end."))
    result = project.build()
    assert result.rendered_entries == 1
    assert result.work.code_blocks_highlighted == 0, "a cached code block highlighted again"
    assert result.work.code_blocks_reused == 2
    assert snapshot(project.out) == cold_build(project, tmp_path)


def test_changed_code_is_highlighted_again(project, tmp_path):
    project.post("code", title="Code", body=CODE_POST)
    project.build()
    project.post("code", title="Code", body=CODE_POST.replace("x * 2", "x * 3"))
    project.build()
    assert '<span class="mi">3</span>' in project.read("2024/3/code/index.html")
    assert snapshot(project.out) == cold_build(project, tmp_path)


def test_damaged_highlight_store_means_highlighting_again(project, tmp_path, monkeypatch):
    import sqlite3

    project.post("code", title="Code", body=CODE_POST)
    project.build()
    db = sqlite3.connect(project.root / ".shinmun-cache" / "entries.sqlite")
    db.execute("DROP TABLE highlights")
    db.commit()
    db.close()
    monkeypatch.setattr("shinmun_hf.markup.highlight_cache._memory", {})
    project.post("code", title="Code", body=CODE_POST.replace("End.", "The end."))
    project.build()
    assert snapshot(project.out) == cold_build(project, tmp_path)


def test_build_with_nothing_to_do_reads_only_the_summary(blog):
    settle()
    assert blog.build().work.manifests_read == 1  # (the test: the counter counts)
    result = blog.build()
    assert result.work.manifests_read == 0, "the whole manifest read although nothing changed"
    assert result.written == 0 and result.unchanged == result.outputs > 30


def test_damaged_summary_means_reading_the_manifest(blog, tmp_path):
    base, _ = manifest_files(blog)
    base.with_suffix(".summary").write_bytes(b"\x00garbage")
    assert blog.build().written == 0  # the manifest still says everything is fresh
    EDITS["post title"](blog)
    assert blog.build().written
    assert snapshot(blog.out) == cold_build(blog, tmp_path)


def test_edit_past_the_excerpt_leaves_whole_site_facts_uncomputed(big_blog):
    """The sitemap and the search index list every document: after an edit that changes
    neither a document's address, day, card nor search fields, they are known to be fresh
    without digesting the whole site."""
    edit_body(big_blog, "post-04", "Body of post 4.\n\n" + "Words to search for. " * 40)
    assert big_blog.build().work.facts_computed["search"]  # (the test: the counter counts)
    path = big_blog.root / "content/posts/post-04.md"
    path.write_text(path.read_text() + "\nA last line, past the excerpt.\n")
    result = big_blog.build()
    assert result.rendered_files == ["2024/1/post-04/index.html"]
    computed = result.work.facts_computed
    whole_site = {kind: computed[kind] for kind in ("addresses", "search", "posts", "pages")}
    assert not any(whole_site.values()), whole_site


def test_post_moved_to_another_month_in_the_same_order_reaches_both_months(project, tmp_path):
    project.post("a", title="A", date="2024-03-05 10:00")
    project.post("b", title="B", date="2024-02-20 10:00")
    project.post("c", title="C", date="2024-01-10 10:00")
    project.build()
    settle()
    project.post("b", title="B", date="2024-03-01 10:00")  # still between A and C
    project.build()
    assert ">B<" in project.read("2024/3/index.html")
    assert snapshot(project.out) == cold_build(project, tmp_path)


def test_lost_entry_cache_is_refilled_by_the_next_build(big_blog, monkeypatch):
    settle()
    big_blog.build()
    (big_blog.root / ".shinmun-cache" / "entries.sqlite").unlink()
    edit_body(big_blog, "post-05", "Edited.")
    assert big_blog.build().rendered_entries == 60  # every entry, once, into the cache
    edit_body(big_blog, "post-06", "Edited too.")
    assert big_blog.build().rendered_entries == 1


def test_cache_folder_deleted_under_a_long_lived_builder_leaves_a_usable_manifest(
    big_blog, tmp_path
):
    from shinmun_hf.pipeline.builder import Builder, BuildOptions

    builder = Builder(big_blog.root, big_blog.out, BuildOptions())
    builder.build()
    shutil.rmtree(big_blog.root / ".shinmun-cache")
    edit_body(big_blog, "post-05", "Edited.")
    builder.build()
    edit_body(big_blog, "post-06", "Edited too.")
    result = Builder(big_blog.root, big_blog.out, BuildOptions()).build()
    assert len(result.rendered_files) < result.outputs / 2  # not a full rebuild
    assert snapshot(big_blog.out) == cold_build(big_blog, tmp_path)


def test_body_edit_takes_the_rankings_of_before_without_digesting_every_post(big_blog):
    """Same documents in the same order, and the edited post's category, tags and month as
    they were: the rankings are known unchanged from its old outline alone."""
    settle()
    edit_body(big_blog, "post-04", "Body of post 4, edited.\n\nSecond paragraph.")
    result = big_blog.build()
    assert "2024/1/post-04/index.html" in result.rendered_files
    assert "edited" in big_blog.read("2024/1/post-04/index.html")
    assert result.work.ranking_digests == 0, "rankings digested although none changed"


def test_body_edit_lays_the_site_out_as_before_without_sorting_or_grouping(big_blog):
    """Every file in its place of before: the site is laid out from the recorded shape."""
    settle()
    edit_body(big_blog, "post-04", "Body of post 4, edited.\n\nSecond paragraph.")
    result = big_blog.build()
    assert "2024/1/post-04/index.html" in result.rendered_files
    assert "edited" in big_blog.read("2024/1/post-04/index.html")
    assert result.work.layouts == 0, "site laid out anew although every file kept its place"


def test_delta_leaves_out_the_site_shape_it_did_not_change(big_blog):
    """The shape lists every post: a one-post edit must not write it again."""
    import marshal

    settle()
    edit_body(big_blog, "post-04", "Edited body.")
    big_blog.build()
    _, delta = manifest_files(big_blog)
    scalars = marshal.loads(delta.read_bytes())["scalars"]
    assert "build_id" in scalars
    assert "shape" not in scalars


def test_body_edit_plans_only_the_pages_it_may_change(big_blog):
    """The other 59 posts' pages keep their records without an output being made for them."""
    settle()
    edit_body(big_blog, "post-04", "Body of post 4, edited.\n\nSecond paragraph.")
    result = big_blog.build()
    planned = result.planned_pages
    assert "content/posts/post-04.md" in planned
    assert len(planned) < 10
    assert result.unchanged > 55  # the pages not planned are counted as they are
    assert (big_blog.out / "2024/1/post-05/index.html").exists()


def test_public_file_over_a_post_page_is_refused_by_a_replayed_build(big_blog):
    from shinmun_hf.errors import BuildError

    settle()
    big_blog.write("public/2024/1/post-05/index.html", "<p>static</p>")
    edit_body(big_blog, "post-04", "Body of post 4, edited.\n\nSecond paragraph.")
    with pytest.raises(BuildError, match=r"public/2024/1/post-05/index\.html collides with post"):
        big_blog.build()


def test_new_tag_on_one_post_leaves_the_other_posts_pages_alone(big_blog):
    """Post pages show their tags' names: a tag only one post has renames none of them."""
    settle()
    big_blog.post(
        "post-04",
        title="Post 4",
        date="2024-01-05 10:04",
        category="Beta",
        tags=["t0", "t1", "brand-new"],
        body="Body of post 4.\n\nSecond paragraph.",
    )
    result = big_blog.build()
    pages = [f for f in result.rendered_files if f.startswith("2024/1/post-")]
    assert "2024/1/post-04/index.html" in pages
    assert len(pages) < 10, pages


@pytest.mark.parametrize("also", ["edit", "new post"])
def test_damaged_outline_records_mean_reading_those_files_again(big_blog, tmp_path, also):
    """An outline the manifest cannot give back (here: a time zone gone from the system)
    is replaced by its entry, read from the file, whether the site is replayed (an edit in
    place: only the outlines read are decoded) or laid out anew (a new post: all of them)."""
    import marshal

    base, delta = manifest_files(big_blog)
    assert not delta.exists()
    plain = marshal.loads(base.read_bytes())
    for key, fields in plain["outlines"].items():
        date = fields[3]
        plain["outlines"][key] = (*fields[:3], (*date[:8], "Nowhere/Zone"), *fields[4:])
    base.write_bytes(marshal.dumps(plain))
    settle()
    if also == "edit":
        edit_body(big_blog, "post-04", "Body of post 4, edited.\n\nSecond paragraph.")
    else:
        big_blog.post("post-99", title="Newest", date="2024-03-01", tags=["t1"])
    big_blog.build()
    assert snapshot(big_blog.out) == cold_build(big_blog, tmp_path)


def test_body_edit_decodes_only_the_outlines_it_reads(project):
    """The pages an edit past the excerpt reaches show a few dozen of the 120 posts: only
    their outlines are decoded from the manifest."""
    for number in range(120):
        project.post(
            f"post-{number:03}",
            title=f"Post {number}",
            date=f"2023-{number % 12 + 1:02}-{number % 28 + 1:02}",
            tags=[f"t{number % 8}"],
            body=f"Body of post {number}. " + "Many words. " * 200,
        )
    project.build()
    settle()
    path = project.root / "content/posts/post-004.md"
    path.write_text(path.read_text() + "\nA last line, past the excerpt.\n")
    result = project.build()
    assert "2023/5/post-004/index.html" in result.rendered_files
    assert 0 < result.work.outlines_decoded < 40, result.work
