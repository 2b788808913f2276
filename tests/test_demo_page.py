"""The example blog's demo page (content/pages/hf-oauth-demo.md) end to end, in Chromium.

The real example blog (config.yml, content/, layouts/, public/) is built against the local hub,
as ``make serve`` does, and a newcomer's first visit is played by clicking: sign in, approve on
the hub's consent page, ask, read the streamed answer, sign out. The widget's own behaviour
(attacks, faults, themes) is covered by test_widget_e2e.py, whose helpers are reused here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from test_example_blog import copy_example
from test_widget_e2e import (
    DEFAULT_MODEL,
    DEMO,
    QUESTION,
    RESULT_KEY,
    SIGN_IN,
    hub_answer,
    stored_token,
)

from shinmun_hf.pipeline.builder import Builder, BuildOptions
from shinmun_hf.project.config import load_config

pytest.importorskip("shinmun_hf.typescript", reason="needs the TypeScript bundler")
hub_package = pytest.importorskip("shinmun_hf.hub", reason="needs the local hub")
from shinmun_hf.serve.hub import hub_variables  # noqa: E402

pytestmark = pytest.mark.browser

WIDGET_SCRIPT = re.compile(r"/assets/apps/hf-oauth-demo\.[0-9a-f]+\.js\Z")
DOCUMENTED_EMBED = "@@typescript-file[my-chat](public/apps/my-chat.ts)"
"""The directive the page shows as an example, inside a fenced block: it must stay text."""
SEEN_TEXTS_JS = """
el => {
  window.seenTexts = [];
  new MutationObserver(() => window.seenTexts.push([performance.now(), el.textContent]))
    .observe(el, { subtree: true, childList: true, characterData: true });
}
"""
"""Records the answer's text (with a time) each time the page redraws it."""


@dataclass
class ExampleBlog:
    out: Path
    hub: Any
    """The running local hub (``.url``): what test_widget_e2e's helpers read from a ``Demo``."""
    model: str
    """The chat model the example blog's config.yml asks."""


@pytest.fixture(scope="module")
def blog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExampleBlog]:
    root = copy_example(tmp_path_factory.mktemp("demo-page"))
    # A loopback redirect URL without a port matches the page on any port, as on huggingface.co.
    callback = "http://127.0.0.1/oauth/callback/huggingface/"  # the example's callback page
    with hub_package.HubServer(redirect_uris=[callback]) as hub:
        options = BuildOptions(variables=hub_variables(hub.url, hub.client_id))
        result = Builder(root, root / "_site", options).build()
        assert result.warnings == []
        model = load_config(root).variables.get("HF_INFERENCE_MODEL") or DEFAULT_MODEL
        yield ExampleBlog(root / "_site", hub, model)


class _Tags(HTMLParser):
    """The start tags of a document, with their attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """The attributes of each ``tag`` element that has these attribute values."""
        return [
            found
            for name, found in self.tags
            if name == tag and all(found.get(key) == value for key, value in attrs.items())
        ]


def test_built_page_has_no_referrer_and_one_widget_script(blog: ExampleBlog) -> None:
    html = (blog.out / DEMO / "index.html").read_text(encoding="utf-8")
    tags = _Tags(html)
    assert [meta["content"] for meta in tags.find("meta", name="referrer")] == ["no-referrer"]
    modules = [script.get("src", "") for script in tags.find("script", type="module")]
    assert len(modules) == 1 and WIDGET_SCRIPT.search(modules[0]), modules
    assert (blog.out / modules[0].lstrip("/")).is_file()
    mounts = [found.get("id") for _, found in tags.tags if "data-shinmun-component" in found]
    assert mounts == ["hf-demo"]
    # the directive the authors' guide shows is text in a code block, not a component
    guide = (blog.out / "docs" / "sign-in" / "index.html").read_text(encoding="utf-8")
    assert DOCUMENTED_EMBED in guide
    assert 'id="my-chat"' not in guide and "data-shinmun-component" not in guide


def test_readers_get_a_short_page_and_authors_a_guide(
    page: Page, blog: ExampleBlog, serve_directory: Callable[[Path], str]
) -> None:
    """The demo page is for readers: the widget and how it works. Set-up, configuration,
    security, the API and troubleshooting are on the authors' guide it links to."""
    page.goto(f"{serve_directory(blog.out)}/{DEMO}")
    sections = page.locator(".content h2")
    expect(sections).to_have_text(["How it works"])
    assert len(page.locator(".content").inner_text().split()) < 250
    page.get_by_role("link", name="Sign-in with Hugging Face, for authors").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign-in with Hugging Face, for authors"
    )
    for section in (
        "Set up on huggingface.co",
        "Configuration",
        "Security model",
        "API reference",
        "Troubleshooting",
    ):
        expect(page.get_by_role("heading", name=section, exact=True)).to_have_count(1)


def test_newcomer_signs_in_asks_and_signs_out(
    page: Page, blog: ExampleBlog, serve_directory: Callable[[Path], str]
) -> None:
    url = f"{serve_directory(blog.out)}/{DEMO}"
    hub_requests: list[Any] = []
    page.on("request", lambda r: r.url.startswith(blog.hub.url) and hub_requests.append(r))
    page.goto(url)

    # The page: its title, no referrer, the widget near the top, saying it uses the test hub.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with Hugging Face")
    expect(page.locator("meta[name=referrer]")).to_have_attribute("content", "no-referrer")
    widget = page.locator("#hf-demo")
    expect(widget).to_contain_text("Using the local test hub")
    expect(widget).to_contain_text(blog.hub.url)
    assert page.evaluate(
        "document.getElementById('hf-demo').compareDocumentPosition("
        "document.querySelector('.content h2')) & Node.DOCUMENT_POSITION_FOLLOWING"
    ), "the widget comes before the first section"

    # Sign in: off to the hub's consent page for the test user, approve, back on the page.
    widget.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(f"{blog.hub.url}/**")
    expect(page.get_by_text("Signed in as @ada")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(lambda address: address.startswith(url))

    card = widget.locator(".hfd-user")
    expect(card).to_contain_text("Ada Lovelace")
    expect(card).to_contain_text("@ada")
    expect(card.locator("img")).to_be_visible()  # the avatar
    expect(page.get_by_role("alert")).to_be_empty()
    assert "code=" not in page.url and "state=" not in page.url

    # Ask: the answer streams in, piece by piece, from the model configured in config.yml,
    # formatted from the Markdown the hub sends.
    question = "What does this page do?"
    prompt = widget.get_by_label(QUESTION)
    expect(prompt).to_have_accessible_name(f"Your question for {blog.model}")
    prompt.fill(question)
    widget.locator("#hf-demo-answer").evaluate(SEEN_TEXTS_JS)  # (hidden until asked)
    widget.get_by_role("button", name="Ask").click()
    answer = widget.get_by_role("region", name="Answer")
    source = hub_answer(blog, stored_token(page), question, blog.model)
    assert question in source
    expect(answer).to_contain_text(f"You asked: “{question}”")
    expect(answer).to_contain_text(blog.model)
    expect(widget.get_by_role("button", name="Ask")).to_be_visible()
    expect(answer.locator("li")).to_have_count(source.count("\n- "))
    expect(answer.locator("pre")).to_have_count(1)
    expected = answer.text_content()
    seen = page.evaluate("window.seenTexts")
    partial = {text for _, text in seen if text and text != expected}
    assert len(partial) >= 3, f"the answer was not streamed: {seen}"
    assert seen[-1][0] - seen[0][0] >= 100, "the words arrived over time"
    expect(page.get_by_role("alert")).to_be_empty()

    # Sign out: back to the sign-in button, nothing kept.
    widget.get_by_role("button", name="Sign out").click()
    expect(widget.get_by_role("button", name=SIGN_IN)).to_be_visible()
    assert page.evaluate(f"sessionStorage.getItem('{RESULT_KEY}')") is None
    assert page.evaluate("localStorage.length") == 0

    # Nothing the page sent to the hub carried a Referer (the code never leaks through one).
    assert hub_requests
    assert [r.url for r in hub_requests if r.header_value("referer")] == []
