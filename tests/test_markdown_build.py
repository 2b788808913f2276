"""The Markdown settings in a real build: the dialect chosen in config.yml, the cache keyed on
every render setting, and summaries on listing pages."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from shinmun_hf.errors import ConfigError
from shinmun_hf.project.config import load_config

LIST_AFTER_A_LINE = "We considered:\n- one\n- two\n"


def test_gfm_is_the_default_and_python_markdown_can_be_chosen(project):
    project.post("choices", body=LIST_AFTER_A_LINE)
    project.build()
    assert "<li>one</li>" in project.read("2024/3/choices/index.html")
    project.config(title="Blog", site_url="https://blog.example.org", markdown="python-markdown")
    result = project.build()
    assert result.rendered_entries >= 1  # a change of dialect renders again, cache or not
    page = project.read("2024/3/choices/index.html")
    assert "<li>one</li>" not in page and "- one" in page


def test_every_render_setting_is_part_of_the_cache_key(project):
    project.post("quotes", body='She said "yes" -- twice.')
    project.build()
    assert "\u201cyes\u201d \u2013 twice" in project.read("2024/3/quotes/index.html")
    project.config(title="Blog", site_url="https://blog.example.org", smart_punctuation=False)
    project.build()
    assert "&quot;yes&quot; -- twice" in project.read("2024/3/quotes/index.html")
    project.config(title="Blog", site_url="https://blog.example.org")
    project.build()  # and back: the first rendering, from the cache or anew, never the second
    assert "\u201cyes\u201d \u2013 twice" in project.read("2024/3/quotes/index.html")


@pytest.mark.parametrize(
    ("value", "suggestion"), [("gfn", "gfm"), ("python_markdown", "python-markdown")]
)
def test_an_unknown_dialect_is_an_error_with_a_suggestion(project, value, suggestion):
    project.config(f"title: Blog\nmarkdown: {value}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(project.root, environ={})
    assert caught.value.line == 2
    assert "markdown" in caught.value.message
    assert f"did you mean '{suggestion}'" in caught.value.message


def test_summaries_on_listings_drop_notes_and_ids_and_keep_their_links_working(project):
    project.config(title="Blog", site_url="https://blog.example.org", base_path="/blog")
    body = (
        "A claim[^1], [a section](#details), [a sibling](../welcome/) and "
        '<span id="marker">a marker</span>.\n\n## Details\n\n[^1]: The source.\n'
    )
    project.post("first", body=body, date="2024-03-05 10:00")
    project.post("second", body=body, date="2024-03-06 10:00")
    project.build()
    index = project.read("index.html")
    summaries = re.findall(r'<article class="post-summary">.*?</article>', index, re.S)
    assert len(summaries) == 2
    for summary in summaries:
        assert "fnref" not in summary and "footnote" not in summary
    assert 'href="/blog/2024/3/first/#details"' in index
    assert 'href="/blog/2024/3/welcome/"' in index
    ids = Counter(re.findall(r'\sid="([^"]+)"', index))
    assert [name for name, count in ids.items() if count > 1] == []
    post = project.read("2024/3/first/index.html")
    assert 'id="marker"' in post and 'href="#fn:1"' in post  # the post keeps its own
