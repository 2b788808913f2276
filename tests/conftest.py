"""Shared fixtures: throwaway blog projects, builds, a static server and Debian's Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page

from shinmun_hf.pipeline.builder import Builder, BuildOptions, BuildResult

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class Project:
    """A blog in a temporary folder, made from the example blog's layouts and theme."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(REPO / "layouts", root / "layouts")
        (root / "public" / "css").mkdir(parents=True)
        shutil.copy(REPO / "public" / "css" / "style.css", root / "public" / "css")
        shutil.copy(REPO / "public" / "favicon.svg", root / "public")  # base.html links it
        (root / "content" / "posts").mkdir(parents=True)
        (root / "content" / "pages").mkdir(parents=True)
        self.config(title="Test Blog", site_url="https://blog.example.org")

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def config(self, text: str | None = None, **values: object) -> None:
        """Write config.yml from raw YAML text or from keyword values."""
        if text is None:
            import yaml

            text = yaml.safe_dump(values, allow_unicode=True, sort_keys=False)
        self.write("config.yml", text)

    def post(
        self,
        name: str,
        title: str = "A post",
        date: str = "2024-03-05 10:00",
        body: str = "Hello.",
        **meta: object,
    ) -> Path:
        import yaml

        front = yaml.safe_dump(
            {"title": title, "date": date, **meta}, allow_unicode=True, sort_keys=False
        )
        return self.write(f"content/posts/{name}.md", f"---\n{front}---\n{body}\n")

    def page(self, name: str, title: str = "A page", body: str = "Text.", **meta: object) -> Path:
        import yaml

        front = yaml.safe_dump({"title": title, **meta}, allow_unicode=True, sort_keys=False)
        return self.write(f"content/pages/{name}.md", f"---\n{front}---\n{body}\n")

    @property
    def out(self) -> Path:
        return self.root / "_site"

    def build(self, out: Path | None = None, **options: object) -> BuildResult:
        return Builder(self.root, out or self.out, BuildOptions(**options)).build()

    def read(self, relative: str) -> str:
        return (self.out / relative).read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "blog")


OFF_SITE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


@pytest.fixture
def loopback_page(page: Page) -> Page:
    """A Playwright page whose requests off this machine are aborted: the generators' themes
    link to CDNs and fonts, and tests send traffic to loopback only."""
    page.route(OFF_SITE, lambda route: route.abort())
    return page


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium: test tools cannot download browsers on this network."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        # as a host must serve it: the hub, like Hugging Face, wants JSON
        if str(path).endswith("/.well-known/oauth-cimd"):
            return "application/json"
        return super().guess_type(path)


@contextmanager
def served(directory: Path) -> Iterator[str]:
    """Serve ``directory`` (which may not exist yet) on 127.0.0.1; yields the origin."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def serve_directory() -> Iterator[Callable[[Path], str]]:
    """Serve folders on 127.0.0.1 for one test: call it with a folder, get its base URL."""
    with ExitStack() as stack:
        yield lambda directory: stack.enter_context(served(directory))
