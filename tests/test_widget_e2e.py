"""The sign-in widget end to end, in Chromium: a static build with the default theme, served on
127.0.0.1, signing in against the local hub (issue 4).

Faults come from the hub's own switches (``settings.faults``, the ``test/...`` model names) where
it has them; the few it has not (an ``azp`` or ``sub`` changed in transit, an ``iss`` on the
redirect, a short ``Retry-After`` the page may read) are injected by Playwright between the page
and the hub. Stop and lines split across network chunks are tested against a slow event stream
of this module's own.
"""

from __future__ import annotations

import base64
import functools
import http.server
import itertools
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from conftest import REPO, Project
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

pytest.importorskip("shinmun_hf.typescript", reason="needs the TypeScript bundler")
hub_package = pytest.importorskip("shinmun_hf.hub", reason="needs the local hub")
HubServer, Faults = hub_package.HubServer, hub_package.Faults
from shinmun_hf.serve.hub import hub_variables  # noqa: E402

pytestmark = pytest.mark.browser

DEMO = "hf-oauth-demo/"
CALLBACK = "oauth/callback/huggingface/"
"""The one redirect URI: sign-in comes back there, then returns to the page it started on."""
TWO = "two-widgets/"
BARE = "no-front-matter/"
"""A page with the widget whose front matter says nothing about the referrer."""
SIGN_IN = "Sign in with Hugging Face"
QUESTION = re.compile("Your question")
RESULT_KEY = "hf-oauth:result"
EMBED = "@@typescript-file[{id}](public/apps/hf-oauth-demo.tsx)"
DEFAULT_MODEL = "openai/gpt-oss-20b"
"""The widget's default, when config.yml names none (the issue's choice)."""
CHAT = "/v1/chat/completions"


# --- the site, the hub and a slow stream ---------------------------------------------------


STRICT_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self'; "
    "connect-src http://127.0.0.1:*; img-src 'self' http://127.0.0.1:*"
)
"""No inline styles: the widget adopts its stylesheet (the variables script is inline)."""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    policy = ""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        if self.policy:
            self.send_header("content-security-policy", self.policy)
        super().end_headers()


class _StrictHandler(_QuietHandler):
    policy = STRICT_POLICY


def _serve(directory: Path, strict: bool = False) -> http.server.ThreadingHTTPServer:
    handler = _StrictHandler if strict else _QuietHandler
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _origin(server: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def _widget_project(root: Path) -> Project:
    """A blog with the default theme, the widget's sources and two pages embedding it."""
    project = Project(root)
    apps = REPO / "public" / "apps"
    for source in apps.rglob("*.ts*"):  # the widget and its library's modules
        project.write(f"public/apps/{source.relative_to(apps).as_posix()}", source.read_bytes())
    front = {"referrer": "no-referrer"}
    body = f"Ask away.\n\n{EMBED.format(id='hf-demo')}\n\nThe end.\n"
    project.page("hf-oauth-demo", title="Sign in with Hugging Face", body=body, **front)
    two = f"{EMBED.format(id='first')}\n\nBetween.\n\n{EMBED.format(id='second')}\n"
    project.page("two-widgets", title="Two widgets", body=two, **front)
    project.page("no-front-matter", title="Bare", body=f"{EMBED.format(id='hf-demo')}\n")
    callback = f"{EMBED.format(id='hf-demo')}\n"
    project.page("oauth/callback/huggingface", title="Signing in", body=callback, **front)
    return project


@dataclass
class Demo:
    origin: str
    strict_origin: str
    """The same site served with a strict Content-Security-Policy."""
    hub: Any

    @property
    def url(self) -> str:
        return f"{self.origin}/{DEMO}"

    def discovery(self) -> dict[str, Any]:
        return httpx.get(f"{self.hub.url}/.well-known/openid-configuration").json()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    project = _widget_project(tmp_path_factory.mktemp("widget") / "blog")
    servers = [_serve(project.out), _serve(project.out, strict=True)]
    origin, strict_origin = map(_origin, servers)
    pages = [f"{origin}/{CALLBACK}", f"{strict_origin}/{CALLBACK}"]
    try:
        with HubServer(redirect_uris=pages) as hub:
            project.build(variables=hub_variables(hub.url, hub.client_id))
            yield Demo(origin, strict_origin, hub)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture
def hub(demo: Demo) -> Iterator[Any]:
    """The module's hub, its fault switches reset after the test."""
    yield demo.hub
    demo.hub.settings.faults = Faults()


class _SlowStream(http.server.BaseHTTPRequestHandler):
    """A chat completion streamed slowly, each event split in the middle of its line."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _cors(self) -> None:
        self.send_header("access-control-allow-origin", "*")
        self.send_header("access-control-allow-headers", "authorization, content-type")
        self.send_header("access-control-allow-methods", "POST")

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self._cors()
        self.end_headers()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self._cors()
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        try:
            for i in range(400):
                chunk = {"choices": [{"index": 0, "delta": {"content": f" w{i}"}}]}
                event = f"data: {json.dumps(chunk)}\r\n\r\n".encode()
                for part in (event[:9], event[9:-1], event[-1:]):  # splits lines and "\r\n"
                    self.wfile.write(part)
                    self.wfile.flush()
                    time.sleep(0.01)
            self.wfile.write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reader stopped


@pytest.fixture(scope="module")
def slow_stream() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowStream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield _origin(server)
    server.shutdown()
    server.server_close()


# --- helpers -------------------------------------------------------------------------------


def sign_in(page: Page, demo: Demo, decision: str = "Approve", widget: str = "#hf-demo") -> None:
    """From the demo page: click the widget's sign-in button, decide on the hub, come back."""
    page.locator(widget).get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(f"{demo.hub.url}/**")
    page.get_by_role("button", name=decision).click()
    page.wait_for_url(lambda url: not url.startswith(demo.hub.url))  # back on the site


def signed_in(page: Page, demo: Demo) -> None:
    page.goto(demo.url)
    sign_in(page, demo)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def alert_code(page: Page, code: str) -> None:
    expect(page.get_by_role("alert")).to_have_attribute("data-code", code)


def stored_token(page: Page) -> str:
    return page.evaluate(f"JSON.parse(sessionStorage.getItem('{RESULT_KEY}')).accessToken")


def set_global(page: Page, name: str, value: object) -> None:
    page.evaluate("([name, value]) => { window[name] = value; }", [name, value])


def _b64json(part: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _b64(claims: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()


def tamper_id_token(page: Page, demo: Demo, **claims: object) -> None:
    """Change claims of the id_token on its way from the hub's token endpoint to the page."""

    def handle(route: Route) -> None:
        response = route.fetch()
        body = response.json()
        payload = body["id_token"].split(".")[1]
        # signed again with the hub's key: only the claims' own checks can catch it
        body["id_token"] = demo.hub.signer.id_token({**_b64json(payload), **claims})
        route.fulfill(response=response, json=body)

    page.route(demo.discovery()["token_endpoint"], handle)


CORS = {"access-control-allow-origin": "*", "access-control-expose-headers": "retry-after"}


def fail_inference(page: Page, demo: Demo, status: int, body: object, **headers: str) -> list[str]:
    """Answer the widget's chat requests with ``status``; returns the requests seen."""
    seen: list[str] = []

    def handle(route: Route) -> None:
        seen.append(route.request.method)
        route.fulfill(status=status, json=body, headers={**CORS, **headers})

    page.route(f"{demo.hub.url}/v1/chat/completions", handle)
    return seen


def stream_inference(page: Page, demo: Demo, events: str) -> None:
    """Answer the widget's chat requests with the event stream ``events``."""
    headers = {**CORS, "content-type": "text/event-stream"}
    page.route(
        f"{demo.hub.url}/v1/chat/completions",
        lambda route: route.fulfill(status=200, body=events, headers=headers),
    )


WATCH_FORMATTING_JS = """
el => new MutationObserver(() => {
  if (el.ariaBusy === 'true' && el.querySelector('li')) window.listWhileBusy = true;
}).observe(el, { subtree: true, childList: true, characterData: true })
"""
"""Notes whether the answer had a list item drawn while it was still streaming."""


def ask(page: Page, question: str = "What is a static site?") -> None:
    page.get_by_label(QUESTION).fill(question)
    page.get_by_role("button", name="Ask").click()


def hub_answer(demo: Demo, token: str, question: str, model: str = DEFAULT_MODEL) -> str:
    """The hub's reply to ``question`` alone, read directly (the hub's reply is deterministic):
    the Markdown source of what the widget shows."""
    body = {
        "model": model,
        "stream": True,
        "max_tokens": 512,
        "messages": [{"role": "user", "content": question}],
    }
    text = ""
    with httpx.stream(
        "POST",
        f"{demo.hub.url}/v1/chat/completions",
        json=body,
        headers={"authorization": f"Bearer {token}"},
    ) as response:
        for line in response.iter_lines():
            if line.startswith("data:") and line[5:].strip() != "[DONE]":
                chunk = json.loads(line[5:])
                for choice in chunk["choices"][:1]:  # (the usage chunk has none)
                    text += choice["delta"].get("content") or ""
    return text


# --- the journey ---------------------------------------------------------------------------


def test_journey_sign_in_ask_stream_sign_out(page: Page, demo: Demo) -> None:
    page.goto(demo.url)
    expect(page.get_by_text("Using the local test hub")).to_be_visible()
    # typed before signing in: survives the round trip to the hub
    page.get_by_label(QUESTION).fill("What is a static site?")
    sign_in(page, demo)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    token = stored_token(page)
    user = httpx.get(
        demo.discovery()["userinfo_endpoint"], headers={"authorization": f"Bearer {token}"}
    ).json()
    card = page.locator("#hf-demo .hfd-user")
    expect(card).to_contain_text(user["name"])
    expect(card).to_contain_text("@" + user["preferred_username"])
    expect(card.locator("img")).to_have_attribute("src", user["picture"])
    assert "code=" not in page.url and "state=" not in page.url
    assert page.evaluate("localStorage.length") == 0
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.includes('attempt'))") == []
    prompt = page.get_by_label(QUESTION)
    expect(prompt).to_have_value("What is a static site?")
    expect(prompt).to_be_focused()

    page.locator("#hf-demo-answer").evaluate(WATCH_FORMATTING_JS)  # (hidden until asked)
    answer = page.get_by_role("region", name="Answer")
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_role("button", name="Ask")).to_be_visible()
    source = hub_answer(demo, token, "What is a static site?")
    expect(answer).to_contain_text("You asked: “What is a static site?”")
    # The hub answers in Markdown: it shows as a list, code and a link, with no marks left.
    items = [line for line in source.split("\n") if line.startswith("- ")]
    expect(answer.locator("ul > li")).to_have_count(len(items))
    expect(answer.locator("pre > code")).to_contain_text("print(")
    expect(answer.get_by_role("link")).to_have_attribute("href", re.compile(r"^https://"))
    for mark in ("**", "```", "]("):
        expect(answer).not_to_contain_text(mark)
    assert page.evaluate("window.listWhileBusy"), "the list was drawn while the answer streamed"
    expect(page.get_by_role("alert")).to_be_empty()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name=SIGN_IN)).to_be_focused()
    assert page.evaluate(f"sessionStorage.getItem('{RESULT_KEY}')") is None


def test_reload_right_after_the_callback_keeps_the_sign_in(page: Page, demo: Demo) -> None:
    token_requests: list[str] = []
    token_endpoint = demo.discovery()["token_endpoint"]
    page.on("request", lambda r: r.url == token_endpoint and token_requests.append(r.url))
    signed_in(page, demo)
    page.reload()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("alert")).to_be_empty()
    assert len(token_requests) == 1


def test_new_tab_does_not_inherit_the_token(context: BrowserContext, demo: Demo) -> None:
    first = context.new_page()
    signed_in(first, demo)
    second = context.new_page()
    second.goto(demo.url)
    expect(second.get_by_role("button", name=SIGN_IN)).to_be_visible()


def test_two_widgets_on_a_page_share_the_sign_in(page: Page, demo: Demo) -> None:
    page.goto(f"{demo.origin}/{TWO}")
    sign_in(page, demo, widget="#second")
    for widget in ("#first", "#second"):
        expect(page.locator(widget).get_by_role("button", name="Sign out")).to_be_visible()
    page.locator("#first").get_by_role("button", name="Sign out").click()
    for widget in ("#first", "#second"):
        expect(page.locator(widget).get_by_role("button", name=SIGN_IN)).to_be_visible()


def test_static_space_variables_are_used_without_a_client_id(page: Page, demo: Demo) -> None:
    """On a static Space, Hugging Face injects window.huggingface.variables instead."""
    space = {
        "OAUTH_CLIENT_ID": demo.hub.client_id,
        "OAUTH_SCOPES": "openid profile inference-api",
        "OPENID_PROVIDER_URL": demo.hub.url,
    }
    # as if config.yml had no client id: the page's own assignment is ignored
    page.add_init_script(
        f"window.huggingface = {{ variables: {json.dumps(space)} }};"
        "Object.defineProperty(window, 'HF_OAUTH_CLIENT_ID', { get() {}, set() {} });"
    )
    signed_in(page, demo)
    assert page.evaluate("window.HF_OAUTH_CLIENT_ID") is None


def test_every_page_with_a_component_sends_no_referer(page: Page, demo: Demo) -> None:
    """The layout gives a page with a component no-referrer, whatever its front matter says:
    the callback's ?code=&state= must reach neither the page's own requests nor a link's."""
    requests: list[Any] = []
    page.on("request", lambda request: requests.append(request))
    page.goto(f"{demo.origin}/{BARE}?code=stolen&state=forged")
    expect(page.locator("meta[name=referrer]")).to_have_attribute("content", "no-referrer")
    alert_code(page, "state_mismatch")
    with page.expect_navigation() as home:
        page.locator("a.site-title").click()  # a same-origin link, to the home page
    assert home.value.url == f"{demo.origin}/"
    assert page.evaluate("document.referrer") == ""
    sent = requests[: requests.index(home.value.request) + 1]
    paths = {urlsplit(request.url).path for request in sent}
    assert {f"/{BARE}", "/css/style.css", "/"} <= paths
    assert any(path.startswith("/assets/") for path in paths)  # the widget's module
    assert [r.url for r in sent if "referer" in r.all_headers()] == []
    # a page without components keeps the default policy
    expect(page.locator("meta[name=referrer]")).to_have_attribute(
        "content", "strict-origin-when-cross-origin"
    )


def test_works_under_a_strict_content_security_policy(page: Page, demo: Demo) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    page.goto(f"{demo.strict_origin}/{DEMO}")
    sign_in(page, demo)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.locator("#hf-demo").evaluate("e => getComputedStyle(e).borderTopWidth") == "1px"
    assert violations == []


# --- attacks and faults in the sign-in -----------------------------------------------------


def test_access_denied_is_reported_as_text(page: Page, demo: Demo) -> None:
    page.goto(demo.url)
    sign_in(page, demo, decision="Deny")
    alert_code(page, "access_denied")
    expect(page.get_by_role("alert")).to_contain_text("not approved")
    assert page.get_by_role("alert").locator("*").count() == 0
    assert "error" not in page.url
    expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible()


def test_forged_state_is_rejected(page: Page, demo: Demo) -> None:
    page.goto(f"{demo.url}?code=stolen&state=forged")
    alert_code(page, "state_mismatch")
    assert page.url == demo.url  # stripped at once


def test_reused_state_is_rejected(page: Page, demo: Demo) -> None:
    callbacks: list[str] = []
    page.on("framenavigated", lambda frame: "code=" in frame.url and callbacks.append(frame.url))
    signed_in(page, demo)
    (callback,) = callbacks
    page.goto(callback)
    alert_code(page, "state_mismatch")


def test_state_expires_after_ten_minutes(page: Page, demo: Demo) -> None:
    page.goto(demo.url)
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(f"{demo.hub.url}/**")
    page.add_init_script("const now = Date.now; Date.now = () => now() + 11 * 60 * 1000;")
    page.get_by_role("button", name="Approve").click()
    alert_code(page, "state_expired")


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ({"id_token_nonce": "someone-elses"}, "nonce_mismatch"),
        ({"id_token_issuer": "https://evil.example"}, "id_token_iss"),
        ({"id_token_audience": "another-client"}, "id_token_aud"),
        ({"id_token_expired": True}, "id_token_expired"),
        ({"id_token_from_the_future": True}, "id_token_iat"),
        ({"id_token_alg": "none"}, "id_token_alg"),
        ({"id_token_alg": "HS256"}, "id_token_alg"),
        ({"id_token_forged": True}, "id_token_signature"),
        ({"id_token_kid": "another-key"}, "id_token_kid"),
    ],
    ids=["nonce", "iss", "aud", "exp", "iat", "alg-none", "hs256", "signature", "kid"],
)
def test_id_token_checks(page: Page, demo: Demo, hub: Any, fault: dict, code: str) -> None:
    hub.settings.faults = Faults(**fault)
    page.goto(demo.url)
    sign_in(page, demo)
    alert_code(page, code)
    expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible()
    assert page.evaluate(f"sessionStorage.getItem('{RESULT_KEY}')") is None


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"azp": "another-client"}, "id_token_azp"),
        ({"sub": "someone-else"}, "userinfo_sub_mismatch"),
    ],
    ids=["azp", "sub"],
)
def test_id_token_changed_in_transit(page: Page, demo: Demo, claims: dict, code: str) -> None:
    tamper_id_token(page, demo, **claims)
    page.goto(demo.url)
    sign_in(page, demo)
    alert_code(page, code)


@pytest.mark.parametrize("azp", [None, "another-client"])
def test_an_id_token_for_more_audiences_needs_this_app_as_its_party(
    page: Page, demo: Demo, azp: str | None
) -> None:
    """OpenID Connect Core 3.1.3.7 steps 3 and 4: other audiences are trusted only through
    azp naming this app."""
    claims: dict[str, object] = {"aud": [demo.hub.client_id, "another-client"]}
    if azp:
        claims["azp"] = azp
    tamper_id_token(page, demo, **claims)
    page.goto(demo.url)
    sign_in(page, demo)
    alert_code(page, "id_token_aud")
    assert page.evaluate(f"sessionStorage.getItem('{RESULT_KEY}')") is None


def test_an_id_token_for_more_audiences_with_this_app_as_party_signs_in(
    page: Page, demo: Demo
) -> None:
    client = demo.hub.client_id
    tamper_id_token(page, demo, aud=[client, "another-client"], azp=client)
    signed_in(page, demo)


def test_id_token_expiry_allows_clock_skew(page: Page, demo: Demo) -> None:
    tamper_id_token(page, demo, exp=int(time.time()) - 20)
    signed_in(page, demo)


def test_discovery_issuer_mismatch_stops_before_leaving(page: Page, demo: Demo, hub: Any) -> None:
    hub.settings.faults = Faults(discovery_issuer="https://evil.example")
    page.goto(demo.url)
    page.get_by_role("button", name=SIGN_IN).click()
    alert_code(page, "issuer_mismatch")
    assert page.url == demo.url


def test_a_plain_http_provider_is_refused_before_any_request(page: Page, demo: Demo) -> None:
    """RFC 6749 §3.1: not even the discovery document is read over plain http (not loopback)."""
    seen: list[str] = []
    page.route(
        "http://hub.example/**", lambda route: (seen.append(route.request.url), route.abort())
    )
    page.goto(demo.url)
    set_global(page, "HF_OPENID_PROVIDER_URL", "http://hub.example")
    page.get_by_role("button", name=SIGN_IN).click()
    alert_code(page, "insecure_endpoint")
    expect(page.get_by_role("alert")).to_contain_text("must be an https URL")
    assert seen == [] and page.url == demo.url


def test_scopes_separated_by_any_whitespace_are_normalised(
    page: Page, demo: Demo, hub: Any
) -> None:
    hub.settings.faults = Faults(id_token_nonce="someone-elses")
    page.goto(demo.url)
    set_global(page, "HF_OAUTH_SCOPES", "openid\tprofile\n  inference-api")
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(f"{demo.hub.url}/oauth/authorize?**")
    assert parse_qs(urlsplit(page.url).query)["scope"] == ["openid profile inference-api"]
    page.get_by_role("button", name="Approve").click()
    alert_code(page, "nonce_mismatch")  # `openid` was recognised: the id_token was checked


def test_wrong_iss_on_the_redirect_is_rejected(page: Page, demo: Demo) -> None:
    """RFC 9207: accepted when absent (the hub, like huggingface.co, does not send it)."""

    def add_iss(route: Route) -> None:
        # Redirects are not routed: rewrite the hub's answer to the consent form instead.
        response = route.fetch(max_redirects=0)
        location = response.headers.get("location", "")
        if not location.startswith(f"{demo.origin}/{CALLBACK}"):
            route.fulfill(response=response)
            return
        evil = location + "&iss=https%3A%2F%2Fevil.example"
        route.fulfill(status=302, headers={"location": evil})

    page.goto(demo.url)
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(f"{demo.hub.url}/**")
    page.route(f"{demo.hub.url}/**", add_iss)
    page.get_by_role("button", name="Approve").click()
    alert_code(page, "iss_mismatch")


def test_two_sign_ins_at_once_do_not_collide(context: BrowserContext, demo: Demo) -> None:
    first = context.new_page()
    first.goto(demo.url)
    with context.expect_page() as opened:  # a tab opened from the page copies its sessionStorage
        first.evaluate("window.open(location.href)")
    second = opened.value
    for tab in (first, second):
        expect(tab.get_by_role("button", name=SIGN_IN)).to_be_visible()
        tab.get_by_role("button", name=SIGN_IN).click()
        tab.wait_for_url(f"{demo.hub.url}/**")
    second.get_by_role("button", name="Approve").click()
    first.get_by_role("button", name="Approve").click()
    for tab in (first, second):
        expect(tab.get_by_role("button", name="Sign out")).to_be_visible()


def test_an_earlier_attempt_in_the_same_tab_still_completes(page: Page, demo: Demo) -> None:
    page.goto(demo.url)
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(f"{demo.hub.url}/**")
    earlier = page.url
    page.go_back()
    expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible()  # not stuck "signing in"
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(f"{demo.hub.url}/**")
    page.goto(earlier)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_an_expired_stored_token_is_dropped(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    # 30 s from now is inside the clock-skew margin: treated as expired already
    page.evaluate(f"""() => {{
        const saved = JSON.parse(sessionStorage.getItem('{RESULT_KEY}'));
        saved.accessTokenExpiresAt = new Date(Date.now() + 30000).toISOString();
        sessionStorage.setItem('{RESULT_KEY}', JSON.stringify(saved));
    }}""")
    page.reload()
    expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible()
    assert page.evaluate(f"sessionStorage.getItem('{RESULT_KEY}')") is None


def test_config_values_cannot_break_out_of_the_script(
    page: Page, demo: Demo, tmp_path: Path
) -> None:
    hostile = "</script><script>window.pwned = 1</script><img src=x onerror='window.pwned = 2'>"
    project = _widget_project(tmp_path / "blog")
    project.build(
        variables={**hub_variables(demo.hub.url, demo.hub.client_id), "HF_INFERENCE_MODEL": hostile}
    )
    server = _serve(project.out)
    try:
        page.goto(f"{_origin(server)}/{DEMO}")
        expect(page.get_by_text(f"Your question for {hostile}")).to_be_visible()
        assert page.evaluate("window.HF_INFERENCE_MODEL") == hostile
        assert page.evaluate("window.pwned") is None
    finally:
        server.shutdown()
        server.server_close()


# --- inference errors and Stop -------------------------------------------------------------


@pytest.mark.parametrize("how", ["revoked", "test/unauthorized"])
def test_401_signs_out_and_asks_to_sign_in_again(page: Page, demo: Demo, how: str) -> None:
    signed_in(page, demo)
    if how == "revoked":
        demo.hub.state.revoke_all()  # the user revoked the app on the hub
    else:
        set_global(page, "HF_INFERENCE_MODEL", how)
    ask(page)
    alert_code(page, "401")
    expect(page.get_by_role("alert")).to_contain_text("sign in again")
    expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible()
    assert page.evaluate(f"sessionStorage.getItem('{RESULT_KEY}')") is None
    expect(page.get_by_label(QUESTION)).to_have_value("What is a static site?")


def test_402_explains_credits(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    set_global(page, "HF_INFERENCE_MODEL", "test/no-credits")
    ask(page)
    alert_code(page, "402")
    expect(page.get_by_role("alert")).to_contain_text("no inference credits left")
    expect(page.get_by_role("alert")).to_contain_text("exceeded your monthly included credits")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.mark.parametrize(
    ("model", "status", "words"),
    [("test/rate-limited", 429, "rate-limiting"), ("test/unavailable", 503, "unavailable")],
)
def test_busy_is_retried_twice_then_explained(
    page: Page, demo: Demo, model: str, status: int, words: str
) -> None:
    signed_in(page, demo)
    set_global(page, "HF_INFERENCE_MODEL", model)
    before = demo.hub.state.requests[model]
    ask(page)
    expect(page.get_by_role("alert")).to_have_attribute("data-code", str(status), timeout=10_000)
    expect(page.get_by_role("alert")).to_contain_text(words)
    assert demo.hub.state.requests[model] - before == 3  # the request and two retries


STATUS_TIMES_JS = """
el => {
  window.statusTimes = [[performance.now(), el.textContent]];
  new MutationObserver(() => window.statusTimes.push([performance.now(), el.textContent]))
    .observe(el, { subtree: true, childList: true, characterData: true });
}
"""
"""Records each text the status line shows, with when it appeared."""


def test_a_flaky_model_answers_on_the_third_try(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    set_global(page, "HF_INFERENCE_MODEL", "test/flaky")  # 503 with Retry-After: 0, twice
    page.get_by_role("status").evaluate(STATUS_TIMES_JS)
    ask(page)
    expect(page.get_by_role("region", name="Answer")).to_contain_text("You asked", timeout=10_000)
    expect(page.get_by_role("alert")).to_be_empty()
    # "retrying" stayed on screen long enough to read, not a flash before the answer
    times = page.evaluate("window.statusTimes")
    shown = [i for i, (_, text) in enumerate(times) if "retrying" in text]
    assert shown, times
    gone = next(i for i in range(shown[0], len(times)) if "retrying" not in times[i][1])
    assert times[gone][0] - times[shown[0]][0] >= 1_500, times


def test_stop_while_waiting_to_retry_stops_at_once(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    seen = fail_inference(page, demo, 503, {"error": "Busy"}, **{"retry-after": "8"})
    ask(page)
    expect(page.get_by_role("status")).to_contain_text("retrying")
    page.get_by_role("button", name="Stop").click()
    expect(page.get_by_role("status")).to_have_text("Stopped.", timeout=1_000)
    page.wait_for_timeout(300)
    assert seen == ["POST"]  # no retry after Stop


def test_a_short_retry_after_is_honoured_but_never_under_a_second(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    times: list[float] = []

    def handle(route: Route) -> None:
        times.append(time.monotonic())
        headers = {**CORS, "retry-after": "0"}
        route.fulfill(status=429, json={"error": "Slow down"}, headers=headers)

    page.route(f"{demo.hub.url}{CHAT}", handle)
    ask(page)
    alert_code(page, "429")
    assert len(times) == 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert all(gap >= 0.95 for gap in gaps), gaps  # a second at least, even after "0"
    assert gaps[1] < 1.8, gaps  # Retry-After, not the 1 s + 2 s backoff


def test_errors_name_the_local_hub_not_hugging_face(page: Page, demo: Demo) -> None:
    """Under ``serve --hub local`` (HF_LOCAL_HUB) nothing talks to Hugging Face: errors say so."""
    signed_in(page, demo)
    alert = page.get_by_role("alert")
    set_global(page, "HF_INFERENCE_MODEL", "test/no-credits")
    ask(page)
    alert_code(page, "402")
    expect(alert).to_contain_text("no inference credits left on the local test hub")
    expect(alert).not_to_contain_text("Hugging Face")
    page.route(f"{demo.hub.url}{CHAT}", lambda route: route.abort())
    ask(page)
    alert_code(page, "error")
    expect(alert).to_have_text(
        "Could not reach the local test hub: is shinmun serve still running?"
    )
    # a deployed site's widget names Hugging Face
    set_global(page, "HF_LOCAL_HUB", False)
    ask(page)
    expect(alert).to_have_text("Could not reach Hugging Face. Check your connection and try again.")


def test_403_says_the_sign_in_lacks_the_inference_scope(page: Page, demo: Demo) -> None:
    page.goto(demo.url)
    set_global(page, "HF_OAUTH_SCOPES", "openid profile")  # no inference-api
    sign_in(page, demo)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    ask(page)
    alert_code(page, "403")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("lacks the inference-api scope")
    expect(alert).to_contain_text("HF_OAUTH_SCOPES")
    expect(alert).to_contain_text("sign in again")


def test_a_plain_http_inference_url_never_gets_the_token(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    seen: list[str] = []
    page.route(
        "http://router.example/**", lambda route: (seen.append(route.request.url), route.abort())
    )
    set_global(page, "HF_INFERENCE_URL", "http://router.example/v1")
    ask(page)
    alert_code(page, "insecure_endpoint")
    expect(page.get_by_role("alert")).to_contain_text("inference URL must be an https URL")
    assert seen == []
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_stream_cut_off_before_done_is_an_error(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    set_global(page, "HF_INFERENCE_MODEL", "test/truncated")
    ask(page)
    alert_code(page, "0")
    expect(page.get_by_role("alert")).to_contain_text("cut off")
    expect(page.get_by_role("region", name="Answer")).to_have_text("You asked: “What ")


def test_error_inside_the_stream_is_shown_after_the_text_so_far(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    set_global(page, "HF_INFERENCE_MODEL", "test/mid-stream-error")
    ask(page)
    alert_code(page, "0")
    expect(page.get_by_role("alert")).to_contain_text("failed mid-stream")
    expect(page.get_by_role("region", name="Answer")).to_have_text("You asked: “What ")


def test_errors_are_text_never_markup(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    events = (
        'data: {"choices":[{"index":0,"delta":{"content":"<img src=x onerror=alert(1)>"}}]}\n\n'
        'data: {"error":{"message":"Model crashed <b>hard</b>"}}\n\n'
    )
    stream_inference(page, demo, events)
    ask(page)
    alert_code(page, "0")
    expect(page.get_by_role("alert")).to_contain_text("Model crashed <b>hard</b>")
    answer = page.get_by_role("region", name="Answer")
    expect(answer).to_have_text("<img src=x onerror=alert(1)>")
    assert page.locator(".hfd img, .hfd b").count() == 1  # the avatar only


@pytest.mark.parametrize("line", ["data: {not json", "data: null", "data: 42"])
def test_a_garbled_stream_is_reported_as_such(page: Page, demo: Demo, line: str) -> None:
    """Not a network failure: the connection worked, what came over it did not."""
    signed_in(page, demo)
    events = 'data: {"choices":[{"index":0,"delta":{"content":"Part"}}]}\n\n' + line + "\n\n"
    stream_inference(page, demo, events)
    ask(page)
    alert_code(page, "0")
    expect(page.get_by_role("alert")).to_contain_text("garbled")
    expect(page.get_by_role("region", name="Answer")).to_have_text("Part")


def test_stop_during_streaming(page: Page, demo: Demo, slow_stream: str) -> None:
    signed_in(page, demo)
    set_global(page, "HF_INFERENCE_URL", slow_stream)
    ask(page)
    answer = page.get_by_role("region", name="Answer")
    expect(answer).to_contain_text("w3")  # lines split across chunks arrive whole
    page.get_by_role("button", name="Stop").click()
    expect(page.get_by_role("status")).to_have_text("Stopped.")
    expect(page.get_by_role("button", name="Ask")).to_be_visible()
    text = answer.text_content() or ""
    assert re.fullmatch(r"( w\d+)+", text)
    page.wait_for_timeout(300)
    assert answer.text_content() == text  # nothing arrives after Stop
    expect(page.get_by_role("alert")).to_be_empty()


def test_signing_out_while_an_answer_streams_stops_it_at_once(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    set_global(page, "HF_INFERENCE_MODEL", "test/slow")
    ask(page, "What is a static site?")
    answer = page.get_by_role("region", name="Answer")
    expect(answer).to_contain_text("asked")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible(timeout=2_000)
    conversation = page.locator("#hf-demo .hfd-log")
    expect(conversation).to_be_hidden()
    expect(conversation).to_have_text("")
    page.wait_for_timeout(600)  # a slow word every 0.25 s: none may arrive now
    expect(conversation).to_have_text("")
    expect(page.get_by_role("status")).to_be_empty()
    assert page.evaluate(f"sessionStorage.getItem('{RESULT_KEY}')") is None


def test_signing_out_leaves_nothing_of_the_user_behind(page: Page, demo: Demo) -> None:
    """On a shared browser, the next person sees neither the question nor the answer, and no
    unfinished sign-in of the last one stays stored."""
    signed_in(page, demo)
    ask(page, "A private question")
    answer = page.get_by_role("region", name="Answer")
    expect(answer).to_contain_text("A private question")
    page.evaluate(
        "sessionStorage.setItem('hf-oauth:attempt:abandoned',"
        " JSON.stringify({createdAt: Date.now()}))"
    )
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible()
    expect(page.locator("#hf-demo .hfd-log")).to_have_text("")  # neither question nor answer
    expect(page.get_by_label(QUESTION)).to_have_value("")
    assert page.evaluate("Object.keys(sessionStorage)") == []
    page.reload()
    expect(page.get_by_label(QUESTION)).to_have_value("")


def test_ctrl_enter_asks_and_escape_stops(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    set_global(page, "HF_INFERENCE_MODEL", "test/slow")
    prompt = page.get_by_label(QUESTION)
    prompt.fill("Count")
    prompt.press("Control+Enter")
    expect(page.get_by_role("region", name="Answer")).to_contain_text("asked")
    page.keyboard.press("Escape")
    expect(page.get_by_role("status")).to_have_text("Stopped.")
    expect(page.get_by_role("region", name="Answer")).not_to_contain_text("answering as")


# --- the chat ------------------------------------------------------------------------------


def sse(deltas: list[dict[str, str]]) -> str:
    """An event stream of these deltas, ending with ``[DONE]``."""
    chunks = [{"choices": [{"index": 0, "delta": delta}]} for delta in deltas]
    return "".join(f"data: {json.dumps(chunk)}\n\n" for chunk in chunks) + "data: [DONE]\n\n"


def pieces(text: str, size: int) -> list[dict[str, str]]:
    """``text`` as content deltas of ``size`` characters: marks fall across deltas."""
    return [{"content": text[i : i + size]} for i in range(0, len(text), size)]


def sent_messages(page: Page) -> list[list[dict[str, str]]]:
    """The messages of each chat request the page sends from now on."""
    sent: list[list[dict[str, str]]] = []
    page.on(
        "request",
        lambda r: (
            r.url.endswith("/chat/completions")
            and r.method == "POST"
            and sent.append(r.post_data_json["messages"])
        ),
    )
    return sent


def answered(page: Page) -> None:
    expect(page.get_by_role("button", name="Ask")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("region", name="Answer")).to_have_attribute("aria-busy", "false")


def test_a_follow_up_question_keeps_the_conversation(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    sent = sent_messages(page)
    answer = page.get_by_role("region", name="Answer")
    ask(page, "What is a static site?")
    expect(answer).to_contain_text("I received 1 message;")
    expect(page.get_by_label(QUESTION)).to_have_value("")  # ready for the next question
    ask(page, "And how do I deploy one?")
    expect(answer).to_contain_text("You asked: “And how do I deploy one?”. I received 3 messages;")
    answered(page)
    # The first turn is still on show, above the second, and was sent whole with it.
    log = page.locator("#hf-demo .hfd-log")
    expect(log.locator(".hfd-q")).to_have_text(
        ["What is a static site?", "And how do I deploy one?"]
    )
    expect(log.locator("li")).to_have_count(4)  # both answers' lists
    first = hub_answer(demo, stored_token(page), "What is a static site?")
    assert sent[1] == [
        {"role": "user", "content": "What is a static site?"},
        {"role": "assistant", "content": first},
        {"role": "user", "content": "And how do I deploy one?"},
    ]

    page.get_by_role("button", name="Start over").click()
    expect(log).to_be_hidden()
    expect(page.get_by_label(QUESTION)).to_be_focused()
    ask(page, "Fresh start?")
    expect(answer).to_contain_text("I received 1 message;")
    assert sent[2] == [{"role": "user", "content": "Fresh start?"}]


def test_a_long_conversation_is_trimmed_from_its_oldest_turns(page: Page, demo: Demo) -> None:
    """Turns are dropped, oldest first, once the conversation would pass 24,000 characters; the
    question is still asked."""
    signed_in(page, demo)
    sent = sent_messages(page)
    answer = page.get_by_role("region", name="Answer")
    long = "x" * 9_000  # the hub's answer quotes it: a turn of some 18,000 characters
    for question, received in [("A" + long, 1), ("B" + long, 1), ("short", 3)]:
        ask(page, question)
        expect(answer).to_contain_text(f"I received {received} message")
        answered(page)
    assert [len(messages) for messages in sent] == [1, 1, 3]
    assert sent[2][0]["content"] == "B" + long  # the latest turns stay
    expect(page.get_by_role("alert")).to_be_empty()


FORMATTED = (
    "Static sites are **fast** and *cheap*, with `no server`.\n\n"
    "1. Write Markdown\n"
    "2. Run `shinmun build`\n"
    "   - a nested point\n\n"
    "```sh\nshinmun build --space && echo 'a line long enough to scroll on a phone'\n```\n\n"
    "| Host | Cost |\n|---|---|\n| Pages | free |\n\n"
    "> Quoted.\n\n"
    "See [the docs](https://huggingface.co/docs) or https://example.org/page."
)


def test_a_formatted_answer(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    stream_inference(page, demo, sse(pieces(FORMATTED, 3)))
    ask(page)
    answer = page.get_by_role("region", name="Answer")
    expect(answer.locator("p strong")).to_have_text("fast")
    expect(answer.locator("p em")).to_have_text("cheap")
    expect(answer.locator(":scope > p code")).to_have_text("no server")
    expect(answer.locator("ol > li")).to_have_count(2)
    expect(answer.locator("ol > li").nth(1).locator("code")).to_have_text("shinmun build")
    expect(answer.locator("ol > li ul > li")).to_have_text("a nested point")
    code = answer.locator("pre > code")
    expect(code).to_have_text(re.compile(r"^shinmun build --space && echo"))
    assert code.evaluate("c => getComputedStyle(c).fontFamily").find("monospace") >= 0
    assert answer.locator("pre").evaluate("p => getComputedStyle(p).overflowX") == "auto"
    expect(answer.locator("th")).to_have_text(["Host", "Cost"])
    expect(answer.locator("td")).to_have_text(["Pages", "free"])
    expect(answer.locator("blockquote")).to_have_text("Quoted.")
    links = answer.get_by_role("link")
    expect(links).to_have_count(2)
    expect(links.first).to_have_text("the docs")
    expect(links.first).to_have_attribute("href", "https://huggingface.co/docs")
    expect(links.last).to_have_attribute("href", "https://example.org/page")  # not the period
    for link in (links.first, links.last):
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_attribute("rel", "noopener noreferrer")
    for mark in ("**", "`", "](", "|", "> "):
        expect(answer).not_to_contain_text(mark)


HOSTILE = (
    "<script>window.pwned = 1</script>\n\n"
    '<img src=x onerror="window.pwned = 2"> **<b onclick=alert(1)>bold</b>**\n\n'
    "[one](javascript:window.pwned=3) [two](JaVaScRiPt:window.pwned=4) "
    "[three](data:text/html,<script>alert(1)</script>) [four](/relative) "
    '[five](vbscript:alert(1)) <a href="javascript:window.pwned=5">six</a> '
    '![pixel](https://tracker.example/p.gif) <https://ok.example/" onmouseover="alert(1)>\n\n'
    "```html\n<iframe src=javascript:alert(1)></iframe>\n```\n\n"
    "- <svg onload=window.pwned=6>\n\n"
    "| <style>.hfd{display:none}</style> | x |\n|---|---|\n"
    "| <form><button formaction=javascript:alert(1)>go</button></form> | y |"
)
ALLOWED_TAGS = {"P", "STRONG", "EM", "DEL", "CODE", "PRE", "UL", "OL", "LI", "BLOCKQUOTE", "HR"}
ALLOWED_TAGS |= {"BR", "A", "DIV", "TABLE", "TR", "TH", "TD"}


@pytest.mark.parametrize("size", [1, 4, 4096], ids=["by-character", "in-pieces", "at-once"])
def test_a_hostile_answer_stays_text(page: Page, demo: Demo, size: int) -> None:
    """Markup, scripts, event handlers and non-http links in an answer cannot get in, however
    the answer is cut into pieces on its way."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    signed_in(page, demo)
    stream_inference(page, demo, sse(pieces(HOSTILE, size)))
    ask(page)
    answered(page)
    answer = page.get_by_role("region", name="Answer")
    expect(answer).to_contain_text("<script>window.pwned = 1</script>")
    expect(answer).to_contain_text('<img src=x onerror="window.pwned = 2">')
    expect(answer.locator("pre code")).to_have_text("<iframe src=javascript:alert(1)></iframe>")
    elements = answer.evaluate(
        """a => [...a.querySelectorAll('*')].map(e => [e.tagName,
             [...e.attributes].map(x => [x.name, x.value])])"""
    )
    assert {tag for tag, _ in elements} <= ALLOWED_TAGS
    attributes = {name for _, pairs in elements for name, _ in pairs}
    assert attributes <= {"href", "rel", "target", "class"}, attributes
    hrefs = [value for _, pairs in elements for name, value in pairs if name == "href"]
    assert hrefs and all(re.match(r"https://(tracker|ok)\.example/", href) for href in hrefs)
    for text in ("one", "two", "three", "four", "five"):
        expect(answer.get_by_role("link", name=text, exact=True)).to_have_count(0)  # text only
    assert page.evaluate("window.pwned") is None
    assert not [url for url in requests if "tracker.example" in url]  # an image is not loaded
    expect(page.locator("#hf-demo")).to_be_visible()


def test_a_reasoning_model_thinks_apart_from_its_answer(page: Page, demo: Demo, hub: Any) -> None:
    signed_in(page, demo)
    set_global(page, "HF_INFERENCE_MODEL", "test/reasoning")
    hub.settings.stream_delay = 0.06  # the thinking takes most of a second
    try:
        ask(page)
        thoughts = page.locator("#hf-demo details")
        expect(thoughts.locator("summary")).to_have_text("Thinking…")
        expect(page.get_by_role("status")).to_have_text("Thinking…")
        expect(page.locator("#hf-demo-answer")).to_be_empty()  # (and hidden, so not by role)
        answered(page)
    finally:
        hub.settings.stream_delay = 0.02
    token = stored_token(page)
    thinking = httpx.post(
        f"{demo.hub.url}{CHAT}",
        headers={"authorization": f"Bearer {token}"},
        json={"model": "test/reasoning", "messages": [{"role": "user", "content": "x"}]},
    ).json()["choices"][0]["message"]["reasoning"]
    answer = page.get_by_role("region", name="Answer")
    expect(answer).to_contain_text("You asked")
    expect(answer).not_to_contain_text(thinking[:20])
    expect(thoughts.locator("summary")).to_have_text("Reasoning")
    expect(thoughts).not_to_have_attribute("open", "")  # folded
    expect(thoughts.get_by_text(thinking)).to_be_hidden()
    thoughts.locator("summary").click()
    expect(thoughts.get_by_text(thinking)).to_be_visible()


def test_reasoning_content_deltas_are_thinking_too(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    stream_inference(
        page, demo, sse([{"reasoning_content": "Let me think."}, {"content": "Forty-two."}])
    )
    ask(page)
    expect(page.get_by_role("region", name="Answer")).to_have_text("Forty-two.")
    expect(page.locator("#hf-demo details")).to_contain_text("Let me think.")


def test_streaming_shows_progress_and_announces_only_the_whole_answer(
    page: Page, demo: Demo, hub: Any
) -> None:
    signed_in(page, demo)
    live = page.locator("#hf-demo [aria-live=polite]")
    expect(live).to_have_count(1)
    answer = page.get_by_role("region", name="Answer")
    assert page.locator("#hf-demo-answer").get_attribute("aria-live") is None  # not by token
    live.evaluate(
        "el => { window.announced = []; new MutationObserver(() => "
        "window.announced.push(el.textContent)).observe(el, "
        "{ subtree: true, childList: true, characterData: true }); }"
    )
    hub.settings.stream_delay = 0.05
    try:
        ask(page)
        expect(page.get_by_role("status")).to_have_text("Answering…")
        expect(answer).to_have_attribute("aria-busy", "true")
        cursor = answer.evaluate("a => getComputedStyle(a.lastElementChild, '::after').content")
        assert cursor not in ("none", "normal", '""')  # a cursor after the text so far
        expect(page.get_by_role("button", name="Stop")).to_be_visible()
        answered(page)
    finally:
        hub.settings.stream_delay = 0.02
    expect(page.get_by_role("status")).to_be_empty()
    announced = [text for text in page.evaluate("window.announced") if text]
    assert len(announced) == 1
    assert "You asked: “What is a static site?”" in announced[0] and "print(" in announced[0]


def test_stop_keeps_the_answer_so_far_in_the_conversation(
    page: Page, demo: Demo, slow_stream: str
) -> None:
    signed_in(page, demo)
    sent = sent_messages(page)
    set_global(page, "HF_INFERENCE_URL", slow_stream)
    ask(page, "Count")
    answer = page.get_by_role("region", name="Answer")
    expect(answer).to_contain_text("w3")
    page.get_by_role("button", name="Stop").click()
    expect(page.get_by_role("status")).to_have_text("Stopped.")
    partial = (answer.text_content() or "").strip()
    set_global(page, "HF_INFERENCE_URL", f"{demo.hub.url}/v1")
    ask(page, "Go on")
    expect(answer).to_contain_text("I received 3 messages;")
    assert sent[1][1]["role"] == "assistant" and sent[1][1]["content"].strip() == partial


def test_an_empty_question_gets_a_message(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    sent = sent_messages(page)
    ask(page, "  \n ")
    alert_code(page, "empty")
    expect(page.get_by_role("alert")).to_have_text("Type a question first.")
    expect(page.get_by_label(QUESTION)).to_be_focused()
    ask(page, "Now a real one")
    expect(page.get_by_role("alert")).to_be_empty()
    expect(page.get_by_role("region", name="Answer")).to_contain_text("Now a real one")
    assert len(sent) == 1


@pytest.mark.parametrize(
    ("platform", "key", "shown"), [("Win32", "Control", "Ctrl"), ("MacIntel", "Meta", "⌘")]
)
def test_the_send_shortcut_matches_the_platform(
    browser: Browser, demo: Demo, platform: str, key: str, shown: str
) -> None:
    context = browser.new_context()
    context.add_init_script(
        f"Object.defineProperty(Navigator.prototype, 'platform', {{ get: () => '{platform}' }})"
    )
    page = context.new_page()
    try:
        signed_in(page, demo)
        prompt = page.get_by_label(QUESTION)
        expect(prompt).to_have_accessible_description(
            re.compile(f"^{re.escape(shown)}\\+Enter sends")
        )
        prompt.fill("Shortcut?")
        prompt.press(f"{key}+Enter")
        expect(page.get_by_role("region", name="Answer")).to_contain_text("Shortcut?")
    finally:
        context.close()


def test_no_shortcut_is_shown_on_a_touch_screen(browser: Browser, demo: Demo) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    try:
        signed_in(page, demo)
        assert page.evaluate("matchMedia('(pointer:coarse)').matches")
        description = page.locator("#hf-demo-hint")
        expect(description).to_contain_text("credits")
        expect(description).not_to_contain_text("Enter")
    finally:
        context.close()


def test_a_model_no_provider_serves_is_explained(page: Page, demo: Demo) -> None:
    signed_in(page, demo)
    set_global(page, "HF_INFERENCE_MODEL", "test/not-served")
    ask(page)
    alert_code(page, "400")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("No Inference Provider serves test/not-served for chat")
    expect(alert).to_contain_text("HF_INFERENCE_MODEL")
    expect(alert).to_contain_text(DEFAULT_MODEL)


def test_an_organisation_pays_when_configured(page: Page, demo: Demo) -> None:
    org = demo.hub.settings.user.orgs[0]["preferred_username"]
    page.add_init_script(f"window.HF_INFERENCE_BILL_TO = '{org}'")
    headers: list[str | None] = []
    page.on(
        "request",
        lambda r: (
            r.url.endswith("/chat/completions")
            and r.method == "POST"
            and headers.append(r.headers.get("x-hf-bill-to"))
        ),
    )
    signed_in(page, demo)
    expect(page.locator("#hf-demo-hint")).to_contain_text(f"billed to {org}")
    ask(page)
    expect(page.get_by_role("region", name="Answer")).to_contain_text(f"billed to {org}")
    assert headers == [org]
    set_global(page, "HF_INFERENCE_BILL_TO", "someone-elses-org")
    ask(page)
    alert_code(page, "403")
    expect(page.get_by_role("alert")).to_contain_text("HF_INFERENCE_BILL_TO")


def test_org_ids_go_to_the_authorize_url(page: Page, demo: Demo) -> None:
    org = demo.hub.settings.user.orgs[0]["sub"]
    page.add_init_script(f"window.HF_OAUTH_ORG_IDS = '{org}'")
    page.goto(demo.url)
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(f"{demo.hub.url}/**")
    assert parse_qs(urlsplit(page.url).query)["orgIds"] == [org]


# --- looks ---------------------------------------------------------------------------------


def _contrast(page: Page, selector: str) -> float:
    """WCAG contrast ratio of an element's text on the nearest background painted behind it."""
    return page.evaluate(
        """(selector) => {
            const rgba = (c) => c.match(/[\\d.]+/g).map(Number);
            const lum = ([r, g, b]) => [r, g, b]
                .map((v) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
                .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
            const element = document.querySelector(selector);
            let background = [255, 255, 255];
            for (let e = element; e; e = e.parentElement) {
                const c = rgba(getComputedStyle(e).backgroundColor);
                if (c.length < 4 || c[3] > 0) { background = c; break; }
            }
            const fg = lum(rgba(getComputedStyle(element).color));
            const bg = lum(background);
            return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        }""",
        selector,
    )


def _readable(page: Page, *selectors: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), "scrolls sideways"
    for selector in selectors:
        assert _contrast(page, selector) >= 4.5, selector


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_readable_in_both_schemes_at_360_and_1280(
    browser: Browser, demo: Demo, scheme: str, width: int, tmp_path: Path
) -> None:
    """Each state, screenshotted (kept in the test's tmp_path) and checked for contrast."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(demo.url)
        page.get_by_label(QUESTION).fill("What is a static site?")
        page.screenshot(path=tmp_path / f"signed-out-{scheme}-{width}.png", full_page=True)
        _readable(page, ".hfd", ".hfd-muted", ".hfd label", ".hfd-primary")

        sign_in(page, demo)
        page.get_by_role("button", name="Ask").click()
        answered(page)
        set_global(page, "HF_INFERENCE_MODEL", "test/reasoning")
        ask(page, "And a follow-up?")  # two turns, the second with its reasoning folded
        answered(page)
        page.screenshot(path=tmp_path / f"answer-{scheme}-{width}.png", full_page=True)
        _readable(page, ".hfd-who", ".hfd-who a", ".hfd-answer", ".hfd-user .hfd-btn", ".hfd-q")
        _readable(page, ".hfd-answer a", ".hfd-answer pre code", ".hfd-answer p code", "summary")

        stream_inference(page, demo, sse(pieces(FORMATTED, 4096)))
        ask(page, "Formatted, please")
        answered(page)
        page.locator("#hf-demo-answer").scroll_into_view_if_needed()
        page.screenshot(path=tmp_path / f"formatted-{scheme}-{width}.png", full_page=True)
        _readable(page, "#hf-demo-answer th", "#hf-demo-answer blockquote")

        fail_inference(page, demo, 402, {"error": "You have exceeded your monthly credits."})
        ask(page)
        alert_code(page, "402")
        page.screenshot(path=tmp_path / f"error-{scheme}-{width}.png", full_page=True)
        _readable(page, ".hfd-error")
    finally:
        context.close()


def _unconfigured_site(root: Path, **variables: object) -> http.server.ThreadingHTTPServer:
    """The widget's pages built with no client id (plus ``variables``), served."""
    project = _widget_project(root)
    project.build(variables=variables)
    return _serve(project.out)


def test_readers_of_a_site_without_a_client_id_see_a_short_note(
    browser: Browser, tmp_path: Path
) -> None:
    """Published without a client id, not on a Space: no set-up steps meant for the author."""
    server = _unconfigured_site(tmp_path / "blog")
    try:
        for scheme in ("light", "dark"):
            for width in (390, 1280):
                context = browser.new_context(
                    viewport={"width": width, "height": 800}, color_scheme=scheme
                )
                page = context.new_page()
                page.goto(f"{_origin(server)}/{DEMO}")
                widget = page.locator("#hf-demo")
                expect(widget).to_have_text("Sign-in with Hugging Face is not set up on this site.")
                expect(widget.get_by_role("button")).to_have_count(0)
                page.screenshot(path=tmp_path / f"not-set-up-{scheme}-{width}.png")
                _readable(page, ".hfd", ".hfd-muted")
                context.close()
    finally:
        server.shutdown()
        server.server_close()


def test_the_dev_server_shows_the_author_the_setup(browser: Browser, tmp_path: Path) -> None:
    """``shinmun serve`` builds with HF_DEV_SERVER: there the steps to turn sign-in on."""
    server = _unconfigured_site(tmp_path / "blog", HF_DEV_SERVER=True)
    context = browser.new_context(viewport={"width": 360, "height": 800}, color_scheme="dark")
    page = context.new_page()
    try:
        url = f"{_origin(server)}/{DEMO}"
        page.goto(f"{url}?from=nav#top")
        widget = page.locator("#hf-demo")
        expect(widget).to_contain_text("not configured")
        expect(widget).to_contain_text("HF_OAUTH_CLIENT_ID")
        expect(widget).to_contain_text("HF_OAUTH_CLIENT_ID: cimd")  # no app to register
        # or the one redirect URL to register: the callback page, whatever page this is
        callback = f"{_origin(server)}/{CALLBACK}"
        expect(widget.locator("code", has_text="127.0.0.1")).to_have_text(callback)
        expect(widget.get_by_role("button")).to_have_count(0)
        page.screenshot(path=tmp_path / "setup-dark-360.png", full_page=True)
        _readable(page, ".hfd", ".hfd-muted")
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def test_cimd_counts_as_configured(page: Page, tmp_path: Path) -> None:
    project = _widget_project(tmp_path / "blog")
    project.config(
        title="Test Blog",
        site_url="https://blog.example.org",
        variables={"HF_OAUTH_CLIENT_ID": "cimd"},
    )
    project.build()
    server = _serve(project.out)
    try:
        page.goto(f"{_origin(server)}/{DEMO}")
        widget = page.locator("#hf-demo")
        expect(widget.get_by_role("button", name=SIGN_IN)).to_be_visible()
        expect(widget).not_to_contain_text("not set up")
        expect(widget).not_to_contain_text("not configured")
    finally:
        server.shutdown()
        server.server_close()
