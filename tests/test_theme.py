"""The default theme in Chromium: readable in both colour schemes, no sideways scrolling on a
phone, keyboard-friendly, and a search page that finds posts without ever parsing HTML."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_example_blog import copy_example

from shinmun_hf.pipeline.builder import Builder, BuildOptions

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/2026/11/writing-posts/",
    "/docs/deploy/",
    "/archives/",
    "/2026/11/",
    "/tags/",
    "/categories/",
    "/hf-oauth-demo/",
    "/docs/sign-in/",
    "/search/?q=static",
]
SCHEMES = ["light", "dark"]
WIDTHS = [360, 1280]

# Every visible text node: its colour against the background actually painted behind it
# (ancestors' backgrounds composited), as WCAG's contrast ratio.
CONTRAST_JS = """
() => {
  const parse = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const background = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let color = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) color = over(layer, color);
    return color;
  };
  const luminance = ({ r, g, b }) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const failures = [];
  let checked = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const element = node.parentElement;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    if (style.visibility === "hidden" || style.display === "none" || box.width < 2) continue;
    if (element.closest("noscript, .visually-hidden, .skip-link")) continue;
    const bg = background(element);
    const fg = over(parse(style.color), bg);
    const value = ratio(fg, bg);
    checked += 1;
    if (value < 4.5) {
      failures.push(`${value.toFixed(2)} ${element.tagName.toLowerCase()}.${element.className}: ` +
        `${node.textContent.trim().slice(0, 40)}`);
    }
  }
  return { checked, failures };
}
"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    import functools
    import http.server
    import threading

    root = copy_example(tmp_path_factory.mktemp("theme"))
    result = Builder(root, root / "_site", BuildOptions()).build()
    assert result.warnings == []

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root / "_site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_text_contrast_and_no_horizontal_scroll(page, site_url, scheme, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    for path in PAGES:
        page.goto(site_url + path)
        if "?q=" in path:
            page.wait_for_selector("#search-results li")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
        report = page.evaluate(CONTRAST_JS)
        assert report["checked"] > 10, path
        assert report["failures"] == [], f"{path} ({scheme}): {report['failures']}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_schemes_differ_and_code_is_highlighted_in_both(page, site_url, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(site_url + "/2026/11/writing-posts/")
    body = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert body == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(13, 17, 23)")
    keyword = page.locator(".highlight .k").first
    plain = page.locator(".highlight .p").first
    assert keyword.is_visible()
    assert keyword.evaluate("e => getComputedStyle(e).color") != plain.evaluate(
        "e => getComputedStyle(e).color"
    ), "keywords are coloured apart from punctuation"


def test_landmarks_skip_link_and_visible_focus(page, site_url):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(site_url + "/2026/11/writing-posts/")
    for selector in ("header.site-header", "nav[aria-label=Main]", "main#main", "body > footer"):
        assert page.locator(selector).count() == 1, selector
    assert page.locator("h1").count() == 1
    skip = page.locator(".skip-link")
    assert not _in_viewport(skip)
    page.keyboard.press("Tab")
    assert skip.evaluate("e => e === document.activeElement")
    assert _in_viewport(skip), "the skip link shows when focused"
    outline = skip.evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth"
    )
    assert outline.startswith("solid") and float(outline.split()[1].removesuffix("px")) >= 2
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    for selector in ("nav[aria-label='Older and newer posts'] a", ".related a", ".tags a"):
        assert page.locator(selector).first.is_visible(), selector


def test_toc_on_long_documents_only(page, site_url):
    page.goto(site_url + "/docs/deploy/")
    toc = page.locator("nav.toc")
    assert toc.is_visible()
    assert toc.locator("a[href='#github-pages']").count() == 1
    page.goto(site_url + "/about/")
    assert page.locator("nav.toc").count() == 0


@pytest.mark.parametrize("width, height", [(360, 740), (1280, 800)])
def test_demo_page_shows_the_sign_in_box_on_the_first_screen(page, site_url, width, height):
    """A newcomer sees the widget at once, no contents box above it; the short page's one
    section and its link to the authors' guide come after it."""
    page.set_viewport_size({"width": width, "height": height})
    page.goto(site_url + "/hf-oauth-demo/")
    widget = page.locator("#hf-demo > *").first
    expect(widget).to_be_visible()
    box = widget.bounding_box()
    assert box is not None and box["y"] + 48 <= height, box
    assert page.locator(".toc").count() == 0
    guide = page.locator(".content a[href='/docs/sign-in/']")
    assert guide.count() == 1
    assert guide.bounding_box()["y"] > box["y"]


def test_search_finds_posts_and_never_renders_html(page, site_url, tmp_path):
    page.goto(site_url + "/search/")
    box = page.get_by_label("Search the posts and pages")
    box.fill("writing")
    page.wait_for_selector("#search-results li")
    assert page.locator("#search-results li a").first.text_content() == "Writing posts"
    assert "q=writing" in page.url
    assert "result" in page.locator("#search-status").text_content()
    box.fill("zzzznothing")
    page.wait_for_function("document.querySelector('#search-status').textContent.includes('No')")
    assert page.locator("#search-results li").count() == 0

    # A hostile title in the index is shown as text: no element is ever made from it.
    hostile = '<img src=x onerror="window.pwned=1">Evil'
    page.route(
        "**/search-index.json",
        lambda route: route.fulfill(
            json=[
                {
                    "title": hostile,
                    "url": "javascript:alert(1)",
                    "kind": "post",
                    "date": "2026-01-02",
                    "category": "<b>x</b>",
                    "tags": [],
                    "summary": "<script>window.pwned=1</script> evil",
                    "content": "",
                }
            ]
        ),
    )
    page.goto(site_url + "/search/?q=evil")
    page.wait_for_selector("#search-results li")
    link = page.locator("#search-results li a")
    assert link.text_content() == hostile
    assert link.get_attribute("href") == "#"
    assert (
        page.locator("#search-results img, #search-results script, #search-results b").count() == 0
    )
    assert page.evaluate("window.pwned") is None


def _in_viewport(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["x"] >= 0 and box["height"] > 0
