"""Every template helper works from a layout (Shinmun's rendered empty strings)."""

from __future__ import annotations

import html5lib
import pytest

from shinmun_hf.render.template_api import paginate

HELPERS_LAYOUT = """<!doctype html>
<html lang="en"><head><title>helpers</title>
{{ seo_meta_tags() }}
{{ variables_script_tag() }}
</head><body>
<p id="url">{{ url('about/') }}</p>
<p id="absolute">{{ absolute_url('about/') }}</p>
{% set p = site.posts[0] %}
<p id="post_path">{{ post_path(p) }}</p>
<p id="post_link">{{ post_link(p) }}</p>
<p id="archive_link">{{ archive_link(2024, 3) }}</p>
<p id="human_date">{{ p.date | human_date }}</p>
<p id="rfc822">{{ p.date | rfc822 }}</p>
<p id="iso_date">{{ p.date | iso_date }}</p>
<p id="reading_time">{{ p | reading_time }}</p>
<p id="word_count">{{ p | word_count }}</p>
<div id="navi">{{ navi_link('Home', '') }}{{ navi_link('Here', 'helpers/') }}</div>
<div id="toc">{{ toc(p) }}</div>
<ul id="related">{% for r in related_posts(p) %}<li>{{ r.title }}</li>{% endfor %}</ul>
<ul id="recent">{% for r in recent_posts(2) %}<li>{{ r.title }}</li>{% endfor %}</ul>
<ul id="tags">{% for t in tags_with_counts() %}<li>{{ t.name }}={{ t.count }}</li>{% endfor %}</ul>
<ul id="categories">{% for c in categories_with_counts() %}
<li>{{ c.name }}={{ c.count }}</li>{% endfor %}</ul>
{% set pg = paginate(site.posts, 2, 2) %}
<p id="paginate">{{ pg.page }}/{{ pg.total_pages }}:
{%- for r in pg.items %}{{ r.title }};{% endfor %}</p>
<p id="meta">{{ p.mood }}</p>
</body></html>
"""


@pytest.fixture
def rendered(project):
    project.config(
        title="Helper <Blog>",
        site_url="https://blog.example.org",
        base_path="/b",
        description="Desc & more",
        variables={"GREETING": "hi"},
    )
    project.write("layouts/helpers.html", HELPERS_LAYOUT)
    words = " ".join(["word"] * 450)
    project.post(
        "newest",
        title='Newest <"post">',
        date="2024-03-09 08:05",
        category="Cat",
        tags=["a", "b"],
        mood="sunny",
        body=f"First paragraph here.\n\n## Part one\n\n{words}\n\n### Detail\n\nx\n\n"
        "```python\n" + "code " * 500 + "\n```\n",
    )
    project.post("second", title="Second", date="2024-03-01", category="Cat", tags=["a", "b"])
    project.post("third", title="Third", date="2024-02-01", category="Other", tags=["a"])
    project.post("fourth", title="Fourth", date="2024-01-01", category="Other", tags=["z"])
    project.page("helpers", title="Helpers", layout="helpers.html")
    project.build()
    tree = html5lib.parse(project.read("helpers/index.html"), namespaceHTMLElements=False)
    return {el.get("id"): el for el in tree.iter() if el.get("id")}, tree


def text(element) -> str:
    return "".join(element.itertext()).strip()


def test_url_helpers_honour_base_path(rendered):
    by_id, _ = rendered
    assert text(by_id["url"]) == "/b/about/"
    assert text(by_id["absolute"]) == "https://blog.example.org/b/about/"
    assert text(by_id["post_path"]) == "/b/2024/3/newest/"
    link = by_id["post_link"].find("a")
    assert link.get("href") == "/b/2024/3/newest/"
    assert link.text == 'Newest <"post">'  # escaped in the HTML, intact once parsed
    archive = by_id["archive_link"].find("a")
    assert (archive.get("href"), archive.text) == ("/b/2024/3/", "March 2024")


def test_date_and_reading_helpers(rendered):
    by_id, _ = rendered
    assert text(by_id["human_date"]) == "March 9, 2024"
    assert text(by_id["rfc822"]) == "Sat, 09 Mar 2024 08:05:00 +0000"
    assert text(by_id["iso_date"]) == "2024-03-09T08:05:00+00:00"
    assert text(by_id["word_count"]) == "457"  # prose only: the code block is not counted
    assert text(by_id["reading_time"]) == "3 min read"


def test_navi_link_marks_current_page(rendered):
    by_id, _ = rendered
    home, here = by_id["navi"].findall("a")
    assert home.get("aria-current") is None
    assert here.get("aria-current") == "page"
    assert here.get("href") == "/b/helpers/"


def test_toc_lists_headings_with_anchors(rendered):
    by_id, _ = rendered
    links = [(a.get("href"), a.text) for a in by_id["toc"].iter("a")]
    assert links == [("#part-one", "Part one"), ("#detail", "Detail")]


def test_related_recent_and_taxonomies(rendered):
    by_id, _ = rendered
    # second: 2 shared tags + same category = 7; third: 1 shared tag = 2; fourth: nothing
    assert [text(li) for li in by_id["related"]] == ["Second", "Third"]
    assert [text(li) for li in by_id["recent"]] == ['Newest <"post">', "Second"]
    assert [text(li) for li in by_id["tags"]] == ["a=3", "b=2", "z=1"]
    assert [text(li) for li in by_id["categories"]] == ["Cat=2", "Other=2"]
    assert text(by_id["paginate"]) == "2/2:Third;Fourth;"
    assert text(by_id["meta"]) == "sunny"


def test_seo_meta_tags_and_variables(rendered):
    _, tree = rendered
    meta = {(m.get("property") or m.get("name")): m.get("content") for m in tree.iter("meta")}
    assert meta["og:title"] == "Helpers"
    assert meta["og:site_name"] == "Helper <Blog>"
    assert meta["description"] == "Text."  # the page's own summary
    assert meta["og:url"] == "https://blog.example.org/b/helpers/"
    assert meta["twitter:card"] == "summary"
    canonical = [link.get("href") for link in tree.iter("link") if link.get("rel") == "canonical"]
    assert canonical == ["https://blog.example.org/b/helpers/"]
    scripts = [s.text for s in tree.iter("script")]
    assert scripts == ['\nwindow.GREETING = "hi";\n']


def test_post_description_defaults_to_summary_cut_to_160(project):
    long_first = " ".join(["lorem"] * 60)
    project.post("p", title="P", body=f"{long_first}\n\nSecond paragraph.")
    project.build()
    tree = html5lib.parse(project.read("2024/3/p/index.html"), namespaceHTMLElements=False)
    description = next(
        m.get("content") for m in tree.iter("meta") if m.get("name") == "description"
    )
    assert len(description) <= 160
    assert description.endswith("…")
    assert description.startswith("lorem lorem")


def test_a_page_of_a_long_listing_makes_only_the_urls_it_shows():
    """Each page used to list every page's URL: P² URLs for a listing of P pages (a million
    for the index of 10,000 posts). Now a page makes the URLs it is asked for."""
    made: list[int] = []

    def url_for(number: int) -> str:
        made.append(number)
        return f"/page/{number}/"

    pagination = paginate(list(range(10_000)), 10, 500, url_for)
    assert made == []
    assert (pagination.previous_url, pagination.next_url) == ("/page/499/", "/page/501/")
    assert made == [499, 501]
    assert pagination.items == list(range(4990, 5000))
    assert pagination.urls[:2] == ["/page/1/", "/page/2/"] and len(pagination.urls) == 1000
    last = paginate(list(range(25)), 10, 3, url_for)
    assert (last.has_next, last.next_url, last.previous_url) == (False, None, "/page/2/")
