"""``shinmun build --space``: the output folder is a static Hugging Face Space as is."""

from __future__ import annotations

import yaml

from shinmun_hf.cli import main
from shinmun_hf.project.config import load_config
from shinmun_hf.space import SHORT_DESCRIPTION_LIMIT, space_readme


def metadata(readme: str) -> dict:
    assert readme.startswith("---\n")
    return yaml.safe_load(readme.split("---\n")[1])


def build(project, *extra: str) -> int:
    return main(["--project", str(project.root), "build", "--out", str(project.out), *extra])


def test_build_space_writes_the_space_readme(project, capsys):
    project.config(
        title="My: Blog",
        description="A blog about many things, " * 5,
        site_url="https://owner-blog.hf.space",
    )
    project.post("p", title="P")
    assert build(project, "--space") == 0
    assert "warning" not in capsys.readouterr().err
    readme = (project.out / "README.md").read_text(encoding="utf-8")
    meta = metadata(readme)
    assert meta["sdk"] == "static"
    assert meta["app_file"] == "index.html"
    assert meta["hf_oauth"] is True
    assert "inference-api" in meta["hf_oauth_scopes"]
    assert meta["title"] == "My: Blog"
    assert len(meta["short_description"]) <= SHORT_DESCRIPTION_LIMIT
    assert (project.out / "index.html").is_file()
    assert not [p.name for p in project.out.iterdir() if p.name.startswith(".README")]


def test_without_space_there_is_no_readme(project):
    project.post("p", title="P")
    assert build(project) == 0
    assert not (project.out / "README.md").exists()


def test_a_build_without_space_after_one_with_it_leaves_no_space_readme(project):
    project.post("p", title="P")
    assert build(project, "--space") == 0
    assert (project.out / "README.md").is_file()
    project.post("q", title="Q")  # an incremental build: the folder is not replaced
    assert build(project) == 0
    assert not (project.out / "README.md").exists()
    assert (project.out / "index.html").is_file()


def test_the_sites_own_readme_is_kept_by_a_build_without_space(project):
    project.post("p", title="P")
    project.write("public/README.md", "The site's own.\n")
    assert build(project) == 0
    assert build(project) == 0
    assert (project.out / "README.md").read_text() == "The site's own.\n"


def test_space_settings_a_space_cannot_honour_are_warnings(project, capsys):
    project.config(title="T", base_path="/blog")  # and site_url left at localhost
    assert build(project, "--space") == 0
    err = capsys.readouterr().err
    assert "base_path is /blog" in err and 'base_path: ""' in err
    assert "site_url is http://localhost:8000" in err and ".hf.space" in err
    assert (project.out / "README.md").exists()


def test_a_public_readme_is_not_overwritten_and_the_site_is_left_alone(project, capsys):
    project.write("public/README.md", "mine\n")
    project.post("p", title="Before")
    assert build(project) == 0
    before = {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()}
    project.post("p", title="After")
    capsys.readouterr()
    assert build(project, "--space") == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: public/README.md: ")
    assert "--space" in error and len(error.splitlines()) == 1
    assert {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()} == before


def test_a_build_for_localhost_warns_that_links_point_there(project, capsys):
    project.config(title="T")  # site_url left at its default, http://localhost:8000
    project.post("p", title="P")
    assert build(project) == 0
    assert "site_url is http://localhost:8000" in capsys.readouterr().err
    project.config(title="T", site_url="https://blog.example.org")
    assert build(project) == 0
    assert "warning" not in capsys.readouterr().err


def test_readme_is_plain_yaml_whatever_the_title(project):
    project.config(title='Quotes " and: colons # and --- dashes', description="")
    readme = space_readme(load_config(project.root))
    meta = metadata(readme)
    assert meta["title"] == 'Quotes " and: colons # and --- dashes'
    assert "short_description" not in meta


def test_a_space_build_warns_when_site_url_is_not_the_spaces_address(project, capsys):
    """Canonical and Open Graph links would point at the old host without a word."""
    project.config(title="T", site_url="https://example.github.io")
    project.post("p", title="P")
    assert build(project, "--space") == 0
    err = capsys.readouterr().err
    assert "site_url is https://example.github.io, not the Space's address" in err
    assert "https://OWNER-SPACE.hf.space" in err
    canonical = '<link rel="canonical" href="https://example.github.io/">'
    assert canonical in (project.out / "index.html").read_text()  # what the warning is about


def summary_counts(out: str) -> tuple[int, int, int, int]:
    """(files, written, unchanged, removed) of the build's summary line."""
    import re

    found = re.search(
        r"built ([\d,]+) files? into .*\((\d+) written, (\d+) unchanged, (\d+) removed", out
    )
    assert found, out
    return tuple(int(group.replace(",", "")) for group in found.groups())  # type: ignore[return-value]


def test_the_summary_counts_the_space_readme_written_kept_and_removed(project, capsys):
    project.post("p", title="P")
    assert build(project) == 0
    files, *_ = summary_counts(capsys.readouterr().out)
    assert build(project, "--space") == 0
    assert summary_counts(capsys.readouterr().out) == (files + 1, 1, files, 0)
    assert build(project, "--space") == 0
    assert summary_counts(capsys.readouterr().out) == (files + 1, 0, files + 1, 0)
    assert build(project) == 0
    assert summary_counts(capsys.readouterr().out) == (files, 0, files, 1)
    assert not (project.out / "README.md").exists()
