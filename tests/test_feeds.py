"""The feeds as a feed reader takes them: well-formed whatever the posts hold, and with links
that work outside the site."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import pytest

CONTENT = {
    "index.rss": "{http://purl.org/rss/1.0/modules/content/}encoded",
    "atom.xml": "{http://www.w3.org/2005/Atom}content",
}
TITLE = {"index.rss": "item/title", "atom.xml": "{http://www.w3.org/2005/Atom}entry/"}


def feed_content(project, feed: str) -> str:
    root = ET.fromstring((project.out / feed).read_bytes())  # raises on malformed XML
    return "".join(element.text or "" for element in root.iter(CONTENT[feed]))


@pytest.mark.parametrize("feed", ["index.rss", "atom.xml"])
def test_control_characters_from_pasted_terminal_output_keep_the_feed_well_formed(project, feed):
    project.post(
        "terminal",
        title="Bell \a rings",
        body="Output:\n\n```\n\x1b[31mred\x1b[0m\n```\n",
        description="A \x0b tab",
    )
    project.build()
    root = ET.fromstring((project.out / feed).read_bytes())
    texts = "".join(root.itertext())
    assert "Bell  rings" in texts and "[31mred[0m" in texts
    assert "\x1b" not in texts and "\a" not in texts


@pytest.mark.parametrize("feed", ["index.rss", "atom.xml"])
def test_links_in_feed_content_are_absolute_and_code_is_left_alone(project, feed):
    project.config(title="Blog", site_url="https://blog.example.org", base_path="/blog")
    project.post(
        "links",
        title="Links",
        date="2024-03-05 10:00",
        body=(
            "See [the about page](/about/), ![a logo](/img/logo.png), "
            "[elsewhere](https://other.example/x), [a sibling](../welcome/), "
            "[mail](mailto:a@b.example) and a note.[^1] "
            'Markup is shown as code: `<a href="/raw/">`.\n\n'
            "[^1]: The note.\n"
        ),
    )
    project.build()
    content = feed_content(project, feed)
    post = "https://blog.example.org/blog/2024/3/links/"
    assert 'href="https://blog.example.org/blog/about/"' in content
    assert 'src="https://blog.example.org/blog/img/logo.png"' in content
    assert 'href="https://other.example/x"' in content
    assert f'href="{post}#fn:1"' in content
    assert 'href="https://blog.example.org/blog/2024/3/welcome/"' in content
    assert 'href="mailto:a@b.example"' in content
    assert 'href="/blog/about/"' not in content and 'href="#' not in content
    assert '<code><a href="/raw/"></code>' in html.unescape(content)  # shown code: as written


def test_an_atom_feed_without_authors_names_the_site(project):
    """RFC 4287 4.1.1: without one, the feed is invalid (posts here set no author)."""
    project.config(title="Quiet Blog", site_url="https://blog.example.org")
    project.post("anonymous", title="Anonymous")
    project.build()
    root = ET.fromstring((project.out / "atom.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.find(f"{atom}entry/{atom}author") is None
    assert root.findtext(f"{atom}author/{atom}name") == "Quiet Blog"
