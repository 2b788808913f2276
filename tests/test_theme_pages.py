"""The theme's pages a newcomer trips over, in Chromium: tables, the month archive, the tags and
categories indexes, the favicon, the contents boxes and the search snippets."""

from __future__ import annotations

import base64
import functools
import http.server
import threading

import pytest
from test_example_blog import copy_example

from shinmun_hf.pipeline.builder import Builder, BuildOptions

pytestmark = pytest.mark.browser

WIDE_TABLE = """\
| Setting | What it does | Default | Example |
|---|---|---|---|
| `posts_per_page` | how many posts each page of the index lists | `10` | `posts_per_page: 5` |
| `feed_limit` | how many posts the RSS and Atom feeds carry | `20` | `feed_limit: 50` |
"""

CODE_IN_TEXT = """\
A short first paragraph, the summary.

The build writes into `_site/`, then the host serves that folder. Inline code such as
`shinmun build` is part of the sentence around it.
"""

DESCRIBED = """\
Apples and pears, in the first lines, where a visitor searching for pears expects to see the
word marked in the snippet, although the description says something else entirely.
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    root = copy_example(tmp_path_factory.mktemp("pages"))
    posts = root / "content" / "posts" / "2026"
    (posts / "settings.md").write_text(
        "---\ntitle: Settings table\ndate: 2026-10-03\n---\n\nThe settings:\n\n" + WIDE_TABLE
    )
    (posts / "inline.md").write_text(
        "---\ntitle: Where files go\ndate: 2026-10-20\n---\n\n" + CODE_IN_TEXT
    )
    (posts / "fruit.md").write_text(
        "---\ntitle: Fruit\ndate: 2026-10-21\ndescription: A note about orchards.\n---\n\n"
        + DESCRIBED
    )
    result = Builder(root, root / "_site", BuildOptions()).build()
    assert result.warnings == []
    handler = functools.partial(_Quiet, directory=str(root / "_site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def open_page(page, url: str, *, width: int, scheme: str = "light") -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    page.goto(url)


def pixel(page, x: float, y: float) -> tuple[int, int, int]:
    """The colour Chromium painted at (x, y) of the viewport, read back from a screenshot."""
    shot = page.screenshot(clip={"x": x, "y": y, "width": 1, "height": 1})
    data = "data:image/png;base64," + base64.b64encode(shot).decode()
    return tuple(
        page.evaluate(
            """async (data) => {
              const image = new Image();
              image.src = data;
              await image.decode();
              const canvas = document.createElement("canvas");
              canvas.width = canvas.height = 1;
              const context = canvas.getContext("2d");
              context.drawImage(image, 0, 0);
              return Array.from(context.getImageData(0, 0, 1, 1).data.slice(0, 3));
            }""",
            data,
        )
    )


def background(page) -> tuple[int, int, int]:
    rgb = page.evaluate("getComputedStyle(document.body).backgroundColor")
    return tuple(int(part) for part in rgb[rgb.index("(") + 1 : -1].split(",")[:3])


def test_a_table_is_as_wide_as_the_text_column_on_a_desktop(page, site_url):
    open_page(page, site_url + "/2026/10/settings/", width=1280)
    column = page.locator(".content").bounding_box()
    for table in (page.locator(".content table").first, page.locator(".table-scroll").first):
        box = table.bounding_box()
        assert abs(box["width"] - column["width"]) <= 1, (box, column)
    scroller = page.locator(".table-scroll").first
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth")  # nothing to scroll


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_a_wide_table_scrolls_with_a_visible_cue(page, site_url, scheme):
    open_page(page, site_url + "/2026/10/settings/", width=360, scheme=scheme)
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), "the page itself never scrolls sideways"
    scroller = page.locator(".table-scroll").first
    scroller.scroll_into_view_if_needed()
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth + 40"), "there is more to see"
    box = scroller.bounding_box()
    row = page.locator(".table-scroll tbody tr").first.bounding_box()
    y = row["y"] + 2  # in the cells' top padding: no text there
    plain = background(page)

    # At the start, a shadow at the right edge says the table goes on; none at the left.
    assert pixel(page, box["x"] + box["width"] - 3, y) != plain
    assert pixel(page, box["x"] + 3, y) == plain
    scroller.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    # At the end, the shadow has moved to the left edge, and the last column is whole.
    assert pixel(page, box["x"] + box["width"] - 4, y) == plain
    assert pixel(page, box["x"] + 3, y) != plain
    last = page.locator(".table-scroll th").last.bounding_box()
    assert last["x"] + last["width"] <= box["x"] + box["width"] + 0.5
    assert page.locator(".table-scroll th").last.text_content() == "Example"


@pytest.mark.parametrize("width", [360, 1280])
def test_the_month_archive_lines_titles_up_whatever_the_dates_width(page, site_url, width):
    open_page(page, site_url + "/2026/10/", width=width)
    dates = page.locator("main li time")
    links = page.locator("main li a")
    assert links.count() == 3
    text_width = "e => { const r = document.createRange(); r.selectNodeContents(e);"
    text_width += " return r.getBoundingClientRect().width; }"
    widths = {round(dates.nth(i).evaluate(text_width)) for i in range(3)}
    assert len(widths) > 1, "dates of different widths (October 3 and October 21)"
    starts = {round(links.nth(i).bounding_box()["x"]) for i in range(3)}
    assert len(starts) == 1, starts


def test_tags_and_categories_are_real_pages(page, site_url):
    open_page(page, site_url + "/2026/11/writing-posts/", width=1280)
    page.get_by_role("link", name="static sites").click()
    page.get_by_role("link", name="all tags").click()
    assert page.url == site_url + "/tags/"
    assert page.locator("h1").text_content() == "Tags"
    assert page.locator("main li", has_text="static sites").text_content().endswith("2 posts")
    page.get_by_role("link", name="markdown").click()
    assert page.url == site_url + "/tags/markdown/"

    page.goto(site_url + "/categories/guides/")
    page.get_by_role("link", name="all categories").click()
    assert page.url == site_url + "/categories/"
    assert page.locator("h1").text_content() == "Categories"
    names = page.locator("main li a").all_text_contents()
    assert names == ["Guides", "Releases"]  # the order config.yml gives
    page.get_by_role("link", name="Releases").first.click()
    assert page.url == site_url + "/categories/releases/"


def test_every_page_has_a_favicon(page, site_url):
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    open_page(page, site_url + "/", width=1280)
    icon = page.locator("link[rel=icon]").get_attribute("href")
    answer = page.evaluate(
        "async (href) => { const r = await fetch(href);"
        " return [r.status, r.headers.get('content-type'), (await r.text()).slice(0, 4)]; }",
        icon,
    )
    assert answer == [200, "image/svg+xml", "<svg"]
    assert missing == []


def test_the_contents_boxes_all_have_the_same_title(page, site_url):
    titles = []
    for path in ("/docs/deploy/", "/docs/sign-in/"):
        open_page(page, site_url + path, width=1280)
        boxes = page.locator(".toc")
        for index in range(boxes.count()):
            title = boxes.nth(index).locator("summary, .toctitle").first
            assert title.is_visible(), path
            titles.append(title.text_content())
    assert len(titles) >= 2 and set(titles) == {"Contents"}, titles


def search(page, site_url: str, query: str):
    open_page(page, f"{site_url}/search/?q={query}", width=1280)
    page.wait_for_selector("#search-results li")
    return page.locator("#search-results li")


def test_search_snippets_keep_inline_code_in_its_sentence(page, site_url):
    result = search(page, site_url, "serves").filter(has_text="Where files go")
    snippet = result.locator("p").last.text_content()
    assert "into _site/, then the host" in snippet, snippet
    assert " ," not in snippet and "shinmun build is part" in snippet


def test_search_snippets_show_the_matched_words_marked(page, site_url):
    """The description does not mention the word: the snippet is the text around it instead."""
    result = search(page, site_url, "pears").filter(has_text="Fruit")
    marks = result.locator("p mark").all_text_contents()
    assert marks and {mark.lower() for mark in marks} == {"pears"}
    assert not result.locator("p").last.text_content().rstrip("…").endswith(" ")
