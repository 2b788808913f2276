"""The build cache's entry encoding: every entry comes back equal, types included."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from markupsafe import Markup

from shinmun_hf.content.entry import parse_entry
from shinmun_hf.incremental.entry_codec import (
    decode_entry,
    decode_outline,
    encode_entry,
    encode_outline,
)
from shinmun_hf.incremental.entry_store import EntryCache


def entry(front: str, body: str = "Text.\n\n## A heading\n\nMore.\n", zone: str = "Europe/Berlin"):
    parsed = parse_entry("content/posts/a.md", "post", f"---\n{front}\n---\n{body}".encode(), zone)
    parsed.rendered.html = None  # the cache keeps bodies apart
    return parsed


CASES = {
    "named zone": "title: A\ndate: 2024-05-01 10:00\ntags: [x, y]\ncategory: Notes",
    "daylight-saving fold": "title: A\ndate: 2024-10-27 02:30",
    "fixed offset": "title: A\ndate: 2024-05-01T10:00:00+05:30\nupdated: 2024-06-01T10:00:00Z",
    "date in the front matter": (
        "title: A\ndate: 2024-05-01\nextra: 2023-01-02\nnested: {a: [1, 2.5, true]}"
    ),
    "text as a number": "title: 2024\ndate: 2024-05-01",
}


@pytest.mark.parametrize("front", CASES.values(), ids=CASES.keys())
def test_round_trip_is_exact(front):
    original = entry(front)
    decoded = decode_entry(encode_entry(original))
    assert decoded == original
    for name in ("date", "updated"):
        before, after = getattr(original, name), getattr(decoded, name)
        assert type(after) is type(before)
        if before is not None:
            assert after.tzinfo == before.tzinfo and after.fold == before.fold
            assert after.utcoffset() == before.utcoffset()
    assert {k: type(v) for k, v in decoded.meta.items()} == {
        k: type(v) for k, v in original.meta.items()
    }
    assert decoded.rendered.toc == original.rendered.toc


def test_the_second_of_two_equal_wall_times_stays_the_second():
    original = entry("title: A\ndate: 2024-10-27 02:30")
    original.date = original.date.replace(fold=1)  # 02:30 after the clocks went back
    decoded = decode_entry(encode_entry(original))
    assert decoded.date.fold == 1 and decoded.date.utcoffset() == dt.timedelta(hours=1)


def test_components_survive():
    original = entry("title: A\ndate: 2024-05-01", "@@typescript-file[app](public/apps/a.ts)\n")
    decoded = decode_entry(encode_entry(original))
    assert decoded.rendered.components == original.rendered.components
    assert decoded.rendered.components[0].path == "public/apps/a.ts"


def test_values_marshal_cannot_keep_exactly_fall_back_to_pickle():
    original = entry("title: A\ndate: 2024-05-01")
    original.title = Markup("<b>A</b>")  # a str subclass would come back as a plain str
    original.updated = dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1), "CET"))
    decoded = decode_entry(encode_entry(original))
    assert type(decoded.title) is Markup and decoded == original
    assert decoded.updated.tzname() == "CET"


def test_garbage_is_refused():
    with pytest.raises(ValueError):
        decode_entry(b"\x80\x05 an old pickled row")


def test_a_row_in_an_older_format_is_a_cache_miss(tmp_path):
    cache = EntryCache(tmp_path)
    good = entry("title: A\ndate: 2024-05-01")
    good.cache_key = "good"
    cache.put_many([good])
    cache.close()
    db = sqlite3.connect(tmp_path / "entries.sqlite")
    db.execute("INSERT INTO entries VALUES ('old', ?)", (b"\x80\x05garbage",))
    db.commit()
    db.close()
    cache = EntryCache(tmp_path)
    found = cache.get_many(["good", "old"])
    cache.close()
    assert list(found) == ["good"] and found["good"] == good


@pytest.mark.parametrize("front", CASES.values(), ids=CASES.keys())
def test_outline_round_trip_is_exact(front):
    original = entry(front).outline()
    decoded = decode_outline(encode_outline(original))
    assert decoded == original
    for name in ("date", "updated"):
        before, after = getattr(original, name), getattr(decoded, name)
        if before is not None:
            assert after.tzinfo == before.tzinfo and after.utcoffset() == before.utcoffset()


def test_outline_keeps_components():
    original = entry("title: A\ndate: 2024-05-01", "@@typescript-file[app](public/apps/a.ts)\n")
    decoded = decode_outline(encode_outline(original.outline()))
    assert decoded.components == original.rendered.components


def test_outline_marshal_cannot_hold_is_not_recorded():
    original = entry("title: A\ndate: 2024-05-01")
    original.tags = (Markup("<b>x</b>"),)  # would come back as a plain str
    assert encode_outline(original.outline()) is None
    original = entry("title: A\ndate: 2024-05-01")
    original.updated = dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1), "CET"))
    assert encode_outline(original.outline()) is None
