"""Entries as the build cache stores them: plain tuples, written with ``marshal``.

Every cached build loads every entry (the site model needs them all), so this is on the path of
each rebuild of a large site. Pickled, an entry costs about 30 us to load: class lookups, the
reduce protocol, and above all its dates, whose ZoneInfo alone takes 8 to 24 us to unpickle.
As a tuple of strings, numbers, lists and dicts it loads with ``marshal`` in a few, and its
dates are rebuilt from their parts and the zone's name. An entry holding anything else (a date
in its front matter, a component) keeps that part, or failing that the whole entry, pickled:
nothing is ever changed in type on the way through.

Only this program writes the cache (as with the manifest, which is marshalled too); a row that
does not decode is a cache miss.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import marshal
import pickle
from typing import Any
from zoneinfo import ZoneInfo

from ..content.entry import Entry, EntryOutline
from ..markup import RenderedMarkdown

__all__ = [
    "EncodedOutline",
    "decode_entry",
    "decode_outline",
    "encode_entry",
    "encode_outline",
    "outline_field",
]

_MARSHALLED = b"m"
_PICKLED = b"p"


def encode_entry(entry: Entry) -> bytes:
    """The entry without its body (``rendered.html``), as bytes for the cache."""
    rendered = entry.rendered
    try:
        fields = (
            entry.source,
            entry.kind,
            entry.title,
            entry.slug,
            _encode_date(entry.date),
            _encode_date(entry.updated),
            entry.category,
            entry.tags,
            entry.description,
            entry.draft,
            entry.author,
            entry.layout,
            _plain_or_pickled(entry.meta),
            entry.lines,
            entry.card_digest,
            entry.search_digest,
            entry.cache_key,
            rendered.toc,
            rendered.summary_html,
            rendered.text,
            rendered.word_count,
            _plain_or_pickled(rendered.components),
            rendered.warnings,
        )
        return _MARSHALLED + marshal.dumps(fields)
    except ValueError:  # a value marshal cannot hold exactly (a str subclass, say)
        bare = dataclasses.replace(entry, rendered=dataclasses.replace(rendered, html=None))
        return _PICKLED + pickle.dumps(bare, pickle.HIGHEST_PROTOCOL)


def decode_entry(data: bytes) -> Entry:
    """The entry :func:`encode_entry` made (its ``rendered.html`` is None)."""
    view = memoryview(data)
    if data[:1] == _PICKLED:
        return pickle.loads(view[1:])
    if data[:1] != _MARSHALLED:
        raise ValueError("not an encoded entry")
    (
        source,
        kind,
        title,
        slug,
        date,
        updated,
        category,
        tags,
        description,
        draft,
        author,
        layout,
        meta,
        lines,
        card_digest,
        search_digest,
        cache_key,
        toc,
        summary_html,
        text,
        word_count,
        components,
        warnings,
    ) = marshal.loads(view[1:])
    rendered = RenderedMarkdown(
        None, toc, summary_html, text, word_count, _unpickled(components), warnings
    )
    return Entry(
        source,
        kind,
        title,
        slug,
        _decode_date(date),
        _decode_date(updated),
        category,
        tags,
        description,
        draft,
        author,
        layout,
        _unpickled(meta),
        rendered,
        lines,
        card_digest,
        search_digest,
        cache_key,
    )


_OUTLINE_FIELDS = tuple(f.name for f in dataclasses.fields(EntryOutline))
_OUTLINE_INDEX = {name: index for index, name in enumerate(_OUTLINE_FIELDS)}

EncodedOutline = tuple[Any, ...]
"""An outline as :func:`encode_outline` made it: the fields of plain types are readable as
they are (:func:`outline_field`)."""


def outline_field(fields: EncodedOutline, name: str) -> Any:
    """One field of an encoded outline, without decoding the rest; for ``source``, ``kind``,
    ``warnings``, ``cache_key`` and whether there are ``components`` (then it is truthy)."""
    return fields[_OUTLINE_INDEX[name]]


_OUTLINE_DATES = tuple(_OUTLINE_FIELDS.index(name) for name in ("date", "updated"))
_OUTLINE_COMPONENTS = _OUTLINE_FIELDS.index("components")


def encode_outline(outline: EntryOutline) -> tuple[Any, ...] | None:
    """The outline as a marshallable tuple of its fields in order (for the manifest); None if
    it cannot be one exactly (the build then loads the entry instead)."""
    values = [getattr(outline, name) for name in _OUTLINE_FIELDS]
    try:
        for index in _OUTLINE_DATES:
            values[index] = _encode_date(values[index])
        values[_OUTLINE_COMPONENTS] = _plain_or_pickled(values[_OUTLINE_COMPONENTS])
        fields = tuple(values)
        marshal.dumps(fields)  # a str subclass in a tag, say, must not break the manifest
    except ValueError:
        return None
    return fields


def decode_outline(fields: tuple[Any, ...]) -> EntryOutline:
    """The outline :func:`encode_outline` made."""
    values = list(fields)
    for index in _OUTLINE_DATES:
        values[index] = _decode_date(values[index])
    values[_OUTLINE_COMPONENTS] = _unpickled(values[_OUTLINE_COMPONENTS])
    return EntryOutline(*values)


_Date = tuple[int, int, int, int, int, int, int, int, str | int]


def _encode_date(moment: dt.datetime | None) -> _Date | None:
    """A datetime as its parts and its zone: a ZoneInfo's name or a fixed offset in seconds."""
    if moment is None:
        return None
    if type(moment) is not dt.datetime:
        raise ValueError("not a plain datetime")
    zone = moment.tzinfo
    if isinstance(zone, ZoneInfo) and zone.key and ZoneInfo(zone.key) is zone:
        where: str | int = zone.key
    elif type(zone) is dt.timezone and zone == _fixed(int(zone.utcoffset(None).total_seconds())):
        where = int(zone.utcoffset(None).total_seconds())
        if zone.tzname(None) != _fixed(where).tzname(None):  # a named offset: keep it pickled
            raise ValueError("named fixed offset")
    else:
        raise ValueError("a time zone marshal cannot name")
    return (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
        moment.microsecond,
        moment.fold,
        where,
    )


def _decode_date(parts: _Date | None) -> dt.datetime | None:
    if parts is None:
        return None
    year, month, day, hour, minute, second, microsecond, fold, where = parts
    zone = _zones.get(where)
    if zone is None:
        zone = _zones[where] = ZoneInfo(where) if isinstance(where, str) else _fixed(where)
    return dt.datetime(year, month, day, hour, minute, second, microsecond, zone, fold=fold)


_zones: dict[str | int, dt.tzinfo] = {}
"""Zones by name or offset: one lookup per build rather than one per date."""


_offsets: dict[int, dt.timezone] = {}


def _fixed(seconds: int) -> dt.timezone:
    zone = _offsets.get(seconds)
    if zone is None:
        zone = _offsets[seconds] = dt.timezone(dt.timedelta(seconds=seconds))
    return zone


def _plain_or_pickled(value: Any) -> Any:
    """``value`` itself if marshal keeps it exactly, else its pickle (front-matter dates...)."""
    try:
        marshal.dumps(value)
    except ValueError:
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return value


def _unpickled(value: Any) -> Any:
    return pickle.loads(value) if isinstance(value, bytes) else value
