"""The Pelican plugin (issue 21): a real Pelican site built in a temporary folder by ``pelican``,
served on loopback below a folder and signed in through the local hub in Chromium; a component
error fails Pelican's own build with the file, line and column."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, served
from integrations_support import (
    GREETING,
    SYNTAX_ERROR_AT,
    SYNTAX_ERROR_LIB,
    TYPE_ERROR_AT,
    TYPE_ERROR_LIB,
    run,
    sign_in_and_ask,
    write_components,
)
from playwright.sync_api import Page, expect

PELICAN_PYTHON = REPO / ".venv-pelican" / "bin" / "python"
"""Pelican's own venv (``make pelican``): Pelican 4.12 pins Pygments below 2.20, which the
engine's venv does not want."""
if PELICAN_PYTHON.exists():
    PYTHON = str(PELICAN_PYTHON)
else:
    pytest.importorskip("pelican", reason="needs Pelican: run `make pelican`")
    PYTHON = sys.executable
hub_package = pytest.importorskip("shinmun_hf.hub", reason="needs the local hub")


ARTICLE = """Title: Ask a model
Date: 2024-03-05 10:00

Sign in and ask.

@@hf-chat[chat]

@@typescript-file[hello](components/hello.tsx)
"""


def write_pelican_site(root: Path, site_url: str, hub_url: str) -> None:
    write_components(root)
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "content" / "chat.md").write_text(ARTICLE, encoding="utf-8")
    settings = {
        "client_id": "cimd",
        "provider_url": hub_url,
        "inference_url": f"{hub_url}/v1",
        "variables": {"HF_LOCAL_HUB": True},
    }
    (root / "pelicanconf.py").write_text(
        f"SITENAME = 'Plugin test'\nSITEURL = {site_url!r}\nPATH = 'content'\n"
        "TIMEZONE = 'UTC'\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n"
        "PLUGINS = ['pelican.plugins.shinmun_hf']\n"
        f"SHINMUN_HF = {settings!r}\n",
        encoding="utf-8",
    )


def build(root: Path, out: Path) -> object:
    return run(
        ["pelican", "content", "-s", "pelicanconf.py", "-o", str(out)], cwd=root, python=PYTHON
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    tmp = tmp_path_factory.mktemp("pelican")
    public = tmp / "public"
    with hub_package.HubServer() as hub, served(public) as origin:
        write_pelican_site(tmp / "project", f"{origin}/blog", hub.url)
        done = build(tmp / "project", public / "blog")
        assert done.returncode == 0, done.stderr  # type: ignore[attr-defined]
        yield f"{origin}/blog/", hub.url, public / "blog"


@pytest.fixture
def page(loopback_page: Page) -> Page:
    return loopback_page


@pytest.mark.browser
def test_sign_in_and_a_streamed_answer_in_a_pelican_article(
    page: Page, site: tuple[str, str, Path]
) -> None:
    url, hub_url, _ = site
    sign_in_and_ask(page, f"{url}ask-a-model.html", hub_url)


@pytest.mark.browser
def test_a_component_with_a_relative_import_mounts(page: Page, site: tuple[str, str, Path]) -> None:
    page.goto(f"{site[0]}ask-a-model.html")
    expect(page.locator("#hello")).to_have_text(GREETING)


def test_the_output_has_the_widget_files(site: tuple[str, str, Path]) -> None:
    url, _, out = site
    document = json.loads((out / ".well-known" / "oauth-cimd").read_text(encoding="utf-8"))
    assert document["redirect_uris"][0] == f"{url}oauth/callback/huggingface/"
    assert (out / "assets" / "shinmun-hf" / "hf-chat.js").is_file()
    article = (out / "ask-a-model.html").read_text(encoding="utf-8")
    assert '<meta name="referrer" content="no-referrer">' in article
    assert 'window.HF_BASE_PATH = "/blog";' in article


@pytest.mark.parametrize(
    ("lib", "where"),
    [
        (TYPE_ERROR_LIB, TYPE_ERROR_AT),
        (
            SYNTAX_ERROR_LIB,
            f"content/chat.md:8: cannot compile components/hello.tsx: {SYNTAX_ERROR_AT}",
        ),
    ],
    ids=["type-error", "syntax-error"],
)
def test_a_component_error_fails_the_pelican_build_with_file_line_column(
    tmp_path: Path, lib: str, where: str
) -> None:
    write_pelican_site(tmp_path, "https://blog.example.org", "https://huggingface.co")
    write_components(tmp_path, lib)
    done = build(tmp_path, tmp_path / "output")
    assert done.returncode != 0  # type: ignore[attr-defined]
    output = " ".join((done.stdout + done.stderr).split())  # type: ignore[attr-defined]
    assert where in output, output
    assert not (tmp_path / "output" / "ask-a-model.html").exists()  # stopped before writing
