"""``shinmun serve`` in Chromium: edits appear without a manual reload, CSS is swapped in place,
and a build error shows an overlay that goes away once the error is fixed."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from serve_support import TIMEOUT, edit, running
from waiting import wait_until

from shinmun_hf.pipeline.builder import BuildOptions
from shinmun_hf.serve import DevServer, ServeOptions
from shinmun_hf.serve.console import Console

pytestmark = pytest.mark.browser

WAIT_MS = 15_000
POST_URL = "/2024/3/hello/"
HELLO_DATE = "2024-03-05 10:00"
OTHER_DATE = "2024-02-01 10:00"


@pytest.fixture
def server(project):
    project.post("hello", title="Hello", date="2024-03-05 10:00", body="First version.")
    project.post("other", title="Other", date="2024-02-01 10:00", body="Other post.")
    with running(project.root) as server:
        yield server


def wait_for_streams(server: DevServer, holds: Callable[[int], bool]) -> None:
    """Wait until the number of live-reload streams connected to ``server`` ``holds``."""
    streams = server.broadcaster
    assert wait_until(lambda: holds(streams.listeners), TIMEOUT), f"{streams.listeners} streams"


def open_live(page: Page, server: DevServer, path: str) -> None:
    """Open ``path`` and wait until its live-reload stream is connected."""
    page.goto(server.url + path)
    wait_for_streams(server, lambda n: n >= 1)


def test_post_edit_appears_without_manual_reload(page, project, server):
    open_live(page, server, POST_URL)
    expect(page.locator("main")).to_contain_text("First version.")
    page.evaluate("window.__kept = 1")
    project.post("hello", title="Hello", date="2024-03-05 10:00", body="Second version.")
    expect(page.locator("main")).to_contain_text("Second version.", timeout=WAIT_MS)
    assert page.evaluate("window.__kept") is None  # it was a real reload


def test_page_connecting_late_reloads_only_for_a_change_of_its_own(page, project, server):
    """The event stream of a page still loading when a rebuild is announced connects after the
    announcement: the page must reload if that rebuild changed it, and only then."""
    held = []
    page.route("**/__shinmun/events*", lambda route: held.append(route))  # held till released

    def connect_late(change) -> None:
        pump_until(page, lambda: bool(held))
        edit(server, change)
        held.pop().continue_()

    page.goto(server.url + POST_URL)
    page.evaluate("window.__kept = 1")
    connect_late(lambda: project.post("other", title="Other", date=OTHER_DATE, body="Edit."))
    wait_for_streams(server, lambda n: n >= 1)
    page.wait_for_timeout(500)  # time to reload, were it going to
    assert page.evaluate("window.__kept") == 1

    page.reload()
    page.evaluate("window.__kept = 2")
    connect_late(lambda: project.post("hello", title="Hello", date=HELLO_DATE, body="New."))
    expect(page.locator("main")).to_contain_text("New.", timeout=WAIT_MS)
    assert page.evaluate("window.__kept") is None


HIDEABLE = """
let hidden = false;
for (const [name, value] of [["hidden", () => hidden],
                             ["visibilityState", () => (hidden ? "hidden" : "visible")]]) {
  Object.defineProperty(Document.prototype, name, { get: value, configurable: true });
}
window.__setHidden = (value) => {
  hidden = value;
  document.dispatchEvent(new Event("visibilitychange"));
};
"""


def test_a_tab_in_the_background_gives_up_its_stream_and_catches_up_when_shown(
    page, project, server
):
    """A browser opens six connections to one host: with a stream per tab, a seventh tab of
    the site would never load. A hidden tab closes its stream; shown again, it learns what
    it missed and reloads if that concerns it."""
    page.add_init_script(HIDEABLE)  # (headless Chromium shows every tab)
    open_live(page, server, POST_URL)
    page.evaluate("window.__kept = 1")
    page.evaluate("__setHidden(true)")
    wait_for_streams(server, lambda n: n == 0)
    edit(server, lambda: project.post("hello", title="Hello", date=HELLO_DATE, body="Hidden."))
    page.wait_for_timeout(300)
    assert page.evaluate("window.__kept") == 1  # nothing heard while hidden
    page.evaluate("__setHidden(false)")
    expect(page.locator("main")).to_contain_text("Hidden.", timeout=WAIT_MS)
    assert page.evaluate("window.__kept") is None
    wait_for_streams(server, lambda n: n == 1)


def test_page_reconnects_with_the_version_it_shows_now(page, project, server):
    """After a dropped stream the page reconnects saying which version it shows now, not the
    one it first loaded with (EventSource's own reconnection would repeat its first URL, and
    the server would then report changes the page already handled, or everything)."""
    first = server.rebuilder.state.version
    stream = (
        f'event: hello\ndata: {{"version": "{first}", "files": [], "everything": false}}\n\n'
        'event: change\ndata: {"version": "v.9", "files": ["css/x.css"], "everything": false}\n\n'
    )
    urls: list[str] = []

    def events(route) -> None:
        urls.append(route.request.url)
        if len(urls) == 1:  # a stream with one change to a stylesheet, then dropped
            route.fulfill(status=200, headers={"content-type": "text/event-stream"}, body=stream)
        else:
            route.abort()

    page.route("**/__shinmun/events*", events)
    page.goto(server.url + POST_URL)
    pump_until(page, lambda: len(urls) >= 2)
    assert f"since={first}" in urls[0]
    assert "since=v.9" in urls[1]


def pump_until(page: Page, condition, timeout_ms: int = WAIT_MS) -> None:
    """Wait for ``condition``, letting Playwright run its handlers (routes) meanwhile."""
    for _ in range(timeout_ms // 20):
        if condition():
            return
        page.wait_for_timeout(20)
    raise AssertionError("condition not met in time")


def test_edit_of_another_post_leaves_this_page_alone(page, project, server):
    open_live(page, server, POST_URL)
    page.evaluate("window.__kept = 1")
    project.post("other", title="Other", date="2024-02-01 10:00", body="Other, edited.")
    # events arrive in order: once a later CSS change shows, the edit's event was handled
    css = project.root / "public" / "css" / "style.css"
    css.write_text(css.read_text() + "\n:root { --after-edit: 1; }\n")
    page.wait_for_function(
        "() => getComputedStyle(document.documentElement)"
        ".getPropertyValue('--after-edit').trim() === '1'",
        timeout=WAIT_MS,
    )
    assert page.evaluate("window.__kept") == 1


def test_css_change_applies_without_reload(page, project, server):
    open_live(page, server, POST_URL)
    page.evaluate("window.__kept = 42")
    css = project.root / "public" / "css" / "style.css"
    css.write_text(css.read_text() + "\n:root { --shinmun-test: 7; }\n")
    page.wait_for_function(
        "() => getComputedStyle(document.documentElement)"
        ".getPropertyValue('--shinmun-test').trim() === '7'",
        timeout=WAIT_MS,
    )
    assert page.evaluate("window.__kept") == 42
    assert page.locator('link[rel="stylesheet"]').count() >= 1


def test_broken_front_matter_shows_overlay_until_fixed(page, project, server):
    open_live(page, server, POST_URL)
    post = project.root / "content" / "posts" / "hello.md"
    good = post.read_text()
    post.write_text("---\ntitle: [Hello <b>bold</b>\ndate: 2024-03-05\n---\nBroken.\n")
    overlay = page.locator("#shinmun-build-error")
    expect(overlay).to_be_visible(timeout=WAIT_MS)
    expect(overlay).to_contain_text("content/posts/hello.md")
    expect(overlay).to_contain_text("Hello <b>bold</b>")  # shown as text, not markup
    assert page.locator("#shinmun-build-error b").count() == 0

    post.write_text(good.replace("First version.", "Fixed version."))
    expect(page.locator("main")).to_contain_text("Fixed version.", timeout=WAIT_MS)
    expect(overlay).to_have_count(0)


def test_page_reconnects_and_reloads_after_a_server_restart(page, project, server):
    open_live(page, server, POST_URL)
    page.evaluate("window.__kept = 1")
    port = int(server.url.rsplit(":", 1)[1])
    server.__exit__(None, None, None)
    project.post("hello", title="Hello", date="2024-03-05 10:00", body="Edited while down.")
    options = ServeOptions(port=port, hub="huggingface", build=BuildOptions(dev=True))
    with DevServer(project.root, options, Console(io.StringIO(), io.StringIO())):
        expect(page.locator("main")).to_contain_text("Edited while down.", timeout=WAIT_MS)
        assert page.evaluate("window.__kept") is None
