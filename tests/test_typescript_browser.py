"""Embedded components in Chromium: bundled, mounted, clicked.

The first tests use the bundler alone on a hand-written page; the others build a whole project
with the engine.
"""

from __future__ import annotations

import html

import pytest
from playwright.sync_api import expect
from test_typescript import add_components, bundler, components, ref  # noqa: F401

pytestmark = pytest.mark.browser

SVG = "http://www.w3.org/2000/svg"
GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
"""The image of the JSX rules' ``<img id="data-image">``."""
PLAIN = 'document.getElementById("plain")!.textContent = ["plain", "script", "ran"].join(" ");\n'


def published(built, site):
    """``site``, holding every file of the ``built`` components where their pages find them."""
    for component in built.values():
        for path, data in component.files.items():
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_bytes(data)
    return site


# --- the bundler alone
@pytest.fixture
def hand_written_page(components, tmp_path, serve_directory):  # noqa: F811
    """A page with the counter embedded twice, the JSX rules, and an inline script."""
    refs = [
        ref("public/apps/counter.tsx", mount="one"),
        ref("public/apps/counter.tsx", mount="two"),
        ref("public/apps/semantics.tsx", mount="rules"),
        ref(code=PLAIN, mount="plain"),
    ]
    built = bundler(components).build(refs)
    site = published(built, tmp_path / "site")
    body = "".join(
        f'<div id="{r.mount_id}" data-shinmun-component="{r.key}"></div>\n' for r in refs
    )
    scripts = "".join(
        f'<script type="module" src="/{component.url_path}"></script>\n'
        for component in built.values()
    )
    (site / "index.html").write_text(
        f"<!doctype html><meta charset=utf-8><title>t</title>\n{body}{scripts}", encoding="utf-8"
    )
    return serve_directory(site) + "/"


@pytest.fixture
def opened(page, hand_written_page):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(hand_written_page)
    page.wait_for_selector("#rules #children")
    yield page
    assert errors == []


def test_counter_mounts_in_both_embeds_and_reacts(opened):
    page = opened
    one, two = page.locator("#one .counter"), page.locator("#two .counter")
    assert one.get_attribute("data-mounted-in") == "one"
    assert two.get_attribute("data-mounted-in") == "two"
    # text from the sibling module stays text: no <b> element is created
    assert one.locator(".greeting").inner_text() == "Hello, <b>world</b>"
    assert page.locator(".greeting b").count() == 0
    one.get_by_role("button", name="Add").click()
    one.get_by_role("button", name="Add").click()
    assert one.locator(".count").inner_text() == "2"
    assert two.locator(".count").inner_text() == "0"


def test_a_path_with_quotes_and_backslashes_mounts_its_own_elements_only(
    components,  # noqa: F811
    tmp_path,
    serve_directory,
    page,
):
    """The entry finds its elements with a CSS selector made from the component's key: a quote
    or a backslash in the path is escaped, and a key that merely starts the same does not
    match."""
    folder = 'public/apps/it\'s "odd"'
    components.write(f"{folder}/x.tsx", "export default (e: Element) => <p>mounted {e.id}</p>;")
    odd = folder.replace("/", "\\") + "\\x.tsx"  # as written on Windows: a backslash in the key
    refs = [ref(odd, mount="odd"), ref("public/apps/counter.tsx", mount="plain")]
    built = bundler(components).build(refs)
    site = published(built, tmp_path / "site")
    body = (
        "".join(
            f'<div id="{r.mount_id}" data-shinmun-component="{html.escape(r.key)}"></div>'
            for r in refs
        )
        + f'<div id="longer" data-shinmun-component="{html.escape(refs[0].key)}x"></div>'
    )
    script = next(c for c in built.values() if c.key == refs[0].key).url_path
    (site / "index.html").write_text(
        f"<!doctype html><meta charset=utf-8><title>t</title>{body}"
        f'<script type="module" src="/{script}"></script>',
        encoding="utf-8",
    )
    page.goto(serve_directory(site) + "/")
    expect(page.locator("#odd p")).to_have_text("mounted odd")
    expect(page.locator("#plain p, #longer p")).to_have_count(0)


def test_a_module_without_default_export_simply_runs(opened):
    assert opened.locator("#plain").inner_text() == "plain script ran"


def test_jsx_runtime_svg_namespace(opened):
    namespaces = opened.evaluate(
        """() => Object.fromEntries(["svg", "g", "circle", "linearGradient", "title"].map(
            (tag) => [tag, document.querySelector(tag === "svg" ? "#icon" : "#icon " + tag)]
        ).map(([tag, element]) => [tag, element.namespaceURI]))"""
    )
    assert namespaces == dict.fromkeys(["svg", "g", "circle", "linearGradient", "title"], SVG)
    icon = opened.locator("#icon")
    assert icon.get_attribute("viewBox") == "0 0 10 10"  # case kept in SVG
    assert icon.get_attribute("class") == "icon"
    assert opened.locator("#icon circle").get_attribute("stroke-width") == "2"
    assert opened.locator("#icon").bounding_box()["width"] > 0  # rendered as SVG


def test_jsx_runtime_attributes_properties_and_styles(opened):
    state = opened.evaluate(
        """() => {
            const $ = (selector) => document.querySelector(selector);
            return {
                color: getComputedStyle($("#styled")).color,
                marginTop: $("#styled").style.marginTop,
                accent: $("#styled").style.getPropertyValue("--accent"),
                styleText: $("#styled-text").getAttribute("style"),
                plainClass: $("#styled-text").className,
                value: $("#name").value,
                disabled: $("#name").disabled,
                required: $("#name").getAttribute("required"),
                hidden: $("#name").hasAttribute("hidden"),
                empty: $("#name").hasAttribute("data-empty"),
                none: $("#name").hasAttribute("data-none"),
                ref: $("#rules").dataset.ref,
                checked: $("#box").checked,
                picked: $("#pick").value,
                labelFor: $("#label").getAttribute("for"),
                pressed: $("#go").getAttribute("aria-pressed"),
                busy: $("#go").getAttribute("aria-busy"),
            };
        }"""
    )
    assert state == {
        "color": "rgb(255, 0, 0)",
        "marginTop": "3px",
        "accent": "blue",
        "styleText": "font-weight: bold",
        "plainClass": "plain",
        "value": "Ada",
        "disabled": False,
        "required": "",
        "hidden": False,
        "empty": False,
        "none": False,
        "ref": "name:Ada",  # called with the element, children and properties already set
        "checked": True,
        "picked": "b",  # set after the options exist
        "labelFor": "name",
        "pressed": "false",
        "busy": "true",
    }


def test_jsx_runtime_children_are_text_never_html(opened):
    children = opened.locator("#children")
    assert children.text_content() == "<b>not bold</b>42abc0"
    assert children.locator("*").count() == 0
    no_html = opened.locator("#no-html")
    assert no_html.locator("*").count() == 0 and no_html.text_content() == ""
    assert opened.locator("#rules > section.card > h2").inner_text() == "A card"
    assert "inside the card" in opened.locator("#rules > section.card").inner_text()
    # a Fragment's children land directly in the mount point
    assert opened.locator("#rules > svg#icon").count() == 1


def test_jsx_runtime_events_and_no_script_urls_or_inline_handlers(opened):
    page = opened
    page.locator("#go").click()
    page.locator("#go").click()
    assert page.locator("#go").inner_text() == "clicked 2"
    assert page.locator("#go").get_attribute("onclick") is None
    page.locator("#name").fill("Grace")
    assert page.locator("#echo").inner_text() == "Grace"
    assert page.locator("#script-link").get_attribute("href") is None
    assert page.locator("#web-link").get_attribute("href") == "https://example.org/"
    page.locator("#script-link").click()
    assert page.evaluate("window.pwned") is None


def test_jsx_runtime_drops_script_and_data_urls_and_srcdoc(opened):
    page = opened
    page.wait_for_timeout(200)  # an inline document, had it been kept, runs by now
    attributes = page.evaluate(
        """() => Object.fromEntries([
            ["tab-script", "href"], ["newline-script", "href"], ["return-script", "href"],
            ["data-link", "href"], ["data-tab-link", "href"], ["data-form", "action"],
            ["data-object", "data"], ["inline-doc", "srcdoc"], ["inline-doc-upper", "srcdoc"],
            ["data-frame", "src"], ["data-image", "src"], ["relative-link", "href"],
        ].map(([id, name]) => [id, document.getElementById(id).getAttribute(name)]))"""
    )
    assert attributes == {
        "tab-script": None,
        "newline-script": None,
        "return-script": None,
        "data-link": None,
        "data-tab-link": None,
        "data-form": None,
        "data-object": None,
        "inline-doc": None,
        "inline-doc-upper": None,
        "data-frame": None,
        "data-image": GIF,  # images may use data: URLs
        "relative-link": "javascript-tips/",  # a path, not a scheme
    }
    for link in ("tab-script", "newline-script", "return-script"):
        page.locator(f"#{link}").click()
    assert page.evaluate("window.pwned") is None
    assert page.locator("#data-image").evaluate("img => img.complete && img.naturalWidth") == 1


def test_jsx_runtime_refuses_svg_animations_of_a_url(opened):
    """``<set attributeName="href" to="javascript:…">`` would turn a safe SVG link into a
    script URL after the runtime checked its href: animations of URL attributes are dropped."""
    page = opened
    names = page.evaluate(
        """() => ["set-href", "animate-href", "animate-radius"].map(
            (id) => document.getElementById(id).getAttribute("attributeName"))"""
    )
    assert names == [None, None, "r"]  # other animations work as written
    page.wait_for_timeout(100)
    assert page.locator("#animated-link").evaluate("a => a.href.animVal") == "#safe"
    page.locator("#animated-link circle").click()
    assert page.evaluate("window.pwned") is None


# --- through the engine
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
    add_components(project)
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
    assert first.compiled_components == 1  # both components in one esbuild run
    project.write("content/pages/other.md", "---\ntitle: Other\n---\nText.\n")
    assert project.build().compiled_components == 0


def test_sources_are_not_published(built):
    project, _ = built
    assert not list(project.out.rglob("*.ts")) and not list(project.out.rglob("*.tsx"))
    assert len(list((project.out / "assets").rglob("*.js"))) == 2


BARE_LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body>{{ document.content }}<a id="away" href="{{ url('') }}">Home</a></body></html>
"""


HEADLESS_LAYOUT = """<!doctype html>
<html lang="en"><!-- <meta name="referrer" content="origin"> (not in force) -->
<meta charset="utf-8"><title>{{ page.title }}</title>
<body>{{ document.content }}<a id="away" href="{{ url('') }}">Home</a></body></html>
"""


@pytest.mark.parametrize("layout", [BARE_LAYOUT, HEADLESS_LAYOUT], ids=["bare", "no-head-tag"])
def test_a_page_with_a_component_sends_no_referer_whatever_its_layout(
    project, page, serve_directory, layout
):
    """A layout of the author's own, which does not extend the theme's base.html (even one
    without a <head> tag, with a policy only in a comment), still gets no-referrer on a page
    with a component: the sign-in callback's ?code= never leaves in a Referer. A policy the
    layout sets itself is left alone."""
    add_components(project)
    project.write("layouts/bare.html", layout)
    body = "@@typescript-file[first](public/apps/counter.tsx)\n"
    project.page("bare", title="Bare", body=body, layout="bare.html")
    own = BARE_LAYOUT.replace("<title>", '<meta name="referrer" content="origin"><title>')
    project.write("layouts/own.html", own)
    project.page("own", title="Own", body=body, layout="own.html")
    project.build()
    origin = serve_directory(project.out)
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.goto(f"{origin}/bare/?code=secret&state=x")
    expect(page.locator("#first .counter")).to_be_visible()  # the component ran
    assert page.locator("meta[name=referrer]").get_attribute("content") == "no-referrer"
    with page.expect_navigation() as home:
        page.locator("#away").click()
    assert page.evaluate("document.referrer") == ""
    sent = requests[: requests.index(home.value.request) + 1]  # the bare page's own requests
    assert any("/assets/" in r.url for r in sent)  # the component's module among them
    assert [r.url for r in sent if "referer" in r.all_headers()] == []
    page.goto(f"{origin}/own/")
    assert page.locator("meta[name=referrer]").get_attribute("content") == "origin"
