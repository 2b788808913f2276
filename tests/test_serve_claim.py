"""Two ``shinmun serve`` of one project: never a silent takeover of the first one's pages."""

from __future__ import annotations

import io

import httpx
import pytest
from serve_support import running

from shinmun_hf.errors import ShinmunError
from shinmun_hf.pipeline.builder import BuildOptions
from shinmun_hf.serve import DevServer, ServeOptions
from shinmun_hf.serve.console import Console


def second_server(root, **options: object) -> DevServer:
    serve = ServeOptions(port=0, hub="huggingface", build=BuildOptions(dev=True), **options)
    return DevServer(root, serve, Console(io.StringIO(), io.StringIO()))


def test_a_second_server_of_the_same_folder_is_refused_naming_the_first(project):
    project.post("hello", title="Hello")
    with running(project.root) as first:
        page = first.out / "index.html"
        before = (page.read_bytes(), page.stat().st_mtime_ns)
        with pytest.raises(ShinmunError) as caught, second_server(project.root):
            pass
        message = str(caught.value)
        assert f"another shinmun serve at {first.url}/" in message
        assert ".shinmun-cache/serve/site" in message and "--out" in message
        assert (page.read_bytes(), page.stat().st_mtime_ns) == before  # nothing rebuilt
        assert httpx.get(first.site_url).status_code == 200  # the first serves on
    with second_server(project.root) as second:  # once the first stopped, its folder is free
        assert httpx.get(second.site_url).status_code == 200


def test_a_second_server_with_a_folder_of_its_own_runs_beside_the_first(project, tmp_path):
    project.post("hello", title="Hello")
    with running(project.root) as first, second_server(project.root, out=tmp_path / "two") as two:
        assert first.out != two.out
        assert httpx.get(first.site_url).status_code == 200
        assert httpx.get(two.site_url).status_code == 200
