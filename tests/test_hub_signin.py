"""The local hub's sign-in side (issue 17): Client ID Metadata Documents, pages that refuse
framing, CORS only where huggingface.co sends it, and only this machine's host names."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient
from test_hub import ISSUER, pkce

from shinmun_hf.hub import HubSettings, HubState, create_hub_app
from shinmun_hf.hub.cimd import MAX_DOCUMENT_BYTES
from shinmun_hf.hub.tokens import Signer

CALLBACK = "http://127.0.0.1:5000/oauth/callback/huggingface/"


class _Documents(http.server.BaseHTTPRequestHandler):
    """Serves ``responses[path] = (status, content type, body, extra headers)``."""

    responses: dict[str, tuple[int, str, bytes, dict[str, str]]] = {}
    fetched: list[str] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.fetched.append(self.path)
        status, media_type, body, headers = self.responses.get(
            self.path, (404, "text/plain", b"missing", {})
        )
        self.send_response(status)
        self.send_header("content-type", media_type)
        self.send_header("content-length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Documents)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def hub() -> TestClient:
    settings = HubSettings(issuer=ISSUER)
    client = TestClient(create_hub_app(settings, HubState(), Signer()), follow_redirects=False)
    client.settings = settings
    return client


def publish(
    site: str, path: str, document: Any, *, status: int = 200, media_type="application/json", **h
) -> str:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    _Documents.responses[path] = (status, media_type, body, h)
    return site + path


def good_document(url: str, **changes: object) -> dict[str, Any]:
    document = {
        "client_id": url,
        "client_name": "Ada's <blog>",
        "redirect_uris": [CALLBACK],
        "token_endpoint_auth_method": "none",
        "client_uri": url.split("/.well-known")[0] + "/",
    }
    document.update(changes)
    return {k: v for k, v in document.items() if v is not None}


def authorize_page(hub: TestClient, client_id: str, redirect_uri: str = CALLBACK):
    _, challenge = pkce()
    params = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid profile inference-api",
        "response_type": "code",
        "state": "st",
        "nonce": "nn",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return hub.get("/oauth/authorize", params=params)


def test_a_metadata_document_client_signs_in_with_its_url_as_client_id(hub, site):
    url = publish(site, "/good/.well-known/oauth-cimd", None)
    publish(site, "/good/.well-known/oauth-cimd", good_document(url))
    verifier, challenge = pkce()
    params = {
        "client_id": url,
        "redirect_uri": CALLBACK,
        "scope": "openid profile inference-api",
        "response_type": "code",
        "state": "st",
        "nonce": "nn",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = hub.get("/oauth/authorize", params=params)
    assert page.status_code == 200
    assert "Ada&#x27;s &lt;blog&gt;" in page.text  # its client_name, escaped
    form_id = page.text.split('name="form_id" value="')[1].split('"')[0]
    answer = hub.post("/oauth/authorize", data={"form_id": form_id, "decision": "approve"})
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert answer.headers["location"].startswith(CALLBACK)
    tokens = hub.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
            "client_id": url,
        },
    )
    assert tokens.status_code == 200, tokens.text
    payload = tokens.json()["id_token"].split(".")[1]
    claims = json.loads(__import__("base64").urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["aud"] == url


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("client_id of another URL", "not its own URL"),
        ("no token_endpoint_auth_method", "must be none"),
        ("client_secret_post", "must be none"),
        ("a secret", "must not contain a secret"),
        ("no redirect_uris", "redirect_uris"),
        ("not JSON", "not valid JSON"),
        ("a JSON list", "not a JSON object"),
        ("text/plain", "not application/json"),
        ("too large", f"larger than {MAX_DOCUMENT_BYTES} bytes"),
        ("a redirect", "HTTP 302"),
        ("missing", "HTTP 404"),
    ],
)
def test_a_bad_metadata_document_is_refused_on_an_error_page(hub, site, case, reason):
    path = "/bad/" + case.replace(" ", "-") + "/.well-known/oauth-cimd"
    url = site + path
    document: Any = good_document(url)
    options: dict[str, Any] = {}
    if case == "client_id of another URL":
        document["client_id"] = site + "/other/.well-known/oauth-cimd"
    elif case == "no token_endpoint_auth_method":
        del document["token_endpoint_auth_method"]
    elif case == "client_secret_post":
        document["token_endpoint_auth_method"] = "client_secret_post"
    elif case == "a secret":
        document["client_secret"] = "hunter2"
    elif case == "no redirect_uris":
        del document["redirect_uris"]
    elif case == "not JSON":
        document = b"client_id: nope"
    elif case == "a JSON list":
        document = [document]
    elif case == "text/plain":
        options["media_type"] = "text/plain"
    elif case == "too large":
        document["client_name"] = "x" * MAX_DOCUMENT_BYTES
    elif case == "a redirect":
        target = publish(site, "/elsewhere.json", good_document(url))
        options.update(status=302, Location=target)
    if case != "missing":
        publish(site, path, document, **options)
    page = authorize_page(hub, url)
    assert page.status_code == 400
    assert "Invalid client metadata document" in page.text and reason in page.text
    assert "location" not in page.headers  # never redirected anywhere


def test_a_redirect_uri_the_document_does_not_list_is_refused(hub, site):
    url = publish(site, "/listed/.well-known/oauth-cimd", None)
    publish(site, "/listed/.well-known/oauth-cimd", good_document(url))
    page = authorize_page(hub, url, redirect_uri="http://127.0.0.1:5000/elsewhere/")
    assert page.status_code == 400 and "Redirect URI mismatch" in page.text


def test_loopback_redirect_uris_in_a_document_match_any_port(hub, site):
    url = publish(site, "/loop/.well-known/oauth-cimd", None)
    document = good_document(url, redirect_uris=["http://localhost/oauth/callback/huggingface/"])
    publish(site, "/loop/.well-known/oauth-cimd", document)
    page = authorize_page(
        hub, url, redirect_uri="http://localhost:8123/oauth/callback/huggingface/"
    )
    assert page.status_code == 200


@pytest.mark.parametrize(
    ("client_id", "reason"),
    [
        ("http://blog.example/.well-known/oauth-cimd", "must be an https URL"),
        ("https://user:pw@blog.example/.well-known/oauth-cimd", "user name or password"),
        ("https://blog.example/.well-known/oauth-cimd#x", "fragment"),
        ("https://blog.example/a/../.well-known/oauth-cimd", ". or .. segments"),
        ("https://blog.example/", "path"),
    ],
)
def test_a_client_id_url_of_the_wrong_shape_is_never_fetched(hub, client_id, reason):
    page = authorize_page(hub, client_id)
    assert page.status_code == 400 and reason in page.text


def test_token_endpoint_refuses_a_code_for_another_metadata_document(hub, site):
    url = publish(site, "/mine/.well-known/oauth-cimd", None)
    publish(site, "/mine/.well-known/oauth-cimd", good_document(url))
    verifier, challenge = pkce()
    page = hub.get(
        "/oauth/authorize",
        params={
            "client_id": url,
            "redirect_uri": CALLBACK,
            "scope": "openid",
            "response_type": "code",
            "state": "st",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    form_id = page.text.split('name="form_id" value="')[1].split('"')[0]
    answer = hub.post("/oauth/authorize", data={"form_id": form_id, "decision": "approve"})
    code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
    refused = hub.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
            "client_id": site + "/theirs/.well-known/oauth-cimd",
        },
    )
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


# --- framing, CORS, hosts -------------------------------------------------------------------


def test_consent_and_error_pages_refuse_framing(hub, site):
    url = publish(site, "/frame/.well-known/oauth-cimd", None)
    publish(site, "/frame/.well-known/oauth-cimd", good_document(url))
    consent = authorize_page(hub, url)
    unknown = authorize_page(hub, "no-such-app")
    expired = hub.post("/oauth/authorize", data={"form_id": "gone", "decision": "approve"})
    for page in (consent, unknown, expired):
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["content-security-policy"] == "frame-ancestors 'none'"


ORIGIN = {"Origin": "https://blog.example"}
PREFLIGHT = {**ORIGIN, "Access-Control-Request-Method": "POST"}


def test_cors_on_the_api_endpoints_only(hub):
    assert hub.get("/oauth/jwks", headers=ORIGIN).headers["access-control-allow-origin"] == "*"
    token = hub.options("/oauth/token", headers=PREFLIGHT)
    assert token.headers["access-control-allow-origin"] == "*"
    for unknown in (
        hub.get("/no/such/path", headers=ORIGIN),
        hub.options("/no/such/path", headers=PREFLIGHT),
        hub.get("/oauth/authorize", headers=ORIGIN),
    ):
        assert not [h for h in unknown.headers if h.startswith("access-control-")]
    assert hub.get("/no/such/path", headers=ORIGIN).status_code == 404


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "[::2]"])
def test_requests_for_other_host_names_are_refused(hub, host):
    answer = hub.get("/.well-known/openid-configuration", headers={"Host": host})
    assert answer.status_code == 421 and "issuer" not in answer.text


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost", "[::1]:8765", "testserver"])
def test_this_machines_host_names_are_answered(hub, host):
    answer = hub.get("/.well-known/openid-configuration", headers={"Host": host})
    assert answer.status_code == 200 and answer.json()["issuer"] == ISSUER
