"""A failed build leaves the previous site exactly as it was, and leaves nothing behind."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from waiting import wait_until

from shinmun_hf.errors import BuildError


def snapshot(directory) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def built(project):
    project.write(
        "layouts/post.html",
        (project.root / "layouts/post.html")
        .read_text()
        .replace(
            "{% block main %}",
            "{% block main %}{% if post.explode %}{{ post.missing.attr }}{% endif %}",
            1,
        ),
    )
    for number in range(30):
        project.post(
            f"post-{number:02}", title=f"Post {number}", date=f"2024-01-{number % 28 + 1:02}"
        )
    project.build()
    return project


@pytest.mark.parametrize("incremental", [True, False], ids=["incremental", "full"])
def test_build_failing_halfway_leaves_previous_site_untouched(built, incremental):
    if not incremental:  # no manifest: the next build would be a full one
        for manifest in (built.root / ".shinmun-cache").glob("manifest-*"):
            manifest.unlink()
    before = snapshot(built.out)
    built.post("post-05", title="Changed title", date="2024-01-06")
    built.post("zz-explodes", title="Explodes", date="2024-01-31", explode=True)
    built.write("public/new.txt", "new file")
    with pytest.raises(BuildError) as caught:
        built.build()
    assert "layouts/post.html" in str(caught.value)
    assert snapshot(built.out) == before
    leftovers = [p.name for p in built.out.parent.iterdir() if p.name.startswith("._site")]
    assert leftovers == []


def test_successful_rebuild_after_failure_applies_all_changes(built):
    built.post("zz-explodes", title="Explodes", date="2024-01-31", explode=True)
    with pytest.raises(BuildError):
        built.build()
    (built.root / "content/posts/zz-explodes.md").unlink()
    built.post("post-05", title="Changed title", date="2024-01-06")
    built.build()
    assert "Changed title" in built.read("2024/1/post-05/index.html")


def test_removed_post_disappears_with_its_empty_folders(built):
    built.post("lonely", title="Lonely", date="2023-02-01", tags=["only-here"])
    built.build()
    assert (built.out / "2023/2/lonely/index.html").exists()
    (built.root / "content/posts/lonely.md").unlink()
    built.build()
    assert not (built.out / "2023").exists()
    assert not (built.out / "tags/only-here").exists()


def test_rebuilding_into_own_output_is_allowed(built):
    assert (built.out / ".shinmun-output").exists()
    built.build()
    assert (built.out / "index.html").exists()


def _start_rendering_build(project) -> tuple[subprocess.Popen, list[str]]:
    """A build busy in its worker pool for several seconds, and its workers' pids."""
    slow = "{% for i in range(300000) %}{% endfor %}"
    layout = project.root / "layouts/post.html"
    layout.write_text(layout.read_text().replace("{% block main %}", "{% block main %}" + slow, 1))
    for number in range(200):
        project.post(f"bulk-{number:03}", title=f"Bulk {number}", date="2024-01-02")
    process = subprocess.Popen(
        [sys.executable, "-m", "shinmun_hf", "--project", str(project.root), "build"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=project.root,
    )
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    workers: list[str] = []

    def rendering_or_ended() -> bool:
        nonlocal workers
        if list(project.root.glob("._site.staging-*")) and children.exists():
            workers = children.read_text().split()
        return bool(workers) or process.poll() is not None

    wait_until(rendering_or_ended, timeout=60)
    if not workers:
        process.kill()
        pytest.fail("the build never started rendering workers")
    return process, workers


def _wait_until_gone(workers: list[str]) -> list[str]:
    wait_until(lambda: not any(Path(f"/proc/{w}").exists() for w in workers), timeout=10)
    return [w for w in workers if Path(f"/proc/{w}").exists()]


def test_sigterm_mid_build_leaves_no_workers_and_no_staging(project):
    process, workers = _start_rendering_build(project)
    process.send_signal(signal.SIGTERM)
    # communicate, not read(): a surviving worker holding stderr must fail the test, not hang it
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, errors.decode()
    assert b"Traceback" not in errors
    assert _wait_until_gone(workers) == [], "orphaned workers"
    assert list(project.root.glob("._site.*")) == []
    assert not project.out.exists()  # nothing half-written


def test_workers_die_with_a_killed_build(project):
    """kill -9 gives the build no chance to clean up: its workers must still not linger."""
    process, workers = _start_rendering_build(project)
    process.kill()
    process.communicate(timeout=60)  # returns only once no worker holds stderr open
    assert _wait_until_gone(workers) == [], "orphaned workers"
    assert not project.out.exists()  # the previous (absent) site is untouched


@pytest.mark.parametrize("how", ["write", "copy"])
@pytest.mark.parametrize("first", ["clash", "clash/index.html"])
def test_a_file_and_a_folder_of_one_name_are_refused_whichever_comes_first(tmp_path, first, how):
    """Workers write in any order: the second of the two is refused with a clear error."""
    from shinmun_hf.writer import SiteWriter

    source = tmp_path / "source.txt"
    source.write_text("bytes")
    writer = SiteWriter(tmp_path / "site")
    writer.write(first, b"first")
    second = "clash" if first != "clash" else "clash/index.html"
    with pytest.raises(BuildError, match="both a file and a folder named clash"):
        if how == "write":
            writer.write(second, b"second")
        else:
            writer.copy(second, source)
    writer.abort()
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("file", ["../escaped.html", "a/../../escaped.html", "/tmp/escaped.html"])
@pytest.mark.parametrize("how", ["write", "copy"])
def test_the_writer_refuses_a_file_outside_its_folder(tmp_path, file, how):
    from shinmun_hf.writer import OutsideOutput, SiteWriter

    source = tmp_path / "source.txt"
    source.write_text("bytes")
    writer = SiteWriter(tmp_path / "site")
    with pytest.raises(OutsideOutput, match="outside the output folder"):
        if how == "write":
            writer.write(file, b"x")
        else:
            writer.copy(file, source)
    writer.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source.txt"]


def test_a_permalink_past_the_checks_still_writes_nothing_outside_the_output(project, monkeypatch):
    """The second line of defence: whatever makes a path with '..', the writer refuses it."""
    from shinmun_hf.project import config_options
    from shinmun_hf.writer import OutsideOutput

    monkeypatch.setattr(config_options.Permalink, "validate", lambda self, value: value)
    project.config(
        title="Blog", site_url="https://blog.example.org", permalink="/../../elsewhere/{slug}/"
    )
    project.post("hello")
    with pytest.raises(OutsideOutput):
        project.build()
    assert not (project.root.parent / "elsewhere").exists()
    assert not (project.root / "elsewhere").exists()
    assert not project.out.exists()


def test_an_incremental_build_does_not_write_through_a_link_in_the_output(project, tmp_path):
    """A folder of the site replaced by a link to elsewhere: the new post is not put there."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    project.post("first", date="2024-03-05")
    project.build()
    (project.out / "2024").rename(tmp_path / "old-2024")
    (project.out / "2024").symlink_to(elsewhere, target_is_directory=True)
    project.post("second", date="2024-03-06")
    with pytest.raises(BuildError, match="outside the output folder"):
        project.build()
    assert list(elsewhere.iterdir()) == []


def test_an_incremental_commit_never_deletes_outside_its_folder(tmp_path):
    """A record of an older build naming '../x' (or a link put into the site) is not ours."""
    from shinmun_hf.writer import SiteWriter

    first = SiteWriter(tmp_path / "site")
    first.write("index.html", b"old")
    first.commit(complete=True, removed=[])
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "page.html").write_text("keep me too")
    (tmp_path / "site" / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    second = SiteWriter(tmp_path / "site")
    second.write("index.html", b"new")
    second.commit(complete=False, removed=["../victim.txt", "linked/page.html"])
    assert victim.read_text() == "keep me"
    assert (tmp_path / "elsewhere" / "page.html").read_text() == "keep me too"
    assert (tmp_path / "site" / "index.html").read_bytes() == b"new"
