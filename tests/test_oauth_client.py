"""The sign-in client as the build publishes it (issue 17): the Client ID Metadata Document,
the widget's variables, ``public/.well-known/``, and how ``serve`` serves them."""

from __future__ import annotations

import json

import httpx
import pytest
from serve_support import running

from shinmun_hf.cli import main
from shinmun_hf.errors import ShinmunError

DOCUMENT = ".well-known/oauth-cimd"


def variables_of(html: str) -> dict[str, object]:
    found = {}
    for line in html.splitlines():
        if line.startswith("window.") and " = " in line:
            name, _, value = line[len("window.") :].partition(" = ")
            found[name] = json.loads(value.rstrip(";"))
    return found


def test_cimd_publishes_the_document_and_gives_the_widget_its_url(project):
    project.config(
        title='Ada\'s "blog"',
        site_url="https://ada.github.io",
        base_path="/notes",
        hf_oauth_logo="/img/logo.png",
        variables={"HF_OAUTH_CLIENT_ID": "cimd"},
    )
    project.page("about", title="About")
    result = project.build()
    assert result.warnings == []
    document = json.loads(project.read(DOCUMENT))
    url = "https://ada.github.io/notes/.well-known/oauth-cimd"
    assert document == {
        "client_id": url,
        "client_name": 'Ada\'s "blog"',
        "client_uri": "https://ada.github.io/notes/",
        "redirect_uris": ["https://ada.github.io/notes/oauth/callback/huggingface/"],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
        "logo_uri": "https://ada.github.io/notes/img/logo.png",
    }
    published = variables_of(project.read("about/index.html"))
    assert published["HF_OAUTH_CLIENT_ID"] == url
    assert published["HF_BASE_PATH"] == "/notes"


def test_loopback_callbacks_only_when_asked(project):
    project.config(site_url="https://ada.github.io", variables={"HF_OAUTH_CLIENT_ID": "cimd"})
    project.build()
    assert json.loads(project.read(DOCUMENT))["redirect_uris"] == [
        "https://ada.github.io/oauth/callback/huggingface/"
    ]
    project.config(
        site_url="https://ada.github.io",
        hf_oauth_loopback_redirects=True,
        variables={"HF_OAUTH_CLIENT_ID": "cimd"},
    )
    project.build()
    assert json.loads(project.read(DOCUMENT))["redirect_uris"] == [
        "https://ada.github.io/oauth/callback/huggingface/",
        "http://127.0.0.1/oauth/callback/huggingface/",
        "http://localhost/oauth/callback/huggingface/",
    ]


def test_a_registered_client_id_publishes_no_document(project):
    project.config(site_url="https://ada.github.io", variables={"HF_OAUTH_CLIENT_ID": "abc-123"})
    project.page("about", title="About")
    project.build()
    assert not (project.out / DOCUMENT).exists()
    assert variables_of(project.read("about/index.html"))["HF_OAUTH_CLIENT_ID"] == "abc-123"


def test_switching_to_a_registered_client_id_removes_the_document(project):
    project.config(site_url="https://ada.github.io", variables={"HF_OAUTH_CLIENT_ID": "cimd"})
    project.build()
    assert (project.out / DOCUMENT).is_file()
    project.config(site_url="https://ada.github.io", variables={"HF_OAUTH_CLIENT_ID": "abc"})
    project.build()
    assert not (project.out / DOCUMENT).exists()


def test_a_site_without_widget_variables_publishes_nothing_new(project):
    project.config(site_url="https://ada.github.io", variables={"GREETING": "hi"})
    project.page("about", title="About")
    project.build()
    assert variables_of(project.read("about/index.html")) == {"GREETING": "hi"}
    assert not (project.out / ".well-known").exists()


def test_public_well_known_is_published_other_dot_folders_are_not(project):
    project.write("public/.well-known/security.txt", "Contact: mailto:ada@example.org\n")
    project.write("public/.git/config", "[core]\n")
    project.write("public/css/.well-known/x.txt", "not at the root\n")
    project.build()
    assert project.read(".well-known/security.txt").startswith("Contact:")
    assert not (project.out / ".git").exists()
    assert not (project.out / "css" / ".well-known").exists()


def test_a_public_document_colliding_with_the_generated_one_is_an_error(project):
    project.config(site_url="https://ada.github.io", variables={"HF_OAUTH_CLIENT_ID": "cimd"})
    project.write(f"public/{DOCUMENT}", "{}")
    with pytest.raises(ShinmunError) as error:
        project.build()
    assert f"public/{DOCUMENT}" in str(error.value)
    assert "client metadata document" in str(error.value)


def test_serve_serves_well_known_files_as_published(project):
    project.config(site_url="https://ada.github.io", variables={"HF_OAUTH_CLIENT_ID": "cimd"})
    project.write("public/.well-known/security.txt", "Contact: mailto:ada@example.org\n")
    with running(project.root) as server:
        document = httpx.get(f"{server.url}/{DOCUMENT}")
        assert document.status_code == 200
        assert document.headers["content-type"] == "application/json; charset=utf-8"
        assert document.json()["client_id"] == "https://ada.github.io/.well-known/oauth-cimd"
        assert httpx.get(f"{server.url}/.well-known/security.txt").status_code == 200
        for hidden in ("/.shinmun-output", "/css/.well-known/x", "/.well-known/.secret"):
            assert httpx.get(server.url + hidden).status_code == 404, hidden


def test_serve_space_refuses_the_real_hub(project, capsys):
    code = main(["--project", str(project.root), "serve", "--space", "--hub", "huggingface"])
    assert code == 1
    assert "--space runs against the local hub" in capsys.readouterr().err


def test_init_makes_a_blog_that_signs_in_with_no_app_registered(tmp_path, capsys):
    assert main(["init", str(tmp_path / "blog")]) == 0
    blog = tmp_path / "blog"
    config = (blog / "config.yml").read_text(encoding="utf-8")
    assert "HF_OAUTH_CLIENT_ID: cimd" in config
    assert (blog / "content/pages/oauth/callback/huggingface.md").is_file()
    assert main(["--project", str(blog), "build"]) == 0
    document = json.loads((blog / "_site" / DOCUMENT).read_text(encoding="utf-8"))
    assert document["redirect_uris"][0].endswith("/oauth/callback/huggingface/")
    assert (blog / "_site/oauth/callback/huggingface/index.html").is_file()


def test_build_warns_when_hugging_face_could_not_read_the_document(project, capsys):
    project.config(site_url="http://localhost:8000", variables={"HF_OAUTH_CLIENT_ID": "cimd"})
    assert main(["--project", str(project.root), "build"]) == 0
    assert "Hugging Face reads the client metadata document only over https" in (
        capsys.readouterr().err
    )
    project.config(site_url="https://ada.github.io", variables={"HF_OAUTH_CLIENT_ID": "cimd"})
    assert main(["--project", str(project.root), "build"]) == 0
    assert "client metadata" not in capsys.readouterr().err
