"""Bad input: one line naming file and line, exit code 1, no traceback, the old site intact."""

from __future__ import annotations

import subprocess
import sys

import pytest

from shinmun_hf.cli import main


def run_cli(project, *args: str) -> tuple[int, str, str]:
    process = subprocess.run(
        [sys.executable, "-m", "shinmun_hf", "--project", str(project.root), *args],
        capture_output=True,
        text=True,
        cwd=project.root,
        timeout=120,
    )
    return process.returncode, process.stdout, process.stderr


def build_error(project, capsys, *options: str) -> str:
    code = main(["--project", str(project.root), "build", "--out", str(project.out), *options])
    captured = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in captured.err
    lines = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, captured.err
    return lines[0]


def test_yaml_error_in_front_matter(project, capsys):
    project.write("content/posts/bad.md", "---\ntitle: Ok\ntags: [a, b\ndate: 2024-01-01\n---\nX\n")
    line = build_error(project, capsys)
    assert "content/posts/bad.md:3:" in line  # where the list opened, not where the text ended
    assert "invalid front matter" in line


@pytest.mark.parametrize("date", ["2026-13-45", "2026-02-30T10:00:00+02:00", "2026-02-30 10:00"])
def test_impossible_date_names_its_line(project, capsys, date):
    project.write("content/posts/when.md", f"---\ntitle: When\ndate: {date}\n---\nX\n")
    line = build_error(project, capsys)
    assert "content/posts/when.md:3:" in line
    assert date in line


def test_missing_title(project, capsys):
    project.write("content/posts/untitled.md", "---\ndate: 2024-01-01\n---\nBody\n")
    line = build_error(project, capsys)
    assert "content/posts/untitled.md:1: missing title" in line
    assert "add 'title: ...'" in line


def test_unparsable_date_points_at_its_line(project, capsys):
    project.write("content/posts/when.md", "---\ntitle: When\n\ndate: next tuesday\n---\nX\n")
    line = build_error(project, capsys)
    assert "content/posts/when.md:4:" in line
    assert "cannot read the date 'next tuesday'" in line


def test_missing_date_on_post(project, capsys):
    project.write("content/posts/nodate.md", "---\ntitle: No date\n---\nX\n")
    assert "content/posts/nodate.md:1: missing date" in build_error(project, capsys)


def test_two_files_with_one_url_are_both_named(project, capsys):
    project.post("first", title="One", date="2024-02-01", slug="same")
    project.post("second", title="Two", date="2024-02-03", slug="same")
    line = build_error(project, capsys)
    assert "content/posts/first.md" in line
    assert "content/posts/second.md" in line
    assert "/2024/2/same/" in line


def test_page_colliding_with_generated_listing(project, capsys):
    project.post("p", tags=["python"])
    project.page("python", slug="tags/python")
    line = build_error(project, capsys)
    assert line.startswith("error: content/pages/python.md:3:")  # the page's slug: line
    assert "tags/python/index.html" in line


def test_page_colliding_with_a_generated_page_without_slug(project, capsys):
    project.post("p")
    project.page("archives", title="Archives")
    line = build_error(project, capsys)
    assert line.startswith("error: content/pages/archives.md:2:")
    assert "archives/index.html" in line


def test_public_file_colliding_with_a_page_names_both(project, capsys):
    project.page("about", title="About")
    project.write("public/about/index.html", "<p>static</p>")
    line = build_error(project, capsys)
    assert "public/about/index.html" in line
    assert "page content/pages/about.md" in line
    assert "rename or move the file" in line


@pytest.mark.parametrize("first", [None, "page", "public file"])
def test_a_file_and_a_folder_of_one_name_are_refused(project, capsys, first):
    """A public file named like a page's folder: in a first build, or added to a site with
    the page, or the page added to a site with the file. The old site stays as it was."""
    add = {
        "page": lambda: project.page("colophon", title="Colophon"),  # colophon/index.html
        "public file": lambda: project.write("public/colophon", "plain text"),
    }
    if first is not None:
        add[first]()
        project.build()
    before = {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()}
    for name, adding in add.items():
        if name != first:
            adding()
    line = build_error(project, capsys)
    assert line.startswith("error: public/colophon: ")
    assert "both a file and a folder named colophon: " in line
    assert "public/colophon is copied to colophon" in line
    assert "page content/pages/colophon.md makes colophon/index.html" in line
    assert {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_slug_naming_a_generated_file_as_a_folder_points_at_the_slug(
    project, capsys, monkeypatch, jobs
):
    """The sitemap is a generated file: the page's slug line is what to change. With two
    workers the clash is found in a worker process, and explained all the same."""
    monkeypatch.setattr("shinmun_hf.pipeline.entries.PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr("shinmun_hf.pipeline.rendering.PARALLEL_THRESHOLD", 1)
    for number in range(30):
        project.post(f"post-{number}")
    page = project.page("map", title="Map", slug="sitemap.xml")
    slug_line = page.read_text().splitlines().index("slug: sitemap.xml") + 1
    line = build_error(project, capsys, "--jobs", str(jobs))
    assert line.startswith(f"error: content/pages/map.md:{slug_line}: ")
    assert "both a file and a folder named sitemap.xml: " in line
    assert "the sitemap makes sitemap.xml" in line
    assert "page content/pages/map.md makes sitemap.xml/index.html" in line
    assert "change the 'slug:'" in line
    assert not project.out.exists()


def test_a_file_left_in_the_site_by_hand_is_named_in_a_clash(project, capsys):
    project.build()
    (project.out / "extra").write_text("put here by hand")
    project.write("public/extra/a.txt", "text")
    line = build_error(project, capsys)
    assert line.startswith("error: public/extra/a.txt: ")
    assert f"{project.out.name}/extra is a file that no part of the project makes" in line
    assert "public/extra/a.txt is copied to extra/a.txt" in line
    assert (project.out / "extra").read_text() == "put here by hand"


@pytest.mark.parametrize("link", ["outside", "folder", "missing"])
def test_a_link_in_public_that_would_publish_other_files_is_refused(
    project, capsys, tmp_path, link
):
    """A link committed by mistake must not publish the building machine's files."""
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the web")
    project.build()
    before = {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()}
    targets = {"outside": secret, "folder": tmp_path, "missing": tmp_path / "gone"}
    (project.root / "public" / "link").symlink_to(targets[link])
    line = build_error(project, capsys)
    assert line.startswith("error: public/link: a symbolic link to ")
    expected = {"outside": f"{secret}, outside the project", "folder": "a folder"}
    assert expected.get(link, "a missing file") in line
    assert {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()} == before


def test_a_link_in_public_to_a_file_of_the_project_publishes_the_file(project):
    (project.root / "public" / "config-copy.txt").symlink_to(project.root / "config.yml")
    project.build()
    copy = project.out / "config-copy.txt"
    assert not copy.is_symlink()
    assert copy.read_bytes() == (project.root / "config.yml").read_bytes()


def test_a_slug_too_long_for_a_folder_name_names_its_line(project, capsys):
    project.post("long", slug="a" * 300)
    line = build_error(project, capsys)
    assert line.startswith("error: content/posts/long.md:4: slug ")
    assert "at most 200" in line


@pytest.mark.parametrize(
    ("key", "value"), [("description", ["a", "b"]), ("author", {"name": "Jane"})]
)
def test_description_and_author_must_be_text(project, capsys, key, value):
    """Not Python's spelling of a list or a mapping in the page's meta tags and the feeds."""
    project.post("typed", **{key: value})
    line = build_error(project, capsys)
    assert line == f"error: content/posts/typed.md:4: {key} must be text"


def test_a_misspelt_front_matter_key_is_a_warning_with_a_suggestion(project):
    """'drafts: true' publishes the post: the author must hear of it. Keys of their own
    (for layouts) are no mistake."""
    project.post("secret", title="Secret", drafts=True, categories="Guides", toc=False)
    code, _, err = run_cli(project, "build")
    assert code == 0, err
    assert "content/posts/secret.md:4: unknown front-matter key 'drafts'" in err
    assert "did you mean 'draft'?" in err
    assert "content/posts/secret.md:5: unknown front-matter key 'categories'" in err
    assert "'toc'" not in err


@pytest.mark.parametrize("command", ["build", "check", "serve"])
def test_a_mistyped_project_folder_is_named_and_not_created(tmp_path, capsys, command):
    missing = tmp_path / "blgo"
    assert main(["--project", str(missing), command]) == 1
    err = capsys.readouterr().err
    assert f"error: there is no folder {missing}" in err and "shinmun init" in err
    assert not missing.exists()


def test_front_matter_fences_with_trailing_blanks_are_fences(project):
    """Blanks after --- are invisible in an editor: not 'the front matter is not closed'."""
    project.write(
        "content/posts/blanks.md", "--- \ntitle: Blanks\ndate: 2024-01-01\n---\t \nBody.\n"
    )
    site = project.build().site
    assert [post.title for post in site.posts] == ["Blanks"]
    assert "title:" not in project.read("2024/1/blanks/index.html")


def test_nested_aliases_that_would_expand_to_millions_of_values_are_refused(project, capsys):
    """A few hundred bytes of YAML ("billion laughs") must not hang the build."""
    levels = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for name, previous in zip("bcdefgh", "abcdefg", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    front = "title: Laughs\ndate: 2024-01-01\n" + "\n".join(levels) + "\n"
    project.write("content/posts/laughs.md", f"---\n{front}---\nBody.\n")
    line = build_error(project, capsys)
    assert line.startswith("error: content/posts/laughs.md:2: front matter grows past")


def test_a_front_matter_key_given_twice_names_both_lines(project, capsys):
    project.write("content/posts/twice.md", "---\ntitle: A\ndate: 2024-01-01\ntitle: B\n---\nX\n")
    line = build_error(project, capsys)
    assert line.startswith("error: content/posts/twice.md:4: the key 'title' is given twice")
    assert "(lines 2 and 4)" in line


@pytest.mark.parametrize("target", ["..", "../.."])
def test_a_content_link_to_a_folder_it_is_in_is_a_loop_error(project, capsys, target):
    project.post("real")
    (project.root / "content/posts/loop").symlink_to(target)
    line = build_error(project, capsys)
    assert line.startswith("error: content/posts/loop: a symbolic link to a folder it is in")


def test_a_content_link_to_a_folder_of_the_project_is_followed(project):
    shared = project.root / "drafts-folder"
    shared.mkdir()
    (shared / "s.md").write_text("---\ntitle: Shared\ndate: 2024-02-02\n---\nHi\n")
    (project.root / "content/posts/shared").symlink_to(shared)
    (project.root / "content/pages/about.md").symlink_to(shared / "s.md")
    site = project.build().site
    assert [post.title for post in site.posts] == ["Shared"]
    assert [page.title for page in site.pages] == ["Shared"]


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("content/posts/note.md", "outside the project"),
        ("content/posts/shared", "outside the project"),
        ("content/pages", "outside the project"),
        ("content/posts/gone.md", "a symbolic link to nothing"),
        ("content/posts/loop.md", "a symbolic link in a loop of links"),
    ],
)
def test_a_content_link_out_of_the_project_to_nothing_or_looping_is_refused(
    project, capsys, tmp_path, link, expected
):
    """A linked note or folder outside the project would be published, search index and all."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("---\ntitle: Secret\ndate: 2024-02-02\n---\nsecret\n")
    project.post("real")
    project.build()
    before = {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()}
    path = project.root / link
    if path.is_dir():
        path.rmdir()
    target = {
        "content/posts/note.md": outside / "secret.md",
        "content/posts/gone.md": project.root / "content/posts/missing.md",
        "content/posts/loop.md": project.root / "content/posts/loop.md",
    }.get(link, outside)
    path.symlink_to(target)
    line = build_error(project, capsys)
    assert line.startswith(f"error: {link}: ")
    assert expected in line
    assert {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()} == before


def test_non_utf8_file_names_line(project, capsys):
    project.write("content/posts/latin1.md", b"---\ntitle: Caf\xe9\ndate: 2024-01-01\n---\n")
    line = build_error(project, capsys)
    assert "content/posts/latin1.md:2:" in line
    assert "not valid UTF-8" in line


def test_missing_layout(project, capsys):
    (project.root / "layouts" / "tag.html").unlink()
    project.post("p", tags=["x"])
    line = build_error(project, capsys)
    assert "layouts/tag.html is missing" in line


def test_layout_syntax_error_names_layout_line(project, capsys):
    project.write(
        "layouts/page.html",
        "{% extends 'base.html' %}\n{% block main %}\n{{ oops(\n{% endblock %}\n",
    )
    project.page("about")
    line = build_error(project, capsys)
    assert "layouts/page.html:" in line
    assert "syntax error in layout" in line


def test_undefined_name_in_layout_names_layout_line(project, capsys):
    project.write(
        "layouts/page.html",
        "{% extends 'base.html' %}\n{% block main %}\n<p>\n{{ no_such_helper() }}\n</p>\n"
        "{% endblock %}\n",
    )
    project.page("about")
    line = build_error(project, capsys)
    assert "layouts/page.html:4:" in line
    assert "no_such_helper" in line


def test_unknown_layout_in_front_matter(project, capsys):
    project.page("about", layout="fancy.html")
    line = build_error(project, capsys)
    assert "layouts/fancy.html is missing" in line
    assert line.startswith("error: content/pages/about.md:3:")  # ---, title, layout


@pytest.mark.parametrize("layout", ["../config.yml", "/etc/hostname", "partials/../../x.html"])
def test_a_layout_outside_layouts_is_refused_at_its_line(project, capsys, layout):
    project.page("about", layout=layout)
    line = build_error(project, capsys)
    assert line.startswith("error: content/pages/about.md:3: layout must be the name of a")


@pytest.mark.parametrize(
    ("value", "problem"), [(".nan", "NaN or infinity"), ("!!binary aGVsbG8=", "type bytes")]
)
def test_unpublishable_variable_names_its_line_in_config(project, capsys, value, problem):
    project.config(f"title: T\nvariables:\n  GOOD: 1\n  BAD: {value}\n")
    project.page("about")
    line = build_error(project, capsys)
    assert line.startswith("error: config.yml:4: variable 'BAD'")
    assert problem in line


def test_directive_without_block(project, capsys):
    project.post("code", body="Intro.\n\n    @@python\n\nNot indented.\n")
    line = build_error(project, capsys)
    assert "content/posts/code.md:7:" in line  # ---, title, date, ---, Intro., blank, @@
    assert "@@python has no indented block" in line


@pytest.mark.parametrize(
    "directive",
    ["@@typescript-file[my widget](public/apps/w.ts)", "@@typescript-file[w](public/apps/w.ts) x"],
)
def test_a_malformed_component_directive_is_an_error_not_text(project, capsys, directive):
    project.post("component", body=f"Intro.\n\n{directive}\n")
    line = build_error(project, capsys)
    assert line.startswith("error: content/posts/component.md:7: malformed @@typescript-file line")
    assert "@@typescript-file[id](argument)" in line


def test_one_element_id_for_two_components_on_a_page_is_an_error(project, capsys):
    project.write("public/apps/a.ts", "export default () => {};\n")
    body = (
        "@@typescript-file[app](public/apps/a.ts)\n\nText.\n\n"
        "@@typescript[app]\n\n    console.log(1);\n"
    )
    project.page("twice", title="Twice", body=body)
    line = build_error(project, capsys)
    assert line.startswith("error: content/pages/twice.md:8: the element id 'app' is used twice")
    assert "(lines 4 and 8)" in line


def test_debug_shows_traceback_and_still_fails(project):
    project.write("content/posts/untitled.md", "---\ndate: 2024-01-01\n---\nBody\n")
    code, _, err = run_cli(project, "--debug", "build")
    assert code == 1
    assert "Traceback" in err
    assert "missing title" in err


def test_success_exit_code_and_summary(project):
    project.post("hello")
    code, out, err = run_cli(project, "build")
    assert code == 0, err
    assert "built" in out
    assert (project.out / "index.html").exists()


@pytest.mark.parametrize(
    "target", [".", "content", "layouts", "public/site", "content/site", "layouts/site"]
)
def test_refuses_to_overwrite_project_folders(project, capsys, target):
    """Into a source folder, a build would copy itself into the next one (public/site)."""
    project.post("hello")
    before = sorted(p.relative_to(project.root) for p in project.root.rglob("*"))
    code = main(["--project", str(project.root), "build", "--out", str(project.root / target)])
    err = capsys.readouterr().err
    assert code == 1
    assert "refusing" in err
    after = sorted(
        p.relative_to(project.root)
        for p in project.root.rglob("*")
        if ".shinmun-cache" not in p.parts
    )
    assert [p for p in before if ".shinmun-cache" not in p.parts] == after


def test_refuses_foreign_non_empty_directory(project, capsys, tmp_path):
    project.post("hello")
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("precious")
    code = main(["--project", str(project.root), "build", "--out", str(foreign)])
    assert code == 1
    assert "was not created by shinmun" in capsys.readouterr().err
    assert (foreign / "thesis.txt").read_text() == "precious"
    assert sorted(p.name for p in foreign.iterdir()) == ["thesis.txt"]


def test_a_misspelt_front_matter_field_fails_instead_of_printing_none(project, capsys):
    layout = project.root / "layouts/post.html"
    layout.write_text(
        layout.read_text().replace(
            "{% block main %}",
            "{% block main %}{% if post.cover %}COVER{% endif %}"
            "{% for x in post.gallery %}{{ x }}{% endfor %}"
            "<i>{{ post.mood | default('calm') }}</i><b>{{ post.series }}</b>",
            1,
        )
    )
    project.post("p", title="P", series="Part one")
    project.build()
    html = project.read("2024/3/p/index.html")
    assert "<i>calm</i><b>Part one</b>" in html and "COVER" not in html
    layout.write_text(layout.read_text().replace("{{ post.series }}", "{{ post.sereis }}"))
    line = build_error(project, capsys)
    assert "layouts/post.html:" in line
    assert "content/posts/p.md has no front-matter field 'sereis'" in line


@pytest.mark.parametrize("kind", ["posts", "pages"])
def test_a_file_without_front_matter_is_told_so(project, capsys, kind):
    """Not "missing title": the file has no front matter at all."""
    project.write(f"content/{kind}/plain.md", "Just some text.\n\nMore text.\n")
    line = build_error(project, capsys)
    assert line.startswith(f"error: content/{kind}/plain.md:1: the file has no front matter")
    assert "title:" in line and "---" in line
    assert ("date:" in line) == (kind == "posts")


def test_a_mistyped_component_path_gets_a_did_you_mean(project, capsys):
    project.write("public/apps/hf-oauth.ts", "export {};\n")
    project.page("demo", title="Demo", body="@@typescript-file[app](public/apps/hf-oath.ts)\n")
    line = build_error(project, capsys)
    assert "component file public/apps/hf-oath.ts does not exist" in line
    assert "did you mean public/apps/hf-oauth.ts?" in line


def test_a_component_path_with_nothing_alike_gets_no_guess(project, capsys):
    project.write("public/apps/hf-oauth.ts", "export {};\n")
    project.page("demo", title="Demo", body="@@typescript-file[app](public/zzz/counter.tsx)\n")
    line = build_error(project, capsys)
    assert "does not exist" in line and "did you mean" not in line


def test_every_bad_content_file_is_reported_in_one_build(project, capsys):
    """Twenty unconverted posts take one build to find, not twenty; nothing is written."""
    project.post("fine")
    project.build()
    before = {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()}
    for number in range(24):
        project.write(f"content/posts/bad-{number:02}.md", "---\ndate: 2024-01-01\n---\nBody\n")
    project.write("content/pages/when.md", "---\ntitle: When\ndate: next tuesday\n---\nX\n")
    code = main(["--project", str(project.root), "build", "--out", str(project.out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert "error: 25 content files have errors:" in err
    listed = [line.strip() for line in err.splitlines() if line.startswith("  content/")]
    assert len(listed) == 20
    assert listed[0].startswith("content/pages/when.md:3: cannot read the date 'next tuesday'")
    assert listed[1].startswith("content/posts/bad-00.md:1: missing title")
    assert listed[19].startswith("content/posts/bad-18.md:1: missing title")
    assert "... and 5 more" in err
    assert {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()} == before
