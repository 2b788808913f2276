"""Embedded components in Chromium: built by the engine, mounted, clicked."""

from __future__ import annotations

import pytest
from test_typescript import COUNTER, GREET

pytestmark = pytest.mark.browser

PAGE = """Two counters share one bundle.

@@typescript-file[first](public/apps/counter.tsx)

Between them.

@@typescript-file[second](public/apps/counter.tsx)

    @@typescript[inline]

    const target = document.getElementById("inline")!;

    target.textContent = ["inline", "ran"].join(" ");
"""


@pytest.fixture
def built(project):
    project.write("public/apps/greet.ts", GREET)
    project.write("public/apps/counter.tsx", COUNTER)
    project.page("demo", title="Demo", body=PAGE)
    result = project.build()
    return project, result


def test_component_mounts_in_every_embed_and_reacts(built, page, serve_directory):
    project, _ = built
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(serve_directory(project.out) + "/demo/")
    first, second = page.locator("#first .counter"), page.locator("#second .counter")
    assert first.get_attribute("data-mounted-in") == "first"
    assert second.get_attribute("data-mounted-in") == "second"
    # text from the sibling module stays text: no <b> element is created
    assert first.locator(".greeting").inner_text() == "Hello, <b>world</b>"
    assert page.locator(".greeting b").count() == 0
    first.get_by_role("button", name="Add").click()
    first.get_by_role("button", name="Add").click()
    assert first.locator(".count").inner_text() == "2"
    assert second.locator(".count").inner_text() == "0"
    assert page.locator("#inline").inner_text() == "inline ran"
    assert errors == []


def test_two_embeds_emit_one_script_and_no_inline_script(built):
    project, _ = built
    html = project.read("demo/index.html")
    assert html.count('src="/assets/apps/counter.') == 1
    assert html.count('<script type="module"') == 2  # the counter and the inline block
    assert "<script>" not in html.split("</head>")[1]  # nothing inline in the body


def test_unchanged_rebuild_compiles_nothing(built):
    project, first = built
    assert first.compiled_components >= 1
    project.write("content/pages/other.md", "---\ntitle: Other\n---\nText.\n")
    assert project.build().compiled_components == 0


def test_sources_are_not_published(built):
    project, _ = built
    assert not list(project.out.rglob("*.ts")) and not list(project.out.rglob("*.tsx"))
    assert len(list((project.out / "assets").rglob("*.js"))) == 2
