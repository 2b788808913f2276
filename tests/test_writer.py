"""A failed build leaves the previous site exactly as it was, and leaves nothing behind."""

from __future__ import annotations

import hashlib

import pytest

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
