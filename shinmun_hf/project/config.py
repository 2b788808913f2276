"""The site configuration: ``config.yml`` read, validated against a typed schema, and frozen.

Wrong types are errors naming the key and line; unknown keys are warnings with a suggestion,
so a typo never silently does nothing. ``SHINMUN_VAR_<KEY>`` environment variables override
``variables:`` entries (per-environment client ids in CI without editing the file).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import marshal
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..markup.settings import DEFAULT_DIALECT, DIALECTS, RenderSettings
from ..version import ENGINE
from . import config_options as opt
from .mapping import LoadedMapping

__all__ = ["ENV_PREFIX", "SCHEMA", "Config", "load_config"]

ENV_PREFIX = "SHINMUN_VAR_"
SECRET_LIKE = re.compile(r"SECRET|PASSWORD|PRIVATE|TOKEN", re.IGNORECASE)

SCHEMA: dict[str, opt.Option] = {
    "title": opt.Str("My Blog", help="The site's name, shown in the header and feeds."),
    "description": opt.Str("", help="One sentence about the site, for feeds and search engines."),
    "author": opt.Str("", help="Default author of posts."),
    "language": opt.Str("en", help="Language code of the content, e.g. en or de-CH."),
    "site_url": opt.Url(
        "http://localhost:8000", help="Where the site is published, without a path."
    ),
    "base_path": opt.BasePath("", help="URL prefix when the site lives in a folder, e.g. /blog."),
    "categories": opt.Categories(
        None, help="Category names in navigation order; derived from posts when absent."
    ),
    "nav": opt.Nav(list, help="Extra navigation links, each with a title and a url."),
    "posts_per_page": opt.Int(10, help="Posts on each page of the index and listings."),
    "feed_limit": opt.Int(20, help="Number of posts in the RSS and Atom feeds."),
    "permalink": opt.Permalink("/{year}/{month}/{slug}/", help="URL pattern of posts."),
    "timezone": opt.Timezone("UTC", help="Time zone of post dates written without one."),
    "markdown": opt.Choice(
        DEFAULT_DIALECT,
        DIALECTS,
        help="The Markdown dialect: gfm (CommonMark with GitHub's extensions, as GitHub, Hugo "
        "and Jekyll read it) or python-markdown (as Pelican and MkDocs read it).",
    ),
    "smart_punctuation": opt.Bool(
        True, help="Curly quotes, dashes and ellipses in prose (never in code)."
    ),
    "variables": opt.Variables(dict, help="Published to every visitor as window.KEY globals."),
    "hf_oauth_logo": opt.Str(
        "", help="Logo on Hugging Face's consent screen: an https URL or a path in the site."
    ),
    "hf_oauth_loopback_redirects": opt.Bool(
        False,
        help="List http://127.0.0.1 and http://localhost callbacks in the client metadata "
        "document, so serve --hub huggingface can sign in (any local program then may too).",
    ),
    "allow_secret_like_variables": opt.Bool(
        False, help="Allow variable names containing SECRET, PASSWORD, PRIVATE or TOKEN."
    ),
}


@dataclass(frozen=True)
class Config:
    """The validated configuration. ``extra`` keeps unknown keys readable from templates."""

    title: str
    description: str
    author: str
    language: str
    site_url: str
    base_path: str
    categories: list[str] | None
    nav: list[dict[str, str]]
    posts_per_page: int
    feed_limit: int
    permalink: str
    timezone: str
    markdown: str
    smart_punctuation: bool
    variables: dict[str, Any]
    hf_oauth_logo: str
    hf_oauth_loopback_redirects: bool
    allow_secret_like_variables: bool
    path: str = "config.yml"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """Changes whenever any setting changes: every output depends on it."""
        payload = json.dumps(self.as_dict(), sort_keys=True, default=str)
        return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()

    @cached_property
    def render_settings(self) -> RenderSettings:
        """What the Markdown stage reads (and caches entries under): one value per config,
        asked for once per entry."""
        return RenderSettings(self.markdown, self.smart_punctuation, self.base_path)

    def as_dict(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in SCHEMA}
        return {**self.extra, **values}

    def __getitem__(self, key: str) -> Any:  # templates: config["title"] or config.title
        return self.as_dict()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.as_dict().get(key, default)


def load_config(
    project: Path,
    *,
    environ: Mapping[str, str] | None = None,
    warnings: list[str] | None = None,
    memo: Path | None = None,
) -> Config:
    """Read and validate ``project/config.yml`` (a missing file means all defaults); with
    ``memo``, a file to keep its parse in (see :func:`_parsed`)."""
    environ = os.environ if environ is None else environ
    warnings = [] if warnings is None else warnings
    path = project / "config.yml"
    name = "config.yml"
    if path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            line = path.read_bytes()[: exc.start].count(b"\n") + 1
            raise ConfigError("file is not valid UTF-8", file=name, line=line) from None
        loaded = _parsed(text, name, memo)
    else:
        loaded = LoadedMapping({}, {})

    values: dict[str, Any] = {}
    for key, option in SCHEMA.items():
        try:
            values[key] = option.resolve(loaded.data.get(key))
        except opt.ValidationError as exc:
            line = loaded.line_of(f"{key}.{exc.subkey}") if exc.subkey else None
            raise ConfigError(
                f"{key}: {exc}",
                file=name,
                line=line or loaded.line_of(key),
                hint=exc.hint or option.help or None,
            ) from None

    extra = {}
    for key, value in loaded.data.items():
        if key in SCHEMA:
            continue
        extra[str(key)] = value
        close = difflib.get_close_matches(str(key), SCHEMA, n=1)
        suggestion = f"; did you mean '{close[0]}'?" if close else ""
        warnings.append(
            f"{name}:{loaded.line_of(str(key))}: unknown key '{key}'{suggestion} "
            "(it is kept and readable from layouts as config.extra)"
        )

    values["variables"] = _apply_environment(values["variables"], environ)
    _check_secret_like(values, loaded, name)
    _check_publishable(values["variables"], loaded, name)
    return Config(**values, path=name, extra=extra)


MEMO_FORMAT = 1
"""Of :func:`_parsed`'s file: bump when what a :class:`LoadedMapping` holds changes (another
engine version never reads it: see :data:`~shinmun_hf.version.ENGINE`)."""


def _parsed(text: str, name: str, memo: Path | None) -> LoadedMapping:
    """The config's text as YAML reads it, kept in ``memo`` by the text's digest.

    Importing the YAML library is a large share of a build with nothing to do, which reads the
    config and a few stats; with the parse kept, such a build never imports it. Validation
    still runs on every read. A config that marshal cannot hold (a date in it) is parsed each
    time; a missing, damaged or other text's memo is ignored.
    """
    key = hashlib.blake2b(f"{ENGINE}\x00{MEMO_FORMAT}\x00{text}".encode(), digest_size=16).digest()
    if memo is not None:
        try:
            kept, data, lines, written = marshal.loads(memo.read_bytes())
            if kept == key:
                return LoadedMapping(data, lines, written)
        except Exception:  # missing, damaged, or written by another version
            pass
    from ._yaml import load_mapping

    loaded = load_mapping(text, file=name, what="config", error=ConfigError)
    if memo is not None:
        try:
            stored = marshal.dumps((key, loaded.data, loaded.lines, loaded.written))
        except ValueError:  # a value marshal cannot hold
            return loaded
        temporary = memo.with_name(f"{memo.name}.{os.getpid()}.tmp")
        try:
            memo.parent.mkdir(exist_ok=True)
            temporary.write_bytes(stored)
            os.replace(temporary, memo)
        except OSError:  # a full disk or a read-only cache: the memo is only a saving
            temporary.unlink(missing_ok=True)
    return loaded


def _apply_environment(variables: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """``SHINMUN_VAR_KEY=value`` overrides or adds ``variables.KEY``.

    A value replacing a number, boolean, list or mapping is read as JSON so its type survives;
    anything else stays a string.
    """
    merged = dict(variables)
    for env_key, raw in environ.items():
        if not env_key.startswith(ENV_PREFIX):
            continue
        key = env_key[len(ENV_PREFIX) :]
        if not opt.VARIABLE_NAME.match(key):
            raise ConfigError(
                f"environment variable {env_key}: {key!r} is not a valid variable name"
            )
        current = merged.get(key)
        if current is not None and not isinstance(current, str):
            try:
                merged[key] = json.loads(raw)
                continue
            except json.JSONDecodeError:
                raise ConfigError(
                    f"environment variable {env_key} must be JSON "
                    f"(it replaces a {type(current).__name__} in config.yml)"
                ) from None
        merged[key] = raw
    return merged


def _check_publishable(variables: dict[str, Any], loaded: Any, name: str) -> None:
    """Every value must become JSON now, at its line, not later inside some layout."""
    from .variables import script_safe_json

    for key, value in variables.items():
        try:
            script_safe_json(value, name=key)
        except ConfigError as exc:
            raise ConfigError(
                exc.message,
                file=name,
                line=loaded.line_of(f"variables.{key}") or loaded.line_of("variables"),
                hint="use a string, number, boolean, list or mapping",
            ) from None


def _check_secret_like(values: dict[str, Any], loaded: Any, name: str) -> None:
    if values["allow_secret_like_variables"]:
        return
    for key in values["variables"]:
        if SECRET_LIKE.search(key):
            raise ConfigError(
                f"variable '{key}' looks like a secret, but every variable is published to "
                "every visitor of the site",
                file=name,
                line=loaded.line_of(f"variables.{key}") or loaded.line_of("variables"),
                hint="remove it, or set allow_secret_like_variables: true if it is meant to be "
                "public",
            )
