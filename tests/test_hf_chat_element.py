"""The prebuilt ``<hf-chat>`` element (issue 21): ``shinmun widget export`` into a hand-written
site, signed in through the local hub in Chromium, configured by the printed snippet or by
attributes; and the shipped files are what the sources build to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import served
from integrations_support import run, sign_in_and_ask
from playwright.sync_api import Page, expect

hub_package = pytest.importorskip("shinmun_hf.hub", reason="needs the local hub")


def export(directory: Path, *options: str) -> str:
    done = run(["shinmun_hf", "widget", "export", str(directory), *options], cwd=directory.parent)
    assert done.returncode == 0, done.stderr
    return done.stdout


def pasted(stdout: str) -> str:
    """The snippet between "Paste into a page:" and "Sign-in:"."""
    return stdout.split("Paste into a page:\n", 1)[1].split("\nSign-in:", 1)[0].strip()


def hand_written(head: str, body: str) -> str:
    return (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Hand-written</title>\n{head}\n</head>\n<body>\n<h1>A page</h1>\n{body}\n"
        "</body>\n</html>\n"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path, str]]:
    """A plain site in ``/site/``: the widget exported into it, two pages pasting it."""
    public = tmp_path_factory.mktemp("plain") / "public"
    folder = public / "site"
    folder.mkdir(parents=True)
    with hub_package.HubServer() as hub, served(public) as origin:
        stdout = export(
            folder,
            "--client-id=cimd",
            f"--site-url={origin}/site",
            f"--provider-url={hub.url}",
            f"--inference-url={hub.url}/v1",
        )
        snippet = pasted(stdout)
        head, element = snippet.rsplit("<!-- where the widget goes -->", 1)
        (folder / "index.html").write_text(hand_written(head, element), encoding="utf-8")
        # configured by attributes alone: only the script in the head
        script = next(
            line for line in head.splitlines() if line.startswith('<script type="module"')
        )
        attributes = (
            f'<hf-chat client-id="{origin}/site/.well-known/oauth-cimd" base-path="/site" '
            f'provider-url="{hub.url}" inference-url="{hub.url}/v1"></hf-chat>'
        )
        (folder / "attributes.html").write_text(
            hand_written('<meta name="referrer" content="no-referrer">\n' + script, attributes),
            encoding="utf-8",
        )
        yield f"{origin}/site/", hub.url, folder, stdout


@pytest.fixture
def page(loopback_page: Page) -> Page:
    return loopback_page


def test_export_writes_the_files_and_says_what_sign_in_needs(
    site: tuple[str, str, Path, str],
) -> None:
    url, _, folder, stdout = site
    for path in (
        "assets/shinmun-hf/hf-chat.js",
        "assets/shinmun-hf/hf-chat.js.map",
        "oauth/callback/huggingface/index.html",
        ".well-known/oauth-cimd",
    ):
        assert (folder / path).is_file(), path
        assert f"wrote {folder / path}" in stdout
    assert f"{url}.well-known/oauth-cimd" in stdout
    assert f"sends sign-ins back to {url}oauth/callback/huggingface/" in stdout
    assert "https only" in stdout


def test_export_for_a_registered_app_names_the_redirect_url(tmp_path: Path) -> None:
    stdout = export(tmp_path / "static", "--client-id=abc-123", "--site-url=https://example.org")
    assert "Register https://example.org/oauth/callback/huggingface/ as" in stdout
    assert 'window.HF_OAUTH_CLIENT_ID = "abc-123";' in stdout
    assert not (tmp_path / "static" / ".well-known").exists()


def test_export_with_cimd_needs_the_site_url(tmp_path: Path) -> None:
    done = run(["shinmun_hf", "widget", "export", "out", "--client-id=cimd"], cwd=tmp_path)
    assert done.returncode == 1
    assert "client_id is cimd, but the site's public URL is not set" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.browser
def test_sign_in_and_a_streamed_answer_on_a_hand_written_page(
    page: Page, site: tuple[str, str, Path, str]
) -> None:
    url, hub_url, _, _ = site
    sign_in_and_ask(page, url, hub_url)


@pytest.mark.browser
def test_configured_by_attributes(page: Page, site: tuple[str, str, Path, str]) -> None:
    url, hub_url, _, _ = site
    page.goto(f"{url}attributes.html")
    expect(page.locator("hf-chat")).to_contain_text("Your question for openai/gpt-oss-20b")
    sign_in_and_ask(page, f"{url}attributes.html", hub_url)


@pytest.mark.browser
def test_an_element_added_later_mounts(page: Page, site: tuple[str, str, Path, str]) -> None:
    page.goto(site[0])
    page.evaluate(
        "document.body.append(Object.assign(document.createElement('hf-chat'), {id: 'late'}))"
    )
    expect(
        page.locator("#late").get_by_role("button", name="Sign in with Hugging Face")
    ).to_be_visible()
    expect(page.locator("#late")).to_have_css("display", "flow-root")


def test_the_shipped_widget_is_a_fresh_build_of_its_sources() -> None:
    """Fails when public/apps/ changed without `make widget`."""
    typescript = pytest.importorskip("shinmun_hf.typescript", reason="needs esbuild")
    del typescript
    from shinmun_hf.integrations.widget_bundle import build_widget, shipped_widget

    fresh = build_widget()
    shipped = shipped_widget()
    stale = [name for name in fresh if fresh[name] != shipped.get(name)]
    assert not stale, f"{stale} are stale: run `make widget` and commit shinmun_hf/widget/"


def test_the_shipped_widget_fits_the_widget_budget() -> None:
    """The element and the API it re-exports stay within the widget's 12 kB (gzip -9)."""
    import gzip

    from shinmun_hf.integrations.widget_bundle import SCRIPT, shipped_widget

    assert len(gzip.compress(shipped_widget()[SCRIPT], 9, mtime=0)) <= 12_000
