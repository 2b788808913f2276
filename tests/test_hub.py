"""The local hub is as strict as huggingface.co (these are tests of the hub itself)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from starlette.testclient import TestClient

from shinmun_hf.hub import HubServer, HubSettings, HubState, create_hub_app
from shinmun_hf.hub.tokens import Signer

CLIENT = "test-client"
REDIRECT = "http://127.0.0.1:5000/hf-oauth-demo/"
ISSUER = "http://testserver"


@pytest.fixture
def hub():
    settings = HubSettings(issuer=ISSUER)
    settings.register(
        CLIENT,
        [
            "http://127.0.0.1/hf-oauth-demo/",
            "https://blog.example/demo/",
            "http://localhost/callback?app=blog",
        ],
    )
    state = HubState()
    client = TestClient(create_hub_app(settings, state, Signer()), follow_redirects=False)
    client.settings, client.state = settings, state
    return client


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(32)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize(
    hub, *, redirect_uri=REDIRECT, scope="openid profile inference-api", decision="approve", **extra
):
    verifier, challenge = pkce()
    params = {
        "client_id": CLIENT,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "response_type": "code",
        "state": "st",
        "nonce": "nn",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    page = hub.get("/oauth/authorize", params=params)
    assert page.status_code == 200, page.text
    form_id = page.text.split('name="form_id" value="')[1].split('"')[0]
    answer = hub.post("/oauth/authorize", data={"form_id": form_id, "decision": decision})
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    return verifier, {key: values[0] for key, values in query.items()}


def exchange(hub, code, verifier, *, redirect_uri=REDIRECT, client_id=CLIENT):
    return hub.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
            "client_id": client_id,
        },
    )


def sign_in(hub, scope="openid profile inference-api") -> dict:
    verifier, query = authorize(hub, scope=scope)
    response = exchange(hub, query["code"], verifier)
    assert response.status_code == 200, response.text
    return response.json()


def test_discovery_matches_hugging_face_metadata(hub):
    meta = hub.get("/.well-known/openid-configuration").json()
    assert meta["issuer"] == ISSUER
    assert meta["authorization_endpoint"] == f"{ISSUER}/oauth/authorize"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["response_types_supported"] == ["code"]
    assert "inference-api" in meta["scopes_supported"]


def test_issuer_is_the_hubs_own_url_whatever_the_host_header(hub):
    evil = {"Host": "evil.localhost:8765"}  # another name it answers (it refuses others)
    meta = hub.get("/.well-known/openid-configuration", headers=evil).json()
    assert meta["issuer"] == ISSUER
    urls = [v for k, v in meta.items() if k.endswith(("_endpoint", "_uri"))]
    assert len(urls) == 4 and all(url.startswith(f"{ISSUER}/oauth/") for url in urls)
    verifier, query = authorize(hub)
    tokens = hub.post(
        "/oauth/token",
        headers=evil,
        data={
            "grant_type": "authorization_code",
            "code": query["code"],
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
            "client_id": CLIENT,
        },
    ).json()
    claims = jwt.decode(tokens["id_token"], KeySet.import_key_set(hub.get("/oauth/jwks").json()))
    assert claims.claims["iss"] == ISSUER
    assert claims.claims["picture"].startswith(f"{ISSUER}/avatars/")
    auth = {"Authorization": f"Bearer {tokens['access_token']}", **evil}
    info = hub.get("/oauth/userinfo", headers=auth).json()
    pictures = [info["picture"], info["profile"], *(org["picture"] for org in info["orgs"])]
    assert all(url.startswith(f"{ISSUER}/") for url in pictures)


def test_the_hub_needs_its_own_url():
    with pytest.raises(ValueError, match="issuer"):
        create_hub_app(HubSettings())


def test_full_flow_and_id_token_verifies_against_jwks(hub):
    tokens = sign_in(hub)
    assert tokens["access_token"].startswith("hf_oauth_")
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 28800
    keys = KeySet.import_key_set(hub.get("/oauth/jwks").json())
    claims = jwt.decode(tokens["id_token"], keys).claims
    assert claims["iss"] == ISSUER and claims["aud"] == CLIENT and claims["nonce"] == "nn"
    assert claims["exp"] > time.time() > claims["iat"] - 5
    assert claims["preferred_username"] == "ada"


def test_state_comes_back_and_deny_gives_access_denied(hub):
    _, approved = authorize(hub)
    assert approved["state"] == "st"
    _, denied = authorize(hub, decision="deny")
    assert denied["error"] == "access_denied" and denied["state"] == "st"
    assert "code" not in denied


def test_wrong_verifier_is_rejected(hub):
    _, query = authorize(hub)
    response = exchange(hub, query["code"], pkce()[0])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_code_is_single_use_even_after_a_failed_exchange(hub):
    verifier, query = authorize(hub)
    assert exchange(hub, query["code"], verifier).status_code == 200
    again = exchange(hub, query["code"], verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_code_expires(hub):
    hub.settings.code_lifetime = 0.05
    verifier, query = authorize(hub)
    time.sleep(0.1)
    assert exchange(hub, query["code"], verifier).json()["error"] == "invalid_grant"


def test_mismatched_redirect_uri_at_exchange(hub):
    verifier, query = authorize(hub)
    response = exchange(hub, query["code"], verifier, redirect_uri="http://127.0.0.1:5000/other/")
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://evil.example/hf-oauth-demo/",
        "http://127.0.0.1:5000/elsewhere/",
        "https://blog.example/demo/extra",
        "http://blog.example/demo/",
        # loopback: only the port may differ
        "http://evil@127.0.0.1:5000/hf-oauth-demo/",
        "http://:@127.0.0.1:5000/hf-oauth-demo/",
        "http://127.0.0.1:5000/hf-oauth-demo/#",
        "http://127.0.0.1:5000/hf-oauth-demo/#x",
        "http://127.0.0.1:5000/hf-oauth-demo/?x=1",
        "http://127.0.0.1:5000/hf-oauth-demo",
        "http://127.0.0.1:5000/HF-OAUTH-DEMO/",
        "http://127.0.0.1:99999/hf-oauth-demo/",
        "http://127.0.0.1:/hf-oauth-demo/",
        "http://localhost:5000/hf-oauth-demo/",
        "http://localhost:5000/callback",
        "http://localhost:5000/callback?app=blog#",
        "http://localhost:5000/callback?app=other",
        "https://127.0.0.1:5000/hf-oauth-demo/",
    ],
)
def test_unregistered_redirect_uri_is_never_redirected_to(hub, redirect_uri):
    _, challenge = pkce()
    response = hub.get(
        "/oauth/authorize",
        params={
            "client_id": CLIENT,
            "redirect_uri": redirect_uri,
            "scope": "openid",
            "response_type": "code",
            "state": "s",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "Redirect URI mismatch" in response.text


def test_loopback_redirect_accepts_any_port_but_https_must_match_exactly(hub):
    for uri in (
        "http://127.0.0.1:1234/hf-oauth-demo/",
        "http://127.0.0.1/hf-oauth-demo/",
        "http://localhost:8000/callback?app=blog",
        "https://blog.example/demo/",
    ):
        verifier, query = authorize(hub, redirect_uri=uri)
        assert exchange(hub, query["code"], verifier, redirect_uri=uri).status_code == 200


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", "json"),
        ("text/plain", "form"),  # a "simple" cross-origin request, no preflight
        ("multipart/form-data; boundary=x", "form"),
        (None, "form"),
    ],
)
def test_token_endpoint_reads_form_encoded_bodies_only(hub, content_type, body):
    verifier, query = authorize(hub)
    fields = {
        "grant_type": "authorization_code",
        "code": query["code"],
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        "client_id": CLIENT,
    }
    content = json.dumps(fields) if body == "json" else urlencode(fields)
    headers = {"Content-Type": content_type} if content_type else {}
    response = hub.post("/oauth/token", content=content, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "application/x-www-form-urlencoded" in response.json()["error_description"]
    # the code was not spent: the same exchange, form-encoded as browsers send it, works
    form = {"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"}
    response = hub.post("/oauth/token", content=urlencode(fields), headers=form)
    assert response.status_code == 200, response.text


def test_unknown_client(hub):
    page = hub.get("/oauth/authorize", params={"client_id": "nobody", "redirect_uri": REDIRECT})
    assert page.status_code == 400 and "location" not in page.headers
    verifier, query = authorize(hub)
    response = exchange(hub, query["code"], verifier, client_id="nobody")
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    "pkce_params",
    [
        {},
        {"code_challenge": "x" * 43, "code_challenge_method": "plain"},
        {"code_challenge": "!!", "code_challenge_method": "S256"},  # not an S256 digest
        {"code_challenge": "a" * 44, "code_challenge_method": "S256"},
    ],
)
def test_pkce_is_required(hub, pkce_params):
    response = hub.get(
        "/oauth/authorize",
        params={
            "client_id": CLIENT,
            "redirect_uri": REDIRECT,
            "scope": "openid",
            "response_type": "code",
            "state": "s",
            **pkce_params,
        },
    )
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["error"] == ["invalid_request"]
    assert query["state"] == ["s"]


def test_consent_page_escapes_and_is_accessible(hub):
    hub.settings.clients[CLIENT].name = '<script>alert("x")</script>'
    _, challenge = pkce()
    page = hub.get(
        "/oauth/authorize",
        params={
            "client_id": CLIENT,
            "redirect_uri": REDIRECT,
            "scope": "openid profile",
            "response_type": "code",
            "state": "s",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;" in page.text
    assert ">Approve</button>" in page.text and ">Deny</button>" in page.text


def test_userinfo_is_filtered_by_scope(hub):
    narrow = sign_in(hub, "openid profile")["access_token"]
    wide = sign_in(hub, "openid profile email read-billing")["access_token"]
    info = hub.get("/oauth/userinfo", headers={"Authorization": f"Bearer {narrow}"}).json()
    assert info["preferred_username"] == "ada" and "picture" in info
    assert "email" not in info and "canPay" not in info
    (org,) = info["orgs"]  # the shape the reference documents: each org has its avatar
    assert {"sub", "name", "preferred_username", "picture"} <= org.keys()
    assert hub.get(org["picture"]).headers["content-type"].startswith("image/svg+xml")
    bare = sign_in(hub, "openid")["access_token"]
    info = hub.get("/oauth/userinfo", headers={"Authorization": f"Bearer {bare}"}).json()
    assert "name" not in info and "picture" not in info and info["sub"]
    info = hub.get("/oauth/userinfo", headers={"Authorization": f"Bearer {wide}"}).json()
    assert info["email"] == "ada@example.org" and info["email_verified"] is True
    assert info["canPay"] is True


def test_expired_and_revoked_tokens_get_401(hub):
    token = sign_in(hub)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    hub.state.revoke_all()
    response = hub.get("/oauth/userinfo", headers=headers)
    assert response.status_code == 401 and "invalid_token" in response.headers["www-authenticate"]
    token = sign_in(hub)["access_token"]
    hub.state.expire_all()
    assert (
        hub.get("/oauth/userinfo", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )


def test_cors_everywhere_but_authorize(hub):
    origin = {"Origin": "https://blog.example"}
    assert (
        hub.get("/.well-known/openid-configuration", headers=origin).headers[
            "access-control-allow-origin"
        ]
        == "*"
    )
    preflight = hub.options(
        "/oauth/token",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    preflight = hub.options(
        "/v1/chat/completions",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, x-hf-bill-to",
        },
    )
    assert preflight.status_code == 200
    token = sign_in(hub)["access_token"]
    limited = hub.post(
        "/v1/chat/completions",
        headers={**origin, "Authorization": f"Bearer {token}"},
        json={"model": "test/rate-limited", "messages": []},
    )
    exposed = limited.headers["access-control-expose-headers"].lower()
    assert "retry-after" in exposed and "x-request-id" in exposed  # readable by the widget
    page = hub.get("/oauth/authorize", params={"client_id": "x"}, headers=origin)
    assert "access-control-allow-origin" not in page.headers


QUESTION = "Why is the sky blue?"


def chat(hub, token, model, stream=True, messages=None, **headers):
    return hub.post(
        "/v1/chat/completions",
        headers={"Authorization": f"Bearer {token}", **headers},
        json={
            "model": model,
            "stream": stream,
            "messages": messages or [{"role": "user", "content": QUESTION}],
        },
    )


def events(response) -> list:
    lines = [line for line in response.text.split("\n") if line.startswith("data: ")]
    return [line[6:] if line[6:] == "[DONE]" else json.loads(line[6:]) for line in lines]


def streamed(response, field="content") -> str:
    """The text of one delta field over the whole stream."""
    return "".join(
        c["choices"][0]["delta"].get(field, "")
        for c in events(response)
        if c != "[DONE]" and c.get("choices")
    )


def test_streaming_reply_is_server_sent_events_ending_with_done(hub):
    token = sign_in(hub)["access_token"]
    response = chat(hub, token, "openai/gpt-oss-20b:fastest")
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["x-request-id"]
    chunks = events(response)
    assert chunks[-1] == "[DONE]"
    text = streamed(response)
    assert text.startswith(f"You asked: “{QUESTION}”.")
    assert "openai/gpt-oss-20b" in text and ":fastest" not in text  # the suffix is a policy
    assert len([c for c in chunks[:-1] if c["choices"]]) > 10  # word by word
    # as the router streams: the finish reason, then the usage alone, with no choice
    assert chunks[-3]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-2]["choices"] == [] and chunks[-2]["usage"]["completion_tokens"] > 0
    assert all(c["object"] == "chat.completion.chunk" for c in chunks[:-1])
    assert response.text.startswith(": keep-alive\n\n")  # a comment line first


def test_non_streaming_reply(hub):
    token = sign_in(hub)["access_token"]
    body = chat(hub, token, "some/model", stream=False).json()
    assert body["choices"][0]["message"]["content"].startswith("You asked:")


def test_replies_are_markdown_for_the_widget_to_format(hub):
    token = sign_in(hub)["access_token"]
    lines = streamed(chat(hub, token, "some/model")).split("\n")
    assert sum(line.startswith("- ") for line in lines) >= 2  # a list
    assert lines.count("```") == 1 and any(
        line.startswith("```") and line != "```" for line in lines
    )
    assert any("](https://" in line for line in lines)  # a link
    assert any("**" in line for line in lines) and any("`" in line for line in lines[:1])


@pytest.mark.parametrize(("count", "said"), [(1, "1 message;"), (3, "3 messages;")])
def test_replies_say_how_many_messages_they_received(hub, count, said):
    token = sign_in(hub)["access_token"]
    roles = ["user", "assistant"] * count
    messages = [{"role": role, "content": f"turn {i}"} for i, role in enumerate(roles[:count])]
    text = streamed(chat(hub, token, "some/model", messages=messages))
    assert f"I received {said}" in text
    assert f"“turn {count - 1}”" in text  # the last question


def test_the_reasoning_model_thinks_before_it_answers(hub):
    token = sign_in(hub)["access_token"]
    response = chat(hub, token, "test/reasoning")
    deltas = [c["choices"][0]["delta"] for c in events(response)[:-1] if c["choices"]]
    fields = [name for delta in deltas for name in delta if delta[name] and name != "role"]
    assert fields[0] == "reasoning" and fields[-1] == "content"
    assert fields == sorted(fields, reverse=True)  # all the reasoning, then all the answer
    thoughts, answer = streamed(response, "reasoning"), streamed(response)
    assert thoughts not in answer
    whole = chat(hub, token, "test/reasoning", stream=False).json()["choices"][0]["message"]
    assert whole["reasoning"] == thoughts and whole["content"] == answer


def test_a_model_no_provider_serves_gets_the_routers_400(hub):
    token = sign_in(hub)["access_token"]
    response = chat(hub, token, "test/not-served:cheapest")
    assert response.status_code == 400
    assert "'test/not-served' is not supported" in response.json()["error"]["message"]


def test_bill_to_must_name_an_organization_of_the_user(hub):
    token = sign_in(hub)["access_token"]
    org = hub.settings.user.orgs[0]["preferred_username"]
    billed = chat(hub, token, "some/model", **{"X-HF-Bill-To": org})
    assert billed.status_code == 200 and f"billed to {org}" in streamed(billed)
    assert "billed to you" in streamed(chat(hub, token, "some/model"))
    refused = chat(hub, token, "some/model", **{"X-HF-Bill-To": "someone-elses-org"})
    assert refused.status_code == 403 and "someone-elses-org" in refused.json()["error"]


@pytest.mark.parametrize(
    ("model", "status", "shape"),
    [
        ("test/unauthorized", 401, "error.message"),
        ("test/no-credits", 402, "error"),
        ("test/rate-limited", 429, "message"),
        ("test/unavailable", 503, "error.message"),
    ],
)
def test_fault_models(hub, model, status, shape):
    token = sign_in(hub)["access_token"]
    response = chat(hub, token, model)
    assert response.status_code == status
    body = response.json()
    for part in shape.split("."):
        body = body[part]
    assert isinstance(body, str) and body
    if status == 402:
        assert "credits" in body


def test_flaky_model_fails_twice_then_answers(hub):
    token = sign_in(hub)["access_token"]
    assert [chat(hub, token, "test/flaky").status_code for _ in range(3)] == [503, 503, 200]
    assert hub.state.requests["test/flaky"] == 3


def test_error_in_the_middle_of_the_stream(hub):
    token = sign_in(hub)["access_token"]
    chunks = events(chat(hub, token, "test/mid-stream-error"))
    assert chunks[-1]["error"]["message"]
    assert "[DONE]" not in chunks


def test_truncated_stream_ends_without_done(hub):
    token = sign_in(hub)["access_token"]
    response = chat(hub, token, "test/truncated")
    assert response.status_code == 200
    chunks = events(response)
    assert "[DONE]" not in chunks
    assert not any("error" in chunk for chunk in chunks)
    assert all(chunk["choices"][0]["finish_reason"] is None for chunk in chunks)
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == "You asked: “Why "  # three words


@pytest.mark.parametrize(
    "body", [{"model": "m"}, {"model": "m", "messages": "hello"}, {"model": "m", "messages": [1]}]
)
def test_a_malformed_request_gets_the_routers_400_shape(hub, body):
    token = sign_in(hub)["access_token"]
    response = hub.post(
        "/v1/chat/completions", headers={"Authorization": f"Bearer {token}"}, json=body
    )
    assert response.status_code == 400
    assert "messages" in response.json()["error"]["message"]
    assert response.headers["x-request-id"]


def test_inference_needs_a_valid_token_with_the_inference_scope(hub):
    assert chat(hub, "hf_oauth_forged", "m").status_code == 401
    token = sign_in(hub, "openid profile")["access_token"]
    assert chat(hub, token, "m").status_code == 403


def test_fault_switches_change_the_id_token(hub):
    hub.settings.faults.id_token_nonce = "other"
    hub.settings.faults.id_token_expired = True
    claims = jwt.decode(
        sign_in(hub)["id_token"], KeySet.import_key_set(hub.get("/oauth/jwks").json())
    ).claims
    assert claims["nonce"] == "other" and claims["exp"] < time.time()


def test_server_runs_on_loopback_and_stops():
    with HubServer(redirect_uris=[REDIRECT]) as server:
        assert server.url.startswith("http://127.0.0.1:")
        meta = httpx.get(server.url + "/.well-known/openid-configuration").json()
        assert meta["issuer"] == server.url
        spoofed = httpx.get(
            server.url + "/.well-known/openid-configuration", headers={"Host": "a.localhost"}
        ).json()
        assert spoofed["issuer"] == server.url == server.settings.issuer
        # a rebound DNS name reaches the hub's socket but not its endpoints
        rebound = httpx.get(server.url + "/oauth/jwks", headers={"Host": "evil.example"})
        assert rebound.status_code == 421 and "keys" not in rebound.text
        url = server.url
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/.well-known/openid-configuration", timeout=2)
