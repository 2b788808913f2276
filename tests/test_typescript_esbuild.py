"""How esbuild is found, pinned, verified, and what happens when it cannot be had."""

from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import pytest
from test_typescript import bundler, components, ref  # noqa: F401 (fixture)

from shinmun_hf.typescript import ESBUILD_VERSION, CompileError, EsbuildUnavailable, esbuild
from shinmun_hf.typescript.esbuild import LOCK_FILE, find_esbuild

FAKE_ESBUILD = """#!/bin/sh
if [ "$1" = "--version" ]; then echo 0.0.1-fake; exit 0; fi
echo "✘ [ERROR] the fake esbuild ran" >&2
exit 1
"""


@pytest.fixture
def no_override(monkeypatch):
    """esbuild through Deno, whatever this machine has on PATH."""
    monkeypatch.delenv("ESBUILD_BINARY_PATH", raising=False)
    monkeypatch.setattr(esbuild.shutil, "which", lambda name: None)


def fake_esbuild(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "esbuild"
    path.write_text(FAKE_ESBUILD, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def closed_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


def test_the_lock_pins_the_version_and_every_platform_package():
    lock = json.loads(LOCK_FILE.read_text(encoding="utf-8"))
    assert lock["specifiers"] == {f"npm:esbuild@{ESBUILD_VERSION}": ESBUILD_VERSION}
    package = lock["npm"][f"esbuild@{ESBUILD_VERSION}"]
    assert package["integrity"].startswith("sha512-")
    assert len(package["optionalDependencies"]) >= 20
    for platform in package["optionalDependencies"]:
        assert lock["npm"][f"{platform}@{ESBUILD_VERSION}"]["integrity"].startswith("sha512-")


def test_pinned_esbuild_runs_through_deno_with_the_frozen_lock(no_override):
    found = find_esbuild()
    assert found.through_deno and found.version == ESBUILD_VERSION
    assert f"--lock={LOCK_FILE}" in found.command and "--frozen" in found.command
    assert "--no-config" in found.command  # a project's deno.json or package.json stays out
    assert found.command[-1] == f"npm:esbuild@{ESBUILD_VERSION}"
    done = found.run(["--version"], cwd=Path.cwd())
    assert done.stdout.strip() == ESBUILD_VERSION


def test_esbuild_binary_path_takes_precedence(components, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("ESBUILD_BINARY_PATH", str(fake_esbuild(tmp_path / "own")))
    assert find_esbuild().version == "0.0.1-fake"
    with pytest.raises(CompileError, match="the fake esbuild ran"):
        bundler(components).build([ref("public/apps/counter.tsx")])


def test_esbuild_on_path_takes_precedence(components, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.delenv("ESBUILD_BINARY_PATH", raising=False)
    fake_esbuild(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    assert find_esbuild().command == (str(tmp_path / "bin" / "esbuild"),)
    with pytest.raises(CompileError, match="the fake esbuild ran"):
        bundler(components).build([ref("public/apps/counter.tsx")])


def test_cache_is_keyed_by_the_esbuild_used(components, monkeypatch, tmp_path):  # noqa: F811
    refs = [ref("public/apps/counter.tsx")]
    bundler(components).build(refs)  # cached with the pinned esbuild
    monkeypatch.setenv("ESBUILD_BINARY_PATH", str(fake_esbuild(tmp_path / "own")))
    with pytest.raises(CompileError, match="the fake esbuild ran"):  # not served from cache
        bundler(components).build(refs)


def test_a_broken_override_says_so(components, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("ESBUILD_BINARY_PATH", str(tmp_path / "missing-esbuild"))
    with pytest.raises(EsbuildUnavailable, match="could not run esbuild"):
        bundler(components).build([ref("public/apps/counter.tsx")])


def test_offline_first_run_explains_what_to_do(components, no_override, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("DENO_DIR", str(tmp_path / "empty-deno-cache"))
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", f"http://127.0.0.1:{closed_port()}/")
    compiler = bundler(components)
    with pytest.raises(EsbuildUnavailable) as caught:
        compiler.build([ref("public/apps/counter.tsx")])
    error = caught.value
    assert f"could not fetch esbuild {ESBUILD_VERSION} from the npm registry" in error.message
    assert "Connection refused" in error.message
    assert "ESBUILD_BINARY_PATH" in (error.hint or "")
    assert "Stack backtrace" not in str(error)


def test_a_download_that_does_not_match_the_pinned_hash_is_rejected(
    components,  # noqa: F811
    no_override,
    monkeypatch,
    tmp_path,
):
    lock = json.loads(LOCK_FILE.read_text(encoding="utf-8"))
    for package in lock["npm"].values():
        package["integrity"] = "sha512-" + "A" * 86 + "=="
    tampered = tmp_path / "tampered-lock.json"
    tampered.write_text(json.dumps(lock), encoding="utf-8")
    monkeypatch.setattr(esbuild, "LOCK_FILE", tampered)
    monkeypatch.setenv("DENO_DIR", str(tmp_path / "empty-deno-cache"))
    with pytest.raises(EsbuildUnavailable) as caught:
        bundler(components).build([ref("public/apps/counter.tsx")])
    if "could not fetch" in caught.value.message:
        pytest.skip("the npm registry is not reachable from here")
    assert "failed verification" in caught.value.message
    assert "checksum did not match" in caught.value.message
