"""Post folders: content/posts/my-post/index.md takes its slug from the folder, and the files
beside it are published next to the page, so relative links (![](figure.png)) work."""

from __future__ import annotations

import struct
import zlib

import pytest
from waiting import settle


def png(width: int, height: int) -> bytes:
    """A grey PNG of the given size (the browser test reads its size back)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def post_folder(project, name: str = "my-post", **front: str) -> None:
    meta = "".join(f"{key}: {value}\n" for key, value in front.items())
    project.write(
        f"content/posts/{name}/index.md",
        f"---\ntitle: Figures\ndate: 2024-03-05\n{meta}---\n"
        "![A figure](figure.png)\n\n[The data](data/table.csv)\n",
    )
    project.write(f"content/posts/{name}/figure.png", png(7, 5))
    project.write(f"content/posts/{name}/data/table.csv", "a,b\n1,2\n")
    project.write(f"content/posts/{name}/widget.tsx", "export default 1;\n")
    project.write(f"content/posts/{name}/.notes.txt", "private\n")


def test_a_post_folder_takes_its_slug_from_the_folder_and_publishes_its_files(project):
    post_folder(project)
    [post] = project.build().site.posts
    assert post.slug == "my-post"
    assert post.site_path == "2024/3/my-post/"
    folder = project.out / "2024/3/my-post"
    assert (folder / "figure.png").read_bytes() == png(7, 5)
    assert (folder / "data/table.csv").read_text() == "a,b\n1,2\n"
    assert not (folder / "widget.tsx").exists()  # sources are never published
    assert not (folder / ".notes.txt").exists()  # nor hidden files
    assert not (project.out / "2024/3/index").exists()


def test_a_file_in_no_post_folder_is_not_published_and_the_build_says_so(project):
    project.post("2024/flat", body="![A figure](figure.png)")
    project.write("content/posts/2024/figure.png", png(3, 3))
    project.write("content/posts/2024/notes.txt", "todo\n")
    result = project.build()
    assert not list(project.out.rglob("figure.png"))
    assert (
        "content/posts/2024/figure.png and 1 other files in content/ are not published"
        in "\n".join(result.warnings)
    )


def test_a_page_folder_is_published_at_the_folder_with_its_files(project):
    project.write("content/pages/about/index.md", "---\ntitle: About\n---\n![me](me.png)\n")
    project.write("content/pages/about/me.png", png(2, 2))
    [page] = project.build().site.pages
    assert page.site_path == "about/"
    assert (project.out / "about/me.png").read_bytes() == png(2, 2)


def test_the_files_of_a_draft_are_not_published(project):
    post_folder(project, draft="true")
    project.build()
    assert not list(project.out.rglob("figure.png"))
    project.build(drafts=True)
    assert (project.out / "2024/3/my-post/figure.png").exists()


def test_a_changed_added_or_removed_file_of_a_post_folder_is_seen_by_the_next_build(project):
    post_folder(project)
    settle()
    project.build()
    folder = project.out / "2024/3/my-post"
    project.write("content/posts/my-post/figure.png", png(9, 9))
    project.write("content/posts/my-post/extra.txt", "more\n")
    (project.root / "content/posts/my-post/data/table.csv").unlink()
    result = project.build()
    assert (folder / "figure.png").read_bytes() == png(9, 9)
    assert (folder / "extra.txt").read_text() == "more\n"
    assert not (folder / "data").exists()
    assert "2024/3/my-post/data/table.csv" in result.removed_files
    (project.root / "content/posts/my-post/index.md").unlink()
    project.build()
    assert not folder.exists()


def test_a_file_beside_a_post_that_collides_with_public_is_named(project):
    post_folder(project)
    project.write("public/2024/3/my-post/figure.png", b"other")
    from shinmun_hf.errors import BuildError

    with pytest.raises(BuildError, match=r"content/posts/my-post/figure\.png would be published"):
        project.build()


@pytest.mark.browser
def test_the_relative_image_of_a_post_folder_loads_in_the_browser(project, page, serve_directory):
    post_folder(project)
    project.build()
    page.goto(serve_directory(project.out) + "/2024/3/my-post/")
    image = page.locator("article img, main img").first
    image.wait_for()
    page.wait_for_function("img => img.complete", arg=image.element_handle())
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [7, 5]
    with page.expect_response(lambda r: r.url.endswith("table.csv")) as response:
        page.get_by_role("link", name="The data").click()
    assert response.value.status == 200
