"""TOML front matter between +++ lines (Hugo, Zola) is read as YAML front matter is."""

from __future__ import annotations

import datetime as dt

from shinmun_hf.cli import main

ZOLA_POST = '''+++
title = "Moving from Zola"
date = 2024-05-01T14:30:00+02:00
description = """
A post written for Zola.
title = not a key
"""
draft = false

[taxonomies]
tags = ["zola", "migration"]
categories = ["Guides"]
+++
The body, in **Markdown**.
'''


def test_a_zola_post_is_read_with_its_title_date_tags_and_category(project):
    project.write("content/posts/zola.md", ZOLA_POST)
    site = project.build().site
    [post] = site.posts
    assert post.title == "Moving from Zola"
    assert post.date == dt.datetime(2024, 5, 1, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert post.tags == ("zola", "migration")
    assert post.category == "Guides"
    assert post.description == "A post written for Zola.\ntitle = not a key"
    page = project.read(f"{post.site_path}index.html")
    assert "<strong>Markdown</strong>" in page
    assert "+++" not in page and "taxonomies" not in page


def test_a_hugo_page_with_a_quoted_date_and_top_level_tags(project):
    project.write(
        "content/posts/hugo.md",
        '+++\ntitle = "Hugo"\ndate = "2023-02-03"\ntags = ["a"]\n+++\nHi.\n',
    )
    [post] = project.build().site.posts
    assert (post.title, post.date.date(), post.tags) == ("Hugo", dt.date(2023, 2, 3), ("a",))


def build_error(project, capsys) -> str:
    code = main(["--project", str(project.root), "build", "--out", str(project.out)])
    err = capsys.readouterr().err
    assert code == 1, err
    return next(line for line in err.splitlines() if line.startswith("error:"))


def test_a_toml_syntax_error_names_its_line(project, capsys):
    project.write("content/posts/bad.md", '+++\ntitle = "Bad"\ndate 2024-01-01\n+++\nX\n')
    line = build_error(project, capsys)
    assert line.startswith("error: content/posts/bad.md:3: invalid front matter: Expected '='")


def test_a_wrong_value_in_toml_names_the_line_of_its_key(project, capsys):
    project.write(
        "content/posts/typed.md",
        '+++\ntitle = "Typed"\n\ndate = "next tuesday"\n+++\nX\n',
    )
    line = build_error(project, capsys)
    assert line.startswith("error: content/posts/typed.md:4: cannot read the date")


def test_a_missing_title_in_toml_is_still_missing(project, capsys):
    project.write("content/posts/untitled.md", "+++\ndate = 2024-01-01\n+++\nX\n")
    assert "content/posts/untitled.md:1: missing title" in build_error(project, capsys)


def test_an_unclosed_toml_block_says_how_to_close_it(project, capsys):
    project.write("content/posts/open.md", '+++\ntitle = "Open"\ndate = 2024-01-01\nX\n')
    line = build_error(project, capsys)
    assert "content/posts/open.md:1: the front matter is not closed" in line
    assert "+++" in line
