"""After any series of edits, ``serve`` serves exactly what a fresh ``shinmun build`` produces."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import httpx
import pytest
from conftest import Project
from serve_support import edit, running, snapshot

from shinmun_hf.cli import main
from shinmun_hf.serve.livereload import CLIENT_PATH


def fresh_build(project: Project, tmp_path: Path) -> Path:
    """``shinmun build`` of a copy of the sources: no cache, no previous output."""
    clone = tmp_path / "fresh"
    shutil.rmtree(clone, ignore_errors=True)
    shutil.copytree(project.root, clone, ignore=shutil.ignore_patterns(".shinmun-cache", "_site"))
    assert main(["--project", str(clone), "build", "--out", str(clone / "_site")]) == 0
    return clone / "_site"


def served(client: httpx.Client, files: list[str]) -> dict[str, bytes]:
    """Each file as the server sends it, without the live-reload tag it adds to pages."""
    bodies = {}
    for file in files:
        response = client.get("/" + file)
        assert response.status_code == 200, file
        body = response.content
        if file.endswith(".html"):
            start = body.index(f'<script src="{CLIENT_PATH}"'.encode())
            end = body.index(b"</script>", start) + len(b"</script>")
            body = body[:start] + body[end:]
        bodies[file] = body
    return bodies


def post_text(title: str, date: str, body: str, **meta: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in meta.items())
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n"


EDITS = [
    ("edit a post", lambda p: p.post("p1", "First, edited", "2024-01-10", "New body.", tags=["x"])),
    ("add a post", lambda p: p.post("p4", "Fourth", "2024-04-01", "Four.", category="Beta")),
    ("delete a post", lambda p: (p.root / "content/posts/p2.md").unlink()),
    (
        "rename a post",
        lambda p: os.rename(p.root / "content/posts/p3.md", p.root / "content/posts/p3b.md"),
    ),
    (
        "save through a temporary file",
        lambda p: (
            p.write("content/posts/.p1.md.tmp", post_text("Atomic", "2024-01-10", "Atomic save.")),
            os.replace(p.root / "content/posts/.p1.md.tmp", p.root / "content/posts/p1.md"),
        ),
    ),
    (
        "edit an included layout",
        lambda p: p.write(
            "layouts/partials/post_meta.html",
            (p.root / "layouts/partials/post_meta.html").read_text() + "<!-- meta v2 -->\n",
        ),
    ),
    ("edit the config", lambda p: p.config(title="Renamed", site_url="https://y.org")),
    ("add a public file", lambda p: p.write("public/img/a.txt", "A")),
    ("edit a public file", lambda p: p.write("public/img/a.txt", "AA")),
    ("edit the stylesheet", lambda p: p.write("public/css/style.css", "body { color: red }\n")),
    ("delete a public file", lambda p: (p.root / "public/img/a.txt").unlink()),
    ("add a page", lambda p: p.page("contact", title="Contact", body="Write.")),
    ("delete the public folder", lambda p: shutil.rmtree(p.root / "public")),
    (  # watched again once it reappears
        "recreate the public folder",
        lambda p: p.write("public/css/style.css", "body { color: blue }\n"),
    ),
    ("edit in the recreated folder", lambda p: p.write("public/robots.txt", "User-agent: *\n")),
    (  # folders starting with "_" are skipped: its posts disappear
        "move a folder of posts",
        lambda p: os.rename(p.root / "content/posts/2023", p.root / "content/posts/_old"),
    ),
    (
        "move it back",
        lambda p: os.rename(p.root / "content/posts/_old", p.root / "content/posts/2023"),
    ),
]


@pytest.fixture
def blog(project):
    project.config(title="Blog", site_url="https://x.org", posts_per_page=2)
    project.post("p1", "First", "2024-01-10", "One.", tags=["x"], category="Alpha")
    project.post("p2", "Second", "2024-02-10", "Two.", tags=["x", "y"], category="Beta")
    project.post("p3", "Third", "2024-03-10", "Three.", tags=["y"], category="Alpha")
    project.write("content/posts/2023/p0.md", post_text("Zero", "2023-05-01", "Zero."))
    project.page("about", title="About")
    return project


def test_served_site_equals_a_fresh_build_after_every_edit(blog, tmp_path):
    with running(blog.root) as server, httpx.Client(base_url=server.url) as client:
        before = snapshot(server.out)
        for what, change in EDITS:
            edit(server, lambda change=change: change(blog))
            assert server.rebuilder.state.failure is None, what
            expected = snapshot(fresh_build(blog, tmp_path))
            assert expected != before, f"{what}: the edit changed nothing"
            assert snapshot(server.out) == expected, what
            before = expected
        fresh = fresh_build(blog, tmp_path)
        files = sorted(expected)
        assert served(client, files) == {f: (fresh / f).read_bytes() for f in files}


def test_base_path_change_is_followed(project):
    project.post("hello")
    with running(project.root) as server, httpx.Client(base_url=server.url) as client:
        assert client.get("/").status_code == 200
        edit(server, lambda: project.config(title="Moved", base_path="/blog"))
        assert client.get("/").headers["location"] == "/blog/"
        assert "Moved" in client.get("/blog/").text
        assert server.site_url == f"{server.url}/blog/"


@pytest.mark.parametrize(
    ("module", "change"),
    [
        ("src/lib.ts", lambda p: p.write("src/lib.ts", 'export const word = "TWO";\n')),
        (
            "tsconfig.json",
            lambda p: p.write(
                "tsconfig.json",
                '{"compilerOptions": {"baseUrl": ".", "paths": {"@w": ["src/two.ts"]}}}',
            ),
        ),
    ],
    ids=["module in src", "tsconfig.json"],
)
def test_what_components_read_outside_the_usual_folders_is_watched(
    project, tmp_path, module, change
):
    """A component importing ../../src/lib.ts, or resolved through tsconfig.json paths: an
    edit there rebuilds its bundle in serve, as in a fresh build."""
    project.write("src/lib.ts", 'export const word = "ONE";\n')
    project.write("src/two.ts", 'export const word = "TWO";\n')
    project.write(
        "tsconfig.json", '{"compilerOptions": {"baseUrl": ".", "paths": {"@w": ["src/lib.ts"]}}}'
    )
    source = '"../../src/lib.ts"' if module.startswith("src") else '"@w"'
    project.write("public/apps/w.ts", f"import {{ word }} from {source};\ndocument.title = word;\n")
    project.page("demo", title="Demo", body="@@typescript-file[w](public/apps/w.ts)\n")
    with running(project.root) as server:

        def bundle() -> str:  # (serve's pages differ from a build's: source maps)
            page = (server.out / "demo/index.html").read_text()
            url = re.search(r'<script type="module" src="/([^"]+)"', page)[1]
            return (server.out / url).read_text()

        assert "ONE" in bundle()
        edit(server, lambda: change(project))
        assert server.rebuilder.state.failure is None
        assert "TWO" in bundle() and "ONE" not in bundle()
