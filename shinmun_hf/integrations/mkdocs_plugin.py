"""The MkDocs plugin ``shinmun-hf`` (also ProperDocs', which reads the same ``mkdocs.yml``).

Glue only: the ``shinmun_hf`` Markdown extension does the directives and bundling, and
:mod:`.site_files` makes the variables and the files to publish. The plugin

* adds the extension (taking over its options if ``markdown_extensions`` lists it too);
* tells it which file and line each page starts at, so errors name them, and fails the build
  (``mkdocs build`` exits 1) on a component error, or a type error when ``typecheck`` is on;
* adds the bundles, the prebuilt widget, the callback page and the CIMD document to MkDocs'
  file collection, so ``mkdocs serve`` serves them like any other file;
* writes the variables into every page, and for Material for MkDocs' instant navigation
  re-mounts components on each page it swaps in.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from ..errors import ShinmunError
from ..typescript.bundler import REMOUNT_EVENT
from .markdown_extension import HF_CHAT_TAG, ShinmunHfExtension
from .site_files import WidgetSettings, add_to_head

__all__ = ["ShinmunHfPlugin"]

EXTENSION_NAMES = ("shinmun_hf", "shinmun_hf.integrations.markdown_extension")
REMOUNT = (
    "<script>window.document$&&document$.subscribe(()=>"
    f'dispatchEvent(new Event("{REMOUNT_EVENT}")))</script>'
)
"""Material for MkDocs publishes its page observable as ``document$``: each page it swaps in
has its components mounted (custom elements mount themselves)."""


THEME_COLOURS = {
    "material": (
        "--fg:var(--md-typeset-color);--bg:var(--md-default-bg-color);"
        "--surface:var(--md-code-bg-color);--muted:var(--md-default-fg-color--light);"
        "--border:var(--md-default-fg-color--lighter);--accent:var(--md-typeset-a-color);"
        "--accent-fg:var(--md-primary-bg-color);--focus:var(--md-accent-fg-color)"
    ),
    "mkdocs": (
        "--fg:var(--bs-body-color);--bg:var(--bs-body-bg);--surface:var(--bs-tertiary-bg);"
        "--muted:var(--bs-secondary-color);--border:var(--bs-border-color);"
        "--accent:var(--bs-link-color);--accent-fg:var(--bs-body-bg)"
    ),
}
"""The widget takes its colours from custom properties (``--fg``, ``--surface``...), with light
and dark fallbacks that follow the system; these themes have a colour scheme of their own (a
light page on a dark system, a palette toggle), so the widget takes theirs."""


class _Options(Config):
    client_id = c.Type(str, default="")
    scopes = c.Type(str, default="")
    model = c.Type(str, default="")
    provider_url = c.Type(str, default="")
    inference_url = c.Type(str, default="")
    redirect_uri = c.Type(str, default="")
    bill_to = c.Type(str, default="")
    logo = c.Type(str, default="")
    variables = c.Type(dict, default={})
    typecheck = c.Type(bool, default=True)


class ShinmunHfPlugin(BasePlugin[_Options]):
    """``plugins: [shinmun-hf]`` in ``mkdocs.yml``."""

    def on_config(self, config: Any) -> Any:
        self.project = Path(config.config_file_path or ".").resolve().parent
        self.settings = WidgetSettings(
            client_id=self.config.client_id,
            site_url=config.site_url or "",
            scopes=self.config.scopes,
            model=self.config.model,
            provider_url=self.config.provider_url,
            inference_url=self.config.inference_url,
            redirect_uri=self.config.redirect_uri,
            bill_to=self.config.bill_to,
            title=config.site_name,
            logo=self.config.logo,
            variables=self.config.variables,
            source=Path(config.config_file_path or "mkdocs.yml").name,
        )
        try:
            self.head = self.settings.variables_tag()
        except ShinmunError as error:
            raise PluginError(str(error)) from None
        options: dict[str, Any] = {}
        for name in EXTENSION_NAMES:  # listed by hand as well: one instance, its options kept
            if name in config.markdown_extensions:
                config.markdown_extensions.remove(name)
                options.update(config.mdx_configs.pop(name, None) or {})
        options.setdefault("project_dir", str(self.project))
        self.extension = ShinmunHfExtension(
            **{**options, "base_url": self.settings.base_path + "/", "raise_errors": False}
        )
        config.markdown_extensions.append(self.extension)
        return config

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        """Errors name the page's file, and its lines as in the file (before front matter
        was taken off)."""
        path = page.file.abs_src_path
        self.extension.source = page.file.src_uri
        self.extension.line_offset = 0
        if path:
            self.extension.source = os.path.relpath(path, self.project).replace(os.sep, "/")
            try:
                raw = Path(path).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
            except (OSError, UnicodeDecodeError):
                raw = ""
            if markdown and raw.endswith(markdown):
                self.extension.line_offset = raw[: len(raw) - len(markdown)].count("\n")
        return markdown

    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        if self.extension.errors:
            raise PluginError(str(self.extension.errors[0]))
        return html

    def on_env(self, env: Any, config: Any, files: Files) -> Any:
        """Every page is rendered: type-check its components, and publish what they need."""
        if self.config.typecheck and self.extension.components:
            from ..typescript import typecheck

            try:
                typecheck(self.project, self.extension.components)
            except ShinmunError as error:
                raise PluginError(str(error)) from None
        published = dict(self.extension.assets)
        if self.extension.uses_widget or self.settings.client_id:
            published.update(self.settings.files())
        for path, data in published.items():
            if files.get_file_from_path(path) is None:  # a file of the site's own wins
                files.append(File.generated(config, path, content=data))
        return env

    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        """The variables on every page, and the widget's script too when the site has it:
        with instant navigation, the page a visitor lands on is the only one whose head
        loads."""
        extension = self.extension
        has_widget = HF_CHAT_TAG.search(output) is not None
        own = has_widget or "data-shinmun-component=" in output
        # (a site with components only gets no sign-in variables)
        head = self.head if extension.uses_widget or self.settings.client_id else ""
        colours = THEME_COLOURS.get(config.theme.name or "")
        if colours and extension.uses_widget:
            head += f"\n<style>hf-chat{{{colours}}}</style>"
        if extension.uses_widget:
            head += f'\n<script type="module" src="{escape(self.settings.widget_url())}"></script>'
        if head or own:
            output = add_to_head(output, head, no_referrer=own)
        if extension.components and "</body>" in output:
            at = output.rindex("</body>")
            output = output[:at] + REMOUNT + "\n" + output[at:]
        return output
