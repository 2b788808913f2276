"""``shinmun init``: a new blog from the example blog, which builds at once without a warning."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile

import pytest
import yaml
from conftest import REPO

from shinmun_hf.cli import main
from shinmun_hf.pipeline.builder import Builder, BuildOptions
from shinmun_hf.project.config import SCHEMA, load_config
from shinmun_hf.project.scaffold import BLOG_ENTRIES, create_blog, example_blog


def test_init_makes_a_blog_that_builds_without_warnings(tmp_path, capsys):
    target = tmp_path / "my-blog"
    assert main(["init", str(target)]) == 0
    assert 'created the blog "My blog"' in capsys.readouterr().out
    for name in ("config.yml", "content/pages/about.md", "content/pages/hf-oauth-demo.md"):
        assert (target / name).is_file(), name
    assert list((target / "content" / "posts").rglob("*.md")), "an example post"
    assert (target / "layouts" / "base.html").is_file()
    assert (target / "public" / "css" / "style.css").is_file()
    assert (target / ".gitignore").read_text() == "_site/\n.shinmun-cache/\n"

    result = Builder(target, target / "_site", BuildOptions()).build()
    assert result.warnings == []
    assert (target / "_site" / "index.html").is_file()
    assert (target / "_site" / "hf-oauth-demo" / "index.html").is_file()


def test_the_next_step_hint_can_be_pasted_into_a_shell(tmp_path, capsys):
    import shlex
    import subprocess

    target = tmp_path / "my blog's folder"
    assert main(["init", str(target)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "next steps:"
    first = lines[2].strip()  # cd <folder>
    assert shlex.split(first) == ["cd", str(target)]
    subprocess.run(["sh", "-c", f"{first} && test -f config.yml"], check=True)
    steps = "\n".join(lines[3:])
    for step in ("shinmun serve", "shinmun new post", "set site_url", "shinmun build"):
        assert step in steps


def test_init_gives_the_blog_its_own_identity_never_the_examples(tmp_path, capsys):
    example = load_config(REPO)
    target = tmp_path / "notes_from-the_field"
    assert main(["init", str(target)]) == 0
    config = load_config(target)
    assert config.title == "Notes from the field"  # from the folder's name
    assert config.author == "" and config.description == ""  # nothing pretend
    assert config.site_url == SCHEMA["site_url"].default  # left to set: commented out
    assert "\n# site_url: " in (target / "config.yml").read_text()
    assert main(["--project", str(target), "build"]) == 0
    home = (target / "_site" / "index.html").read_text()
    assert example.title not in home and example.author not in home
    assert "<title>Notes from the field</title>" in home
    assert "set it to where the site is published" in capsys.readouterr().err


def test_init_takes_title_author_and_site_url(tmp_path, capsys):
    target = tmp_path / "blog"
    args = ["init", str(target), "--title", "Ada's notes", "--author", "Ada Lovelace"]
    assert main([*args, "--site-url", "https://ada.github.io/"]) == 0
    assert "set site_url" not in capsys.readouterr().out  # done already
    config = load_config(target)
    assert (config.title, config.author, config.site_url) == (
        "Ada's notes",
        "Ada Lovelace",
        "https://ada.github.io",
    )
    assert main(["--project", str(target), "build"]) == 0
    assert "warning" not in capsys.readouterr().err
    feed = (target / "_site" / "atom.xml").read_text()
    assert "<atom:name>Ada Lovelace</atom:name>" in feed and "https://ada.github.io/" in feed


def test_init_refuses_a_site_url_it_cannot_use_and_makes_nothing(tmp_path, capsys):
    target = tmp_path / "blog"
    assert main(["init", str(target), "--site-url", "ada.github.io"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: --site-url: expected an absolute URL")
    assert not target.exists()


def test_the_blog_is_copied_from_the_example_blog_at_the_repository_root(tmp_path):
    assert example_blog() == REPO  # an editable install reads the checkout: no second copy
    create_blog(tmp_path / "blog")
    for name in BLOG_ENTRIES:
        if name == "config.yml":
            continue
        for source in (REPO / name).rglob("*"):
            parts = source.relative_to(REPO).parts
            if source.is_file() and not any(p.startswith((".", "__pycache__")) for p in parts):
                copy = tmp_path / "blog" / source.relative_to(REPO)
                assert copy.read_bytes() == source.read_bytes(), copy


def test_config_has_every_key_commented_and_the_example_values(tmp_path):
    create_blog(tmp_path / "blog")
    text = (tmp_path / "blog" / "config.yml").read_text()
    lines = text.splitlines()
    for key in SCHEMA:
        index = next((i for i, line in enumerate(lines) if re.match(rf"#? ?{key}:", line)), None)
        assert index is not None, f"{key} is missing from config.yml"
        assert lines[index - 1].startswith("#"), f"{key} has no comment above it"
    example = yaml.safe_load((REPO / "config.yml").read_text())
    made = yaml.safe_load(text)
    assert made.pop("title") == "Blog"
    for key in ("title", "description", "author", "site_url"):  # the example's own
        example.pop(key, None)
    assert made == example


@pytest.mark.parametrize("existing", ["notes.txt", ".hidden"])
def test_init_refuses_a_non_empty_folder(tmp_path, capsys, existing):
    target = tmp_path / "blog"
    target.mkdir()
    (target / existing).write_text("mine")
    assert main(["init", str(target)]) == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "is not empty" in error and str(target) in error
    assert sorted(p.name for p in target.iterdir()) == [existing]


def test_init_refuses_a_file_and_accepts_an_empty_folder_or_a_git_repository(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert main(["init", str(tmp_path / "file")]) == 1
    assert "is a file" in capsys.readouterr().err

    (tmp_path / "empty").mkdir()
    assert main(["init", str(tmp_path / "empty")]) == 0
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert main(["init", str(tmp_path / "repo")]) == 0
    assert (tmp_path / "repo" / "config.yml").is_file()
    assert not list(tmp_path.glob(".*init-*")), "no staging folder is left behind"


def test_init_from_an_installed_wheel(tmp_path):
    """A wheel carries the example blog as package data (the repository root is not installed)."""
    if "shinmun_hf._build_hook" not in (REPO / "pyproject.toml").read_text():
        pytest.skip("pyproject.toml does not run shinmun_hf/_build_hook.py yet")
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, REPO],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    assert "license" not in build.stderr.lower(), build.stderr  # an SPDX string: no warnings
    (wheel,) = wheels.glob("shinmun_hf-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    assert "\nLicense-Expression: MIT\n" in zipfile.ZipFile(wheel).read(metadata).decode()
    assert "shinmun_hf/_blog/config.yml" in names
    assert "shinmun_hf/_blog/layouts/base.html" in names
    assert not [n for n in names if n.startswith("shinmun_hf/_blog/_site/")]

    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)  # what pip install puts in site-packages
    script = (
        "import sys; from pathlib import Path;"
        "from shinmun_hf.project.scaffold import example_blog;"
        "from shinmun_hf.cli import main; root = example_blog();"
        "assert root.name == '_blog' and root.parent.parent == Path(sys.argv[1]), root;"
        "sys.exit(main(['init', sys.argv[2], '--site-url', 'https://me.github.io'])"
        " or main(['--project', sys.argv[2], 'build']))"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, installed, tmp_path / "blog"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(installed)},
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr, run.stderr
    assert (tmp_path / "blog" / "_site" / "index.html").is_file()


def test_bundled_copy_is_preferred_to_the_checkout(tmp_path, monkeypatch):
    """The wheel's layout: ``shinmun_hf/_blog`` next to the modules wins over any parent."""
    import shinmun_hf.project.scaffold as scaffold

    package = tmp_path / "site-packages" / "shinmun_hf"
    bundled = package / "_blog"
    for name in BLOG_ENTRIES:
        (bundled / name).parent.mkdir(parents=True, exist_ok=True)
        if name == "config.yml":
            (bundled / name).write_text("posts_per_page: 3\n")
        else:
            (bundled / name).mkdir()
    monkeypatch.setattr(scaffold, "__file__", str(package / "project" / "scaffold.py"))
    assert scaffold.example_blog() == bundled
    made = create_blog(tmp_path / "blog")
    assert yaml.safe_load((tmp_path / "blog" / "config.yml").read_text())["posts_per_page"] == 3
    assert {p.name for p in made} == {"config.yml", ".gitignore"}


def test_a_missing_example_blog_is_one_clear_error(tmp_path, monkeypatch, capsys):
    import shinmun_hf.project.scaffold as scaffold

    fake = tmp_path / "pkg" / "shinmun_hf" / "project" / "scaffold.py"
    monkeypatch.setattr(scaffold, "__file__", str(fake))
    assert main(["init", str(tmp_path / "blog")]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: the example blog is missing") and "reinstall" in error
    assert not (tmp_path / "blog").exists()


def test_the_build_hook_copies_exactly_the_blog_entries():
    from shinmun_hf._build_hook import blog_entries

    assert blog_entries() == BLOG_ENTRIES
