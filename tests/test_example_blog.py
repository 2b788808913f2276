"""The example blog at the repository root builds, and every output parses and links correctly."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import html5lib
import pytest
from conftest import REPO

from shinmun_hf.pipeline.builder import Builder, BuildOptions

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def copy_example(tmp_path: Path, base_path: str = "") -> Path:
    root = tmp_path / "example"
    for name in ("content", "layouts", "public"):
        shutil.copytree(REPO / name, root / name)
    config = (REPO / "config.yml").read_text()
    config = config.replace('base_path: ""', f'base_path: "{base_path}"')
    (root / "config.yml").write_text(config)
    return root


@pytest.fixture(scope="module", params=["", "/blog"], ids=["root", "base_path"])
def site(request, tmp_path_factory):
    root = copy_example(tmp_path_factory.mktemp("ex"), request.param)
    result = Builder(root, root / "_site", BuildOptions()).build()
    assert not result.warnings, result.warnings
    return root / "_site", request.param


def parse_html(path: Path):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(path.read_bytes())


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_every_html_file_is_valid_html5(site):
    out, _ = site
    files = html_files(out)
    assert len(files) >= 10
    for path in files:
        try:
            parse_html(path)
        except html5lib.html5parser.ParseError as exc:  # pragma: no cover - failure report
            pytest.fail(f"{path.relative_to(out)}: {exc}")


def test_every_internal_link_and_anchor_resolves(site):
    out, base_path = site
    checked = 0
    for path in html_files(out):
        tree = parse_html(path)
        ids = {el.get("id") for el in tree.iter() if el.get("id")}
        for element in tree.iter():
            for attribute in ("href", "src"):
                link = element.get(attribute)
                if not link or link.startswith(("http://", "https://", "mailto:", "data:")):
                    continue
                parts = urlsplit(link)
                if not parts.path:  # "#anchor" on the same page
                    assert unquote(parts.fragment) in ids, f"{path}: {link}"
                    continue
                assert parts.path.startswith(base_path + "/"), f"{path}: {link} ignores base_path"
                target = out / unquote(parts.path)[len(base_path) + 1 :]
                if target.is_dir() or parts.path.endswith("/"):
                    target = target / "index.html"
                assert target.is_file(), f"{path.relative_to(out)} links to missing {link}"
                checked += 1
    assert checked > 50


def test_absolute_urls_come_from_site_url_and_base_path(site):
    out, base_path = site
    prefix = "https://example.github.io" + base_path + "/"
    sitemap = ET.parse(out / "sitemap.xml").getroot()
    locations = [loc.text for loc in sitemap.iter(SITEMAP_NS + "loc")]
    assert locations and all(loc.startswith(prefix) for loc in locations)
    assert prefix + "2026/11/writing-posts/" in locations
    lastmods = [u.find(SITEMAP_NS + "lastmod") for u in sitemap.iter(SITEMAP_NS + "url")]
    assert any(m is not None and m.text == "2026-11-10" for m in lastmods)
    page = parse_html(out / "2026/11/writing-posts/index.html")
    canonical = [el.get("href") for el in page.iter("link") if el.get("rel") == "canonical"]
    og_url = [el.get("content") for el in page.iter("meta") if el.get("property") == "og:url"]
    assert canonical == [prefix + "2026/11/writing-posts/"] == og_url
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".rss", ".json"):
            assert "localhost" not in path.read_text(), path


@pytest.mark.parametrize("feed_file", ["index.rss", "atom.xml"])
def test_feeds_are_valid_with_full_content(site, feed_file):
    out, base_path = site
    feed = feedparser.parse((out / feed_file).read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Shinmun HF"
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Writing posts", "Welcome to shinmun-hf"]
    entry = feed.entries[0]
    assert entry.link == f"https://example.github.io{base_path}/2026/11/writing-posts/"
    content = entry.content[0].value
    assert "Footnotes work too" in content and "<table>" in content
    assert entry.published_parsed[:3] == (2026, 11, 10)
    assert {t.term for t in entry.tags} >= {"markdown", "static sites"}


def test_search_index(site):
    out, base_path = site
    items = json.loads((out / "search-index.json").read_text())
    by_title = {item["title"]: item for item in items}
    post = by_title["Writing posts"]
    assert post["url"] == f"{base_path}/2026/11/writing-posts/"
    assert post["date"] == "2026-11-10"
    assert post["category"] == "Guides"
    assert post["tags"] == ["markdown", "static sites"]
    assert post["content"].startswith("Every post is a Markdown file")
    assert "About" in by_title


def test_listings_have_headings_and_posts(site):
    out, _ = site

    def text_of(relative: str, tag: str) -> list[str]:
        tree = parse_html(out / relative)
        return ["".join(el.itertext()).strip() for el in tree.iter(tag)]

    assert text_of("tags/static-sites/index.html", "h1") == ["Posts tagged “static sites”"]
    assert text_of("categories/guides/index.html", "h1") == ["Guides"]
    assert text_of("2026/11/index.html", "h1") == ["November 2026"]
    assert "Writing posts" in text_of("tags/static-sites/index.html", "h2")
    assert "Welcome to shinmun-hf" in text_of("tags/static-sites/index.html", "h2")
    archives = text_of("archives/index.html", "li")
    assert "November 2026 (2)" in archives


def test_public_files_copied_without_sources_or_dotfiles(tmp_path):
    root = copy_example(tmp_path)
    (root / "public" / "apps").mkdir(exist_ok=True)
    (root / "public" / "apps" / "widget.tsx").write_text("export {}")
    (root / "public" / "apps" / "lib.ts").write_text("export {}")
    (root / "public" / ".env").write_text("SECRET=1")
    (root / "public" / "robots.txt").write_text("User-agent: *\n")
    Builder(root, root / "_site", BuildOptions()).build()
    out = root / "_site"
    assert (out / "robots.txt").read_text() == "User-agent: *\n"
    assert (out / "css" / "style.css").exists()
    assert not list(out.rglob("*.ts")) and not list(out.rglob("*.tsx"))
    assert not (out / ".env").exists()


def test_highlighting_and_markdown_features(site):
    out, _ = site
    html = (out / "2026/11/writing-posts/index.html").read_text()
    assert '<span class="k">def</span>' in html  # the @@python block, highlighted
    assert 'print</span><span class="p">(</span>' in html  # after the blank lines in the block
    assert '<h2 id="front-matter">' in html
    assert 'class="footnote"' in html
    assert "<table>" in html
