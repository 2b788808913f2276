"""The Pelican plugin (``PLUGINS = ["shinmun_hf"]``; the namespace package
``pelican.plugins.shinmun_hf`` imports :func:`register` from here).

Settings in one dict, ``SHINMUN_HF = {"client_id": "cimd", "model": ..., ...}`` (the keys of
:data:`SETTINGS`). Glue only: the ``shinmun_hf`` Markdown extension is added to ``MARKDOWN``,
the Markdown reader tells it which file it reads (errors name it), a component or type error
stops the build before anything is written (``pelican`` exits 1), and the bundles, the
prebuilt widget, the callback page and the CIMD document go into the output folder; every page
gets the variables.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.readers import MarkdownReader

from ..errors import ConfigError, ShinmunError
from .markdown_extension import HF_CHAT_TAG, ShinmunHfExtension
from .site_files import WidgetSettings, add_to_head

__all__ = ["SETTINGS", "register"]

SETTINGS = (
    "client_id",
    "site_url",
    "scopes",
    "model",
    "provider_url",
    "inference_url",
    "redirect_uri",
    "bill_to",
    "logo",
    "variables",
    "typecheck",
    "project_dir",
)
"""The keys of ``SHINMUN_HF``; ``site_url`` defaults to ``SITEURL``, ``project_dir`` (where
``@@typescript-file`` paths start) to the folder holding ``PATH``, ``typecheck`` to True."""


class ShinmunHfPluginError(ShinmunError):
    """A component or type error: Pelican reports it and exits 1."""


class _Site:
    """The plugin's state for one Pelican run."""

    def __init__(self, settings: dict[str, Any]) -> None:
        options = dict(settings.get("SHINMUN_HF") or {})
        unknown = sorted(set(options) - set(SETTINGS))
        if unknown:
            raise ConfigError(
                f"SHINMUN_HF has unknown key(s) {', '.join(unknown)}",
                file="pelicanconf.py",
                hint=f"use {', '.join(SETTINGS)}",
            )
        self.typecheck = bool(options.pop("typecheck", True))
        self.project = Path(
            options.pop("project_dir", None) or Path(settings["PATH"]).resolve().parent
        ).resolve()
        options.setdefault("site_url", settings.get("SITEURL") or "")
        options.setdefault("title", settings.get("SITENAME") or "Sign in with Hugging Face")
        self.widget = WidgetSettings(**options, source="pelicanconf.py")
        self.head = self.widget.variables_tag()
        self.extension = ShinmunHfExtension(
            project_dir=str(self.project),
            base_url=self.widget.base_path + "/",
            raise_errors=False,
        )
        markdown = dict(settings.get("MARKDOWN") or {})
        markdown["extensions"] = [*markdown.get("extensions", []), self.extension]
        settings["MARKDOWN"] = markdown  # (a copy: the defaults dict is shared)


_site: _Site | None = None


def _initialized(pelican: Any) -> None:
    global _site
    _site = _Site(pelican.settings)


def _new_build(pelican: Any) -> None:
    """Each run (``pelican --autoreload`` runs again in the same process) starts afresh."""
    if _site is not None:
        _site.extension.begin_site()


class _Reader(MarkdownReader):
    """Pelican's Markdown reader, naming the file it reads for the extension's errors."""

    def read(self, source_path: str) -> Any:
        assert _site is not None
        extension = _site.extension
        extension.source = os.path.relpath(source_path, _site.project).replace(os.sep, "/")
        extension.line_offset = 0  # Pelican's metadata lines are part of the Markdown text
        return super().read(source_path)


def _readers_init(readers: Any) -> None:
    for kind, reader in list(readers.reader_classes.items()):
        if reader is MarkdownReader:
            readers.reader_classes[kind] = _Reader


def _check(generators: Any) -> None:
    """Every page is read, nothing written yet: stop on the first component error."""
    assert _site is not None
    if _site.extension.errors:
        raise ShinmunHfPluginError(str(_site.extension.errors[0]))
    if _site.typecheck and _site.extension.components:
        from ..typescript import typecheck

        try:
            typecheck(_site.project, _site.extension.components)
        except ShinmunError as error:
            raise ShinmunHfPluginError(str(error)) from None


def _content_written(path: str, context: Any) -> None:
    """Each HTML page gets the variables; one with a component sends no ``Referer``."""
    if _site is None or not path.endswith(".html"):
        return
    if not (_site.extension.uses_widget or _site.widget.client_id):
        return  # a site with components only: no sign-in variables
    file = Path(path)
    html = file.read_text(encoding="utf-8")
    own = HF_CHAT_TAG.search(html) is not None or "data-shinmun-component=" in html
    file.write_text(add_to_head(html, _site.head, no_referrer=own), encoding="utf-8")


def _finalized(pelican: Any) -> None:
    """The bundles, and the widget's files when the site has it, into the output folder."""
    assert _site is not None
    published = dict(_site.extension.assets)
    if _site.extension.uses_widget or _site.widget.client_id:
        published.update(_site.widget.files())
    output = Path(pelican.settings["OUTPUT_PATH"]).resolve()
    for relative, data in published.items():
        target = (output / relative).resolve()
        if not target.is_relative_to(output):  # pragma: no cover - paths are ours
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def register() -> None:
    signals.initialized.connect(_initialized)
    signals.get_generators.connect(_new_build)
    signals.readers_init.connect(_readers_init)
    signals.all_generators_finalized.connect(_check)
    signals.content_written.connect(_content_written)
    signals.finalized.connect(_finalized)
