"""``serve --hub``: which provider the widget is pointed at, and the local hub's wiring.

The hub itself is tested with its package; here a stand-in with the same interface checks that
``serve`` starts it, builds with variables pointing at it (the client id being the served site's
own client metadata document), and stops it.
"""

from __future__ import annotations

import io
import re
import sys
import types

import httpx
import pytest
from serve_support import running

from shinmun_hf.hub.settings import HubSettings
from shinmun_hf.pipeline.builder import BuildOptions
from shinmun_hf.serve import DevServer, ServeOptions, default_out
from shinmun_hf.serve import hub as serve_hub
from shinmun_hf.serve.console import Console


class FakeHub:
    """The interface ``serve`` expects of ``shinmun_hf.hub.HubServer``."""

    instances: list[FakeHub] = []

    def __init__(self, port: int = 0) -> None:
        self.url = "http://127.0.0.1:7999"
        self.client_id = "local-test-client"
        self.settings = HubSettings()
        self.running = False
        FakeHub.instances.append(self)

    def __enter__(self) -> FakeHub:
        self.running = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.running = False


@pytest.fixture
def fake_hub(monkeypatch):
    module = types.ModuleType("shinmun_hf.hub")
    module.HubServer = FakeHub  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "shinmun_hf.hub", module)
    monkeypatch.setattr(serve_hub, "_local_hub_available", lambda: True)
    FakeHub.instances.clear()
    return FakeHub


def test_default_hub_follows_the_configured_client_id(project, monkeypatch):
    monkeypatch.setattr(serve_hub, "_local_hub_available", lambda: True)
    assert serve_hub.choose_hub(None, project.root, {}) == "local"
    project.config(title="x", variables={"HF_OAUTH_CLIENT_ID": "abc"})
    assert serve_hub.choose_hub(None, project.root, {}) == "huggingface"
    assert serve_hub.choose_hub("local", project.root, {}) == "local"
    project.config(title="x")
    assert serve_hub.choose_hub(None, project.root, {"SHINMUN_VAR_HF_OAUTH_CLIENT_ID": "e"}) == (
        "huggingface"
    )
    # a metadata document at site_url cannot be read by huggingface.co from a laptop
    project.config(title="x", variables={"HF_OAUTH_CLIENT_ID": "cimd"})
    assert serve_hub.choose_hub(None, project.root, {}) == "local"
    monkeypatch.setattr(serve_hub, "_local_hub_available", lambda: False)
    assert serve_hub.choose_hub(None, project.root, {}) == "huggingface"


def test_local_hub_is_started_registered_and_used(project, fake_hub):
    project.config(title="x", base_path="/blog", variables={"HF_OAUTH_CLIENT_ID": "real"})
    project.page("hf-oauth-demo", title="Demo")
    options = ServeOptions(port=0, hub="local", build=BuildOptions(dev=True))
    with DevServer(project.root, options, Console(io.StringIO(), io.StringIO())) as server:
        (hub,) = fake_hub.instances
        assert hub.running
        page = httpx.get(f"{server.url}/blog/hf-oauth-demo/").text
        document_url = f"{server.url}/blog/.well-known/oauth-cimd"
        assert f'window.HF_OAUTH_CLIENT_ID = "{document_url}";' in page
        assert 'window.HF_BASE_PATH = "/blog";' in page
        document = httpx.get(document_url).json()
        assert document["client_id"] == document_url
        port = server.url.rsplit(":", 1)[1]
        assert (
            f"http://127.0.0.1:{port}/blog/oauth/callback/huggingface/"
            in (document["redirect_uris"])
        )
        # any port of either loopback name (the page may be opened as localhost)
        assert "http://localhost/blog/oauth/callback/huggingface/" in document["redirect_uris"]
        assert 'window.HF_OPENID_PROVIDER_URL = "http://127.0.0.1:7999";' in page
        assert 'window.HF_INFERENCE_URL = "http://127.0.0.1:7999/v1";' in page
        assert "window.HF_LOCAL_HUB = true;" in page
        assert "window.HF_DEV_SERVER = true;" in page
        assert server.out == default_out(project.root, "local")
    assert not hub.running


def test_huggingface_hub_leaves_the_config_alone(project, fake_hub):
    project.config(title="x", variables={"HF_OAUTH_CLIENT_ID": "real"})
    project.page("hf-oauth-demo", title="Demo")
    with running(project.root) as server:
        page = httpx.get(f"{server.url}/hf-oauth-demo/").text
    assert 'window.HF_OAUTH_CLIENT_ID = "real";' in page
    assert "HF_LOCAL_HUB" not in page and not fake_hub.instances
    # the widget knows the author is looking, whichever the hub (set-up steps, if needed)
    assert "window.HF_DEV_SERVER = true;" in page


def test_with_the_real_local_hub(project):
    project.page("hf-oauth-demo", title="Demo")
    options = ServeOptions(port=0, hub="local", build=BuildOptions(dev=True))
    with DevServer(project.root, options, Console(io.StringIO(), io.StringIO())) as server:
        page = httpx.get(f"{server.url}/hf-oauth-demo/").text
        assert "window.HF_LOCAL_HUB = true;" in page
        hub_url = variable(page, "HF_OPENID_PROVIDER_URL")
        discovery = httpx.get(f"{hub_url}/.well-known/openid-configuration").json()
        assert discovery["issuer"] == hub_url

        def authorize(redirect_uri: str) -> int:
            query = {
                "client_id": variable(page, "HF_OAUTH_CLIENT_ID"),
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "openid profile",
                "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                "code_challenge_method": "S256",
                "state": "s",
            }
            return httpx.get(discovery["authorization_endpoint"], params=query).status_code

        # the hub reads the site's metadata document from the dev server
        assert authorize(f"{server.url}/oauth/callback/huggingface/") == 200  # consent page
        assert authorize(f"{server.url}/hf-oauth-demo/") == 400  # not in the document
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{hub_url}/.well-known/openid-configuration")


def variable(page: str, name: str) -> str:
    match = re.search(rf'window.{name} = "([^"]+)";', page)
    assert match, name
    return match.group(1)
