"""The MkDocs plugin (issue 21): real MkDocs sites built in a temporary folder by ``mkdocs
build``, served on loopback below a folder, signed in through the local hub in Chromium; a
component error fails MkDocs' own build with the file, line and column; Material for MkDocs'
instant navigation re-mounts components."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import served
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

pytest.importorskip("mkdocs", reason="needs MkDocs (pip install 'shinmun-hf[mkdocs]')")
hub_package = pytest.importorskip("shinmun_hf.hub", reason="needs the local hub")

"""Requests to anything but loopback (a theme's CDN or web fonts) are refused."""

PLAIN = {"name": "mkdocs", "highlightjs": False}
"""MkDocs' own theme, without highlight.js (from a CDN)."""
CHAT_PAGE = """# Ask a model

Sign in and ask.

@@hf-chat[chat]

@@typescript-file[hello](components/hello.tsx)
"""


@dataclass
class Site:
    url: str
    """The site's address, in its folder: ``http://127.0.0.1:PORT/docs/``."""
    hub_url: str
    root: Path


def write_mkdocs_site(root: Path, site_url: str, hub_url: str, theme: dict) -> None:
    write_components(root)
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "index.md").write_text("# Home\n\nNo widget here.\n", encoding="utf-8")
    (root / "docs" / "chat.md").write_text(f"---\ntitle: Chat\n---\n{CHAT_PAGE}", encoding="utf-8")
    config = {
        "site_name": "Plugin test",
        "site_url": site_url,
        "theme": theme,
        "nav": [{"Home": "index.md"}, {"Chat": "chat.md"}],
        "plugins": [
            {
                "shinmun-hf": {
                    "client_id": "cimd",  # the hub fetches the site's own metadata document
                    "provider_url": hub_url,
                    "inference_url": f"{hub_url}/v1",
                    "variables": {"HF_LOCAL_HUB": True},
                }
            }
        ],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")


def build_site(root: Path, out: Path) -> None:
    done = run(["mkdocs", "build", "--strict", "-d", str(out)], cwd=root)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def hub() -> Iterator[object]:
    with hub_package.HubServer() as hub:
        yield hub


def _site(tmp_path: Path, hub: object, theme: dict) -> Iterator[Site]:
    public = tmp_path / "public"
    with served(public) as origin:
        url = f"{origin}/docs/"
        write_mkdocs_site(tmp_path / "project", url, hub.url, theme)  # type: ignore[attr-defined]
        build_site(tmp_path / "project", public / "docs")
        yield Site(url, hub.url, tmp_path / "project")  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, hub: object) -> Iterator[Site]:
    yield from _site(tmp_path_factory.mktemp("mkdocs"), hub, PLAIN)


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory, hub: object) -> Iterator[Site]:
    pytest.importorskip("material", reason="needs mkdocs-material")
    theme = {"name": "material", "font": False, "features": ["navigation.instant"]}
    yield from _site(tmp_path_factory.mktemp("material"), hub, theme)


@pytest.fixture
def page(loopback_page: Page) -> Page:
    return loopback_page


@pytest.mark.browser
def test_sign_in_and_a_streamed_answer_in_an_mkdocs_page(page: Page, site: Site) -> None:
    sign_in_and_ask(page, f"{site.url}chat/", site.hub_url)


@pytest.mark.browser
def test_a_component_with_a_relative_import_mounts(page: Page, site: Site) -> None:
    page.goto(f"{site.url}chat/")
    expect(page.locator("#hello")).to_have_text(GREETING)


def test_the_site_publishes_its_client_metadata_and_callback_page(site: Site) -> None:
    out = site.root.parent / "public" / "docs"
    document = json.loads((out / ".well-known" / "oauth-cimd").read_text(encoding="utf-8"))
    assert document["client_id"] == f"{site.url}.well-known/oauth-cimd"
    assert document["redirect_uris"][0] == f"{site.url}oauth/callback/huggingface/"
    callback = (out / "oauth" / "callback" / "huggingface" / "index.html").read_text()
    assert '<meta name="referrer" content="no-referrer">' in callback
    assert 'src="/docs/assets/shinmun-hf/hf-chat.js"' in callback


@pytest.mark.parametrize(
    ("lib", "where"),
    # (the syntax error, found while the page renders, also names the page's line)
    [
        (TYPE_ERROR_LIB, TYPE_ERROR_AT),
        (
            SYNTAX_ERROR_LIB,
            f"docs/chat.md:10: cannot compile components/hello.tsx: {SYNTAX_ERROR_AT}",
        ),
    ],
    ids=["type-error", "syntax-error"],
)
def test_a_component_error_fails_mkdocs_build_with_file_line_column(
    tmp_path: Path, lib: str, where: str
) -> None:
    write_mkdocs_site(tmp_path, "https://docs.example.org/", "https://huggingface.co", PLAIN)
    write_components(tmp_path, lib)
    done = run(["mkdocs", "build", "-d", str(tmp_path / "site")], cwd=tmp_path)
    assert done.returncode != 0
    assert where in done.stderr, done.stderr


def test_a_bad_path_names_the_page_and_line(tmp_path: Path) -> None:
    write_mkdocs_site(tmp_path, "https://docs.example.org/", "https://huggingface.co", PLAIN)
    text = "---\ntitle: Chat\n---\n# Chat\n\n@@typescript-file[x](components/missing.tsx)\n"
    (tmp_path / "docs" / "chat.md").write_text(text, encoding="utf-8")
    done = run(["mkdocs", "build", "-d", str(tmp_path / "site")], cwd=tmp_path)
    assert done.returncode != 0
    assert "docs/chat.md:6:" in done.stderr, done.stderr


def test_cimd_without_a_site_url_is_a_clear_error(tmp_path: Path) -> None:
    write_mkdocs_site(tmp_path, "", "https://huggingface.co", PLAIN)
    config = yaml.safe_load((tmp_path / "mkdocs.yml").read_text())
    del config["site_url"]
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    done = run(["mkdocs", "build", "-d", str(tmp_path / "site")], cwd=tmp_path)
    assert done.returncode != 0
    assert "mkdocs.yml: client_id is cimd, but the site's public URL is not set" in done.stderr


@pytest.mark.browser
def test_material_instant_navigation_mounts_components_again(page: Page, material: Site) -> None:
    page.goto(material.url)
    page.evaluate("window.sameDocument = true")  # gone if a page loads for real
    chat = page.get_by_role("link", name="Chat").first
    home = page.get_by_role("link", name="Home").first
    for _ in range(2):  # the second visit finds the component's module already loaded
        chat.click()
        page.wait_for_url(f"{material.url}chat/")
        expect(page.locator("#hello")).to_have_text(GREETING)
        sign_in = page.locator("hf-chat").get_by_role("button", name="Sign in with Hugging Face")
        expect(sign_in).to_be_visible()
        home.click()
        page.wait_for_url(material.url)
    assert page.evaluate("window.sameDocument") is True, "instant navigation was not used"


@pytest.mark.browser
def test_sign_in_in_a_material_page(page: Page, material: Site) -> None:
    sign_in_and_ask(page, f"{material.url}chat/", material.hub_url)


def test_properdocs_builds_the_same_site_with_the_plugin(tmp_path: Path) -> None:
    """ProperDocs, the maintained fork of MkDocs 1.x, reads the same mkdocs.yml."""
    pytest.importorskip("properdocs", reason="needs ProperDocs")
    write_mkdocs_site(tmp_path, "https://docs.example.org/", "https://huggingface.co", PLAIN)
    done = run(["properdocs", "build", "-d", str(tmp_path / "site")], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    chat = (tmp_path / "site" / "chat" / "index.html").read_text(encoding="utf-8")
    assert '<hf-chat id="chat"></hf-chat>' in chat
    assert re.search(r'<script type="module" src="/assets/components/hello\.\w+\.js">', chat)
    assert (tmp_path / "site" / ".well-known" / "oauth-cimd").is_file()
    write_components(tmp_path, SYNTAX_ERROR_LIB)
    failed = run(["properdocs", "build", "-d", str(tmp_path / "site")], cwd=tmp_path)
    assert failed.returncode != 0
    assert SYNTAX_ERROR_AT in failed.stderr, failed.stderr
