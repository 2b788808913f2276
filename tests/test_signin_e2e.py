"""Sign-in as deployed (issue 17), in Chromium: one callback page that returns to the page the
sign-in started from, no open redirect, abandoned attempts cleaned up, ``serve --hub local``
signing in through the site's own client metadata document, and ``serve --space``: the site
framed by another site, where the browser gives the frame no storage or a partitioned one.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import test_widget_e2e
from playwright.sync_api import BrowserContext, BrowserType, Page, expect
from test_widget_e2e import (
    CALLBACK,
    DEMO,
    QUESTION,
    RESULT_KEY,
    SIGN_IN,
    TWO,
    Demo,
    _widget_project,
    hub_answer,
    sign_in,
    stored_token,
)

from shinmun_hf.pipeline.builder import BuildOptions
from shinmun_hf.serve import DevServer, ServeOptions
from shinmun_hf.serve.console import Console

pytestmark = pytest.mark.browser
demo = test_widget_e2e.demo  # the same fixture: a built blog served beside the local hub

ATTEMPTS = "Object.keys(sessionStorage).filter(k => k.startsWith('hf-oauth:attempt:'))"
NEW_TAB = "Sign in with Hugging Face in a new tab"


# --- one callback page ---------------------------------------------------------------------


def test_sign_in_returns_to_the_page_it_started_from_with_its_question(
    page: Page, demo: Demo
) -> None:
    start = f"{demo.origin}/{TWO}?from=feed#second"
    page.goto(start)
    second = page.locator("#second")
    second.get_by_label(QUESTION).fill("Where was I?")
    redirects: list[str] = []
    page.on("framenavigated", lambda frame: redirects.append(frame.url))
    sign_in(page, demo, widget="#second")
    expect(second.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.url == start
    # the hub sent the code to the callback page, never to the page itself
    (callback,) = [url for url in redirects if "code=" in url]
    assert callback.startswith(f"{demo.origin}/{CALLBACK}?")
    expect(second.get_by_label(QUESTION)).to_have_value("Where was I?")
    assert page.evaluate(f"sessionStorage.getItem('{RESULT_KEY}')") is not None


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(document.domain)",
        "evil.example",
        "//[",  # not even a URL
    ],
)
def test_a_tampered_return_address_never_leaves_the_site(
    page: Page, demo: Demo, target: str
) -> None:
    """The page to return to is read from the attempt's record only, and must be a path of
    this site: a record changed on the callback page (say, by an extension) cannot make it
    an open redirector."""
    page.add_init_script(
        f"""if (location.pathname === '/{CALLBACK}') {{
            for (const key of Object.keys(sessionStorage)) {{
                if (!key.startsWith('hf-oauth:attempt:')) continue;
                const attempt = JSON.parse(sessionStorage.getItem(key));
                attempt.returnTo = {json.dumps(target)};
                sessionStorage.setItem(key, JSON.stringify(attempt));
            }}
        }}"""
    )
    page.route("https://evil.example/**", lambda route: route.fulfill(body="phished"))
    page.goto(demo.url)
    sign_in(page, demo)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert urlsplit(page.url).netloc == urlsplit(demo.origin).netloc
    assert urlsplit(page.url).path == f"/{CALLBACK}"  # signed in where it came back
    assert page.evaluate("location.protocol") == "http:"


def test_abandoned_attempts_are_removed_after_a_successful_sign_in(page: Page, demo: Demo) -> None:
    page.goto(demo.url)
    for _ in range(2):  # two sign-ins given up at the consent page
        page.get_by_role("button", name=SIGN_IN).click()
        page.wait_for_url(f"{demo.hub.url}/**")
        page.go_back()
        expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible()
    assert len(page.evaluate(ATTEMPTS)) == 2
    sign_in(page, demo)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate(ATTEMPTS) == []


def test_an_error_is_taken_back_to_the_page_and_shown_once(page: Page, demo: Demo) -> None:
    page.goto(demo.url)
    sign_in(page, demo, decision="Deny")
    expect(page.get_by_role("alert")).to_have_attribute("data-code", "access_denied")
    assert page.url == demo.url
    page.reload()
    expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible()
    expect(page.get_by_role("alert")).to_be_empty()


# --- serve --hub local: the site's own client metadata document ----------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    """``shinmun serve --space`` on a blog with the widget (``server.url`` also serves it
    unframed, against the same local hub)."""
    project = _widget_project(tmp_path_factory.mktemp("served") / "blog")
    project.config(title="Ada's blog", site_url="https://blog.example.org")
    options = ServeOptions(port=0, hub="local", space=True, build=BuildOptions(dev=True))
    with DevServer(project.root, options, Console(io.StringIO(), io.StringIO())) as server:
        yield server


@pytest.fixture(scope="module")
def served_local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    """``shinmun serve --hub local`` on a blog in a folder, with ``HF_OAUTH_CLIENT_ID: cimd``."""
    project = _widget_project(tmp_path_factory.mktemp("local") / "blog")
    project.config(
        title="Ada's blog",
        site_url="https://blog.example.org",
        base_path="/notes",
        variables={"HF_OAUTH_CLIENT_ID": "cimd"},
    )
    options = ServeOptions(port=0, hub="local", build=BuildOptions(dev=True))
    with DevServer(project.root, options, Console(io.StringIO(), io.StringIO())) as server:
        yield server


def test_serve_local_signs_in_through_the_sites_metadata_document(
    page: Page, served_local: DevServer
) -> None:
    site = f"{served_local.url}/notes"
    document_url = f"{site}/.well-known/oauth-cimd"
    response = httpx.get(document_url)
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    assert document["client_id"] == document_url
    assert f"{site}/{CALLBACK}" in document["redirect_uris"]
    assert document["client_name"] == "Ada's blog"

    redirects: list[str] = []
    page.on("framenavigated", lambda frame: redirects.append(frame.url))
    page.goto(f"{site}/{DEMO}")
    page.get_by_label(QUESTION).fill("Who are you?")
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(lambda url: "/oauth/authorize?" in url)
    assert parse_qs(urlsplit(page.url).query)["client_id"] == [document_url]
    expect(page.get_by_role("heading")).to_contain_text("Ada's blog")  # from the document
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.url == f"{site}/{DEMO}"
    assert any(url.startswith(f"{site}/{CALLBACK}?") for url in redirects)
    expect(page.get_by_label(QUESTION)).to_have_value("Who are you?")


# --- serve --space: framed by another site -------------------------------------------------


def _framed_sign_in(context: BrowserContext, server: DevServer) -> tuple[Page, Page]:
    """Open the Space view, go to the demo page in the frame, sign in through the new tab."""
    page = context.new_page()
    page.goto(server.space_url)
    frame = page.frame_locator("iframe")
    expect(frame.locator("main")).to_be_visible()
    page.frames[1].goto(f"{server.url}/{DEMO}")
    widget = frame.locator("#hf-demo")
    expect(widget).to_contain_text("You stay signed in in that tab, not in this frame")
    with context.expect_page() as opened:
        widget.get_by_role("link", name=NEW_TAB).click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == f"{server.url}/{DEMO}"  # the site's own origin, at top level
    assert tab.evaluate("window.top === window && window.opener === null")
    sign_in_button = tab.get_by_role("button", name=SIGN_IN)
    expect(sign_in_button).to_be_visible()
    sign_in_button.click()
    tab.wait_for_url(lambda url: "/oauth/authorize?" in url)
    tab.get_by_role("button", name="Approve").click()
    expect(tab.get_by_role("button", name="Sign out")).to_be_visible()
    assert tab.url == f"{server.url}/{DEMO}"
    return page, tab


def test_framed_without_storage_still_shows_the_widget_and_signs_in_in_a_tab(
    context: BrowserContext, served: DevServer
) -> None:
    """Chromium's default context blocks a third-party frame's storage (as Safari and
    Firefox's strict mode do): reading sessionStorage throws there."""
    page, tab = _framed_sign_in(context, served)
    frame = page.frames[1]
    assert "SecurityError" in frame.evaluate(
        "(() => { try { sessionStorage.length; return 'ok' } catch (e) { return e.name } })()"
    )
    framed = page.frame_locator("iframe").locator("#hf-demo")
    expect(framed.get_by_role("link", name=NEW_TAB)).to_be_visible()  # still signed out there
    # the tab asks, with the Space's own app and the hub
    token = stored_token(tab)
    tab.get_by_label(QUESTION).fill("Framed?")
    tab.get_by_role("button", name="Ask").click()
    hub = SimpleNamespace(url=tab.evaluate("window.huggingface.variables.OPENID_PROVIDER_URL"))
    expected = hub_answer(SimpleNamespace(hub=hub), token, "Framed?")
    first_sentence = expected.split(" this is")[0]  # the answer is shown formatted, not as source
    assert first_sentence.startswith("You asked: \u201cFramed?\u201d. I received 1 message")
    expect(tab.get_by_role("region", name="Answer")).to_contain_text(first_sentence)


@pytest.fixture
def partitioned_context(
    browser_type: BrowserType, browser_type_launch_args: dict, tmp_path: Path
) -> Iterator[BrowserContext]:
    """A profile that lets third-party frames keep storage (third-party cookies allowed), with
    third-party storage partitioning switched on."""
    (tmp_path / "Default").mkdir()
    preferences = {"profile": {"cookie_controls_mode": 0, "block_third_party_cookies": False}}
    (tmp_path / "Default" / "Preferences").write_text(json.dumps(preferences))
    args = [
        *browser_type_launch_args.get("args", []),
        "--enable-features=ThirdPartyStoragePartitioning",
    ]
    context = browser_type.launch_persistent_context(
        str(tmp_path), **{**browser_type_launch_args, "args": args}
    )
    yield context
    context.close()


def test_framed_with_storage_allowed_signs_in_in_a_tab_never_in_the_frame(
    partitioned_context: BrowserContext, served: DevServer
) -> None:
    hub_requests: list[str] = []
    partitioned_context.on(
        "request",
        lambda request: (
            "/oauth/authorize" in request.url
            and hub_requests.append((request.frame.parent_frame is None and "top") or "frame")
        ),
    )
    page, tab = _framed_sign_in(partitioned_context, served)
    frame = page.frames[1]
    assert frame.evaluate("sessionStorage.length >= 0")  # the frame has storage here
    assert frame.evaluate(f"sessionStorage.getItem('{RESULT_KEY}')") is None
    assert set(hub_requests) == {"top"}  # the login page was never loaded in the frame
    expect(
        page.frame_locator("iframe").locator("#hf-demo").get_by_role("link", name=NEW_TAB)
    ).to_be_visible()
    assert tab.evaluate(f"sessionStorage.getItem('{RESULT_KEY}')") is not None


def test_the_hubs_login_pages_do_not_load_in_a_frame(page: Page, demo: Demo) -> None:
    """As real login pages: a page of another site cannot frame the consent screen and trick a
    click on Approve (the framed widget never tries, it opens a tab)."""
    page.goto(demo.url)
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(f"{demo.hub.url}/oauth/authorize?**")
    consent = page.url
    page.goto(f"{demo.origin}/{DEMO}")
    page.evaluate(
        """url => { const f = document.createElement('iframe'); f.src = url;
                    document.body.append(f); }""",
        consent,
    )
    page.wait_for_timeout(1000)
    framed = page.frames[-1]
    assert framed != page.main_frame
    assert framed.get_by_role("button", name="Approve").count() == 0
    assert "Authorize" not in (framed.evaluate("document.body?.innerText ?? ''") or "")
