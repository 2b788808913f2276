"""``shinmun serve`` over HTTP: what it serves, how, and what it never serves."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import pytest
from conftest import Project
from serve_support import EventReader, edit, raw_get, running, terminal

CANARY = "CANARY-7f3a"


@pytest.fixture(scope="module")
def blog(tmp_path_factory) -> Project:
    project = Project(tmp_path_factory.mktemp("serve") / "blog")
    project.config(title="Served", site_url="https://x.org", base_path="/blog", secret=CANARY)
    project.post("hello", title="Hello", body="Hello body.", tags=["a"])
    project.page("about", title="About")
    project.write("public/js/app.js", "export const x = 1;\n")
    project.write("public/js/app.js.map", "{}")
    project.write("public/img/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    project.write("canary.txt", CANARY)
    return project


@pytest.fixture(scope="module")
def server(blog):
    with running(blog.root) as server:
        yield server


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.url, timeout=15) as client:
        yield client


def test_binds_loopback_only_by_default(server):
    from shinmun_hf.cli import _parser

    args = _parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8000
    assert server.url.startswith("http://127.0.0.1:")
    port = int(server.url.rsplit(":", 1)[1])
    if sys.platform == "linux":  # the kernel's own view of the listening socket
        listening = [
            line.split()[1]
            for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
            if line.split()[3] == "0A"
        ]
        assert f"0100007F:{port:04X}" in listening
        assert f"00000000:{port:04X}" not in listening


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("evil.example", 421),  # a rebound name: the browser sends the attacker's host
        ("evil.example:{port}", 421),
        ("127.0.0.1.evil.example", 421),
        ("localhost:{port}", 200),
        ("127.0.0.1:{port}", 200),
        ("[::1]:{port}", 200),
        ("shinmun.localhost:{port}", 200),  # *.localhost always means this machine
    ],
)
def test_answers_only_requests_addressed_to_this_machine(server, http, host, status):
    """DNS rebinding: a page whose name now points at 127.0.0.1 must not read the site, its
    event stream or the failure page's excerpts of the project's files."""
    port = server.url.rsplit(":", 1)[1]
    for path in ("/blog/", "/blog/about/", "/__shinmun/livereload.js"):
        response = http.get(path, headers={"host": host.format(port=port)})
        assert response.status_code == status, (host, path)
        if status == 421:
            assert CANARY not in response.text and "About" not in response.text


def test_a_server_bound_to_every_interface_answers_any_name_and_signs_in_locally(tmp_path):
    from shinmun_hf.hosts import allowed_hosts
    from shinmun_hf.serve import DevServer, ServeOptions

    assert allowed_hosts("0.0.0.0") is None and allowed_hosts("::") is None
    assert "192.168.1.5" in allowed_hosts("192.168.1.5")
    # This machine's browser opens http://127.0.0.1:8000: the hub must take it back there.
    origins = DevServer(tmp_path, ServeOptions(host="0.0.0.0"))._origins(8000)
    assert {"http://127.0.0.1:8000", "http://localhost:8000"} <= set(origins)


def test_root_redirects_into_base_path(http):
    response = http.get("/")
    assert response.status_code == 302 and response.headers["location"] == "/blog/"
    response = http.get("/blog")
    assert response.status_code == 302 and response.headers["location"] == "/blog/"


def test_directory_index_and_redirect(http):
    page = http.get("/blog/2024/3/hello/")
    assert page.status_code == 200 and "Hello body." in page.text
    redirect = http.get("/blog/2024/3/hello?x=1")
    assert redirect.status_code == 302 and redirect.headers["location"] == "/blog/2024/3/hello/?x=1"


def test_404_is_the_sites_page_with_status_404(http, server):
    for path in ("/blog/no/such/page/", "/elsewhere", "/blog/.shinmun-output"):
        response = http.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.text
        assert 'data-mode="missing"' in response.text


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/blog/", "text/html; charset=utf-8"),
        ("/blog/js/app.js", "text/javascript; charset=utf-8"),
        ("/blog/js/app.js.map", "application/json; charset=utf-8"),
        ("/blog/index.rss", "application/rss+xml; charset=utf-8"),
        ("/blog/atom.xml", "application/xml; charset=utf-8"),
        ("/blog/sitemap.xml", "application/xml; charset=utf-8"),
        ("/blog/search-index.json", "application/json; charset=utf-8"),
        ("/blog/img/logo.svg", "image/svg+xml; charset=utf-8"),
        ("/blog/css/style.css", "text/css; charset=utf-8"),
        ("/__shinmun/livereload.js", "text/javascript; charset=utf-8"),
    ],
)
def test_content_types_and_no_store(http, path, expected):
    response = http.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == expected
    assert response.headers["cache-control"] == "no-store"


def test_head_requests(http):
    response = http.head("/blog/index.rss")
    assert response.status_code == 200 and response.content == b""


def test_reload_script_is_in_responses_but_not_on_disk(http, server):
    response = http.get("/blog/")
    assert '<script src="/__shinmun/livereload.js"' in response.text
    assert 'data-file="index.html"' in response.text
    on_disk = (server.out / "index.html").read_text()
    assert "__shinmun" not in on_disk
    assert response.text.replace(_tag(response.text), "") == on_disk


def _tag(text: str) -> str:
    start = text.index('<script src="/__shinmun/')
    return text[start : text.index("</script>", start) + len("</script>")]


TRAVERSALS = [
    "/../canary.txt",
    "/blog/../canary.txt",
    "/blog/../../canary.txt",
    "/blog/%2e%2e/canary.txt",
    "/blog/%2E%2E/%2E%2E/canary.txt",
    "/blog/%2e%2e/%2e%2e/%2e%2e/canary.txt",
    "/blog/..%2f..%2fcanary.txt",
    "/blog/%2e%2e%2f%2e%2e%2fcanary.txt",
    "/blog/%252e%252e/canary.txt",
    "/blog/..\\..\\canary.txt",
    "/blog/%5c..%5c..%5ccanary.txt",
    "//canary.txt",
    "/blog//canary.txt",
    "/blog/%2fetc%2fpasswd",
    "/blog/%2f..%2f..%2fconfig.yml",
    "/blog/../../config.yml",
    "/blog/%2e%2e/%2e%2e/config.yml",
    "/blog/../../.shinmun-cache/serve/site/index.html",
    "/blog/..;/canary.txt",
    "/etc/passwd",
    "/blog/etc/passwd",
    "http://127.0.0.1/blog/../../canary.txt",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_no_path_traversal(server, target):
    status, body = raw_get(server.url, target)
    assert status in (400, 404), (target, status)
    assert CANARY.encode() not in body
    assert b"root:" not in body


def test_only_the_output_folder_is_served(server, blog):
    assert server.out.is_relative_to(blog.root / ".shinmun-cache")
    for target in ("/blog/config.yml", "/blog/content/posts/hello.md", "/blog/canary.txt"):
        status, body = raw_get(server.url, target)
        assert status == 404 and CANARY.encode() not in body


def test_symlink_out_of_the_site_is_not_followed(server, blog):
    link = server.out / "leak.txt"
    link.symlink_to(blog.root / "canary.txt")
    try:
        status, body = raw_get(server.url, "/blog/leak.txt")
    finally:
        os.unlink(link)
    assert status == 404 and CANARY.encode() not in body


def test_events_report_css_only_changes_and_failures(server, blog, http):
    events = EventReader(server.url)
    try:
        name, hello = events.next()
        assert name == "hello" and hello["version"] == server.rebuilder.state.version

        css = blog.root / "public" / "css" / "style.css"
        edit(server, lambda: css.write_text(css.read_text() + "\n.x { color: red }\n"))
        name, data = events.next()
        assert (name, data["files"], data["everything"]) == ("change", ["css/style.css"], False)

        bad = "---\ntitle: [unclosed\n---\nBody\n"
        edit(server, lambda: blog.write("content/posts/broken.md", bad))
        name, data = events.next()
        assert name == "failed" and data["file"] == "content/posts/broken.md"
        overlay = http.get("/blog/2024/3/hello/")
        assert overlay.status_code == 500 and "Build failed" in overlay.text
        assert "content/posts/broken.md" in overlay.text
        assert http.get("/blog/css/style.css").status_code == 200  # assets still served
        assert "error: content/posts/broken.md" in terminal(server)

        edit(server, lambda: (blog.root / "content/posts/broken.md").unlink())
        name, data = events.next()
        assert name == "change" and data["everything"] is True
        assert http.get("/blog/2024/3/hello/").status_code == 200
    finally:
        events.close()


def test_greeting_tells_a_late_page_what_it_missed(server, blog):
    """A page reloaded by one rebuild may connect after the next was announced: the greeting
    lists what changed since the version the page shows, so it can tell whether to reload."""
    old = server.rebuilder.state.version
    css = blog.root / "public" / "css" / "style.css"
    edit(server, lambda: css.write_text(css.read_text() + "\n.late { color: red }\n"))
    events = EventReader(server.url, since=old)
    try:
        name, hello = events.next()
        assert name == "hello" and hello["version"] == server.rebuilder.state.version != old
        assert (hello["files"], hello["everything"]) == (["css/style.css"], False)
    finally:
        events.close()
    events = EventReader(server.url, since="from-another-server")
    try:
        assert events.next()[1]["everything"] is True
    finally:
        events.close()
