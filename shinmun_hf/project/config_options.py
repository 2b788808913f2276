"""Typed config options, in the manner of MkDocs' ``config_options``.

Each option validates one value and says, in words a blogger understands, what it expected.
"""

from __future__ import annotations

import difflib
import re
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "BasePath",
    "Bool",
    "Categories",
    "Choice",
    "Int",
    "Nav",
    "Option",
    "Permalink",
    "Str",
    "Timezone",
    "Url",
    "ValidationError",
    "Variables",
]

VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
PATH_CHARACTER = re.compile(r"[A-Za-z0-9/._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2}")
"""What a URL path is made of (RFC 3986 §3.3): unreserved, sub-delims, ':', '@', '/', %XX."""


class ValidationError(ValueError):
    """A value does not fit its option; the message says what was expected.

    ``subkey`` names the entry of a mapping at fault, so the error can point at its line."""

    def __init__(self, message: str, *, subkey: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.subkey = subkey
        self.hint = hint
        """What to do, when the option's help text would not say it."""


class Option:
    """One config key: its default and how to check a value."""

    def __init__(self, default: Any = None, *, help: str = "") -> None:
        self.default = default
        self.help = help

    def validate(self, value: Any) -> Any:
        return value

    def resolve(self, value: Any) -> Any:
        """The default for a missing key, else the validated value."""
        if value is None:
            return self.default() if callable(self.default) else self.default
        return self.validate(value)


class Str(Option):
    def validate(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError(f"expected a string, got {_kind(value)}")
        return str(value)


class Bool(Option):
    def validate(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(f"expected true or false, got {_kind(value)}")
        return value


class Int(Option):
    def __init__(self, default: int, *, minimum: int = 1, help: str = "") -> None:
        super().__init__(default, help=help)
        self.minimum = minimum

    def validate(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"expected a whole number, got {_kind(value)}")
        if value < self.minimum:
            raise ValidationError(f"expected a number of at least {self.minimum}, got {value}")
        return value


class Choice(Option):
    """One of a few names; a near miss gets a did-you-mean."""

    def __init__(self, default: str, choices: tuple[str, ...], *, help: str = "") -> None:
        super().__init__(default, help=help)
        self.choices = choices

    def validate(self, value: Any) -> str:
        text = Str().validate(value).strip()
        if text in self.choices:
            return text
        close = difflib.get_close_matches(text.lower(), self.choices, n=1, cutoff=0.5)
        suggestion = f"; did you mean '{close[0]}'?" if close else ""
        names = ", ".join(self.choices)
        raise ValidationError(f"expected one of {names}, got {text!r}{suggestion}")


class Url(Option):
    """An absolute http(s) URL, kept without a trailing slash."""

    def validate(self, value: Any) -> str:
        text = Str().validate(value).strip()
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError(
                f"expected an absolute URL such as https://example.com, got {text!r}"
            )
        if parts.query or parts.fragment:
            raise ValidationError("the site URL must not have a query or a fragment")
        netloc = parts.netloc
        host = netloc[: netloc.find("]") + 1] if netloc.startswith("[") else netloc.split(":")[0]
        try:
            parts.port  # noqa: B018  (raises on a port that is not a number in range)
        except ValueError:
            raise ValidationError(f"the port in {text!r} is not a number from 1 to 65535") from None
        if not re.fullmatch(r"[\w.-]+|\[[0-9A-Fa-f:.]+\]", host):
            raise ValidationError(
                f"{host!r} is not a host name (got {text!r}); write it as https://example.com"
            )
        if parts.path not in ("", "/"):
            raise ValidationError(
                "put the path in base_path, not in site_url "
                f"(site_url: {parts.scheme}://{parts.netloc}, base_path: {parts.path})"
            )
        return f"{parts.scheme}://{parts.netloc}"


class BasePath(Option):
    """A URL path prefix: empty, or ``/blog`` (leading slash, no trailing slash)."""

    def validate(self, value: Any) -> str:
        text = Str().validate(value).strip()
        if text in ("", "/"):
            return ""
        if "://" in text or "?" in text or "#" in text or ".." in text.split("/"):
            raise ValidationError(f"expected a path such as /blog, got {text!r}")
        position = 0
        while match := PATH_CHARACTER.match(text, position):
            position = match.end()
        if position < len(text):
            bad = text[position]
            what = {"%": "a '%' not followed by two hex digits", " ": "a space"}.get(bad, repr(bad))
            raise ValidationError(
                f"{what} does not belong in a URL path (got {text!r}); use letters, digits, "
                "'-', '.', '_', '~' and '/', and %XX escapes for anything else"
            )
        return "/" + text.strip("/")


class Timezone(Option):
    def validate(self, value: Any) -> str:
        name = Str().validate(value)
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin or UTC"
            ) from None
        return name


class Permalink(Option):
    """A post URL pattern made of ``{year}``, ``{month}``, ``{day}`` and ``{slug}``."""

    FIELDS = frozenset({"year", "month", "day", "slug"})

    def validate(self, value: Any) -> str:
        text = Str().validate(value).strip()
        rest = re.sub(r"{\w*}", "", text)
        if "{" in rest or "}" in rest:
            raise ValidationError(
                f"write placeholders as {{year}}, {{month}}, {{day}} and {{slug}}, with nothing "
                f"inside the braces but the name (got {text!r})"
            )
        fields = set(re.findall(r"{(\w*)}", text))
        unknown = fields - self.FIELDS
        if unknown:
            raise ValidationError(
                f"unknown placeholder {{{sorted(unknown)[0]}}}; "
                "use {year}, {month}, {day} and {slug}"
            )
        if "slug" not in fields:
            raise ValidationError("the pattern must contain {slug} so every post gets its own URL")
        if not text.startswith("/") or not text.endswith("/"):
            raise ValidationError(f"expected a path starting and ending with '/', got {text!r}")
        # '..' would write pages outside the output folder (and a later build delete them).
        if "\\" in text or any(part in (".", "..") for part in text.split("/")):
            raise ValidationError(
                f"the pattern may not contain '.' or '..' segments or backslashes (got {text!r})"
            )
        return text


class Categories(Option):
    """An ordered list of category names (the navigation shows them in this order)."""

    def validate(self, value: Any) -> list[str]:
        if not isinstance(value, list):
            raise ValidationError(f"expected a list of category names, got {_kind(value)}")
        return [Str().validate(item) for item in value]


class Nav(Option):
    """Navigation links: a list of ``{title: ..., url: ...}`` mappings."""

    KEYS = frozenset({"title", "url"})
    HINT = "give each entry exactly two keys, title: and url:"

    def validate(self, value: Any) -> list[dict[str, str]]:
        if not isinstance(value, list):
            raise ValidationError(
                f"expected a list of entries with a title and a url, got {_kind(value)}",
                hint=self.HINT,
            )
        links = []
        for index, item in enumerate(value, 1):
            if not isinstance(item, dict) or set(item) != self.KEYS:
                raise ValidationError(_nav_entry_problem(index, item), hint=self.HINT)
            links.append(
                {"title": Str().validate(item["title"]), "url": Str().validate(item["url"])}
            )
        return links


class Variables(Option):
    """Values published to every visitor as ``window.KEY`` globals."""

    def validate(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValidationError(f"expected a mapping of NAME: value, got {_kind(value)}")
        for key in value:
            if not isinstance(key, str) or not VARIABLE_NAME.match(key):
                raise ValidationError(
                    f"variable name {key!r} is not a valid JavaScript identifier "
                    "(letters, digits and _, not starting with a digit)",
                    subkey=str(key),
                )
        return dict(value)


def _nav_entry_problem(index: int, item: Any) -> str:
    """What is wrong with one ``nav`` entry, with a did-you-mean for a misspelt key."""
    import difflib

    if not isinstance(item, dict):
        return f"entry {index} is {_kind(item)}, not a title and a url"
    keys = [str(key) for key in item]
    missing = sorted(Nav.KEYS - set(keys))
    for key in keys:
        if key not in Nav.KEYS:
            # the one key missing is what it stands for; else the most alike
            close = missing if len(missing) == 1 else difflib.get_close_matches(key, missing, n=1)
            guess = f"; did you mean '{close[0]}'?" if close else ""
            return f"entry {index} has the unknown key '{key}'{guess}"
    return f"entry {index} has no '{missing[0]}'"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    return type(value).__name__
