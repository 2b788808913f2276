"""What a site built by another generator needs for the widget, whichever generator it is.

:class:`WidgetSettings` is the few settings each adapter reads from its own configuration
(MkDocs' ``mkdocs.yml``, Pelican's ``SHINMUN_HF`` dict, ``shinmun widget export`` options).
From them come the ``window`` variables (the engine's :func:`variables_script_tag`, with
``cimd`` resolved by :mod:`shinmun_hf.project.oauth_client`), and the files to publish: the prebuilt
widget, the sign-in callback page (``oauth/callback/huggingface/``, the one redirect URL) and,
with ``client_id: cimd``, the Client ID Metadata Document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlsplit

from ..errors import ConfigError
from ..project.config import SCHEMA, Config
from ..project.oauth_client import (
    CALLBACK_PATH,
    CIMD,
    CIMD_FILE,
    metadata_document,
    published_variables,
)
from ..project.variables import variables_script_tag
from ..render.outputs import without_referrer
from .markdown_extension import WIDGET_DIR
from .widget_bundle import SCRIPT, shipped_widget

__all__ = ["CALLBACK_PATH", "CIMD_FILE", "WidgetSettings", "add_to_head"]

SETTING_VARIABLES = {
    "scopes": "HF_OAUTH_SCOPES",
    "model": "HF_INFERENCE_MODEL",
    "provider_url": "HF_OPENID_PROVIDER_URL",
    "inference_url": "HF_INFERENCE_URL",
    "redirect_uri": "HF_OAUTH_REDIRECT_URI",
    "bill_to": "HF_INFERENCE_BILL_TO",
}
"""Settings that are published as they are, as the window variable hf-oauth.ts reads."""
HEAD_END = re.compile(r"</head\s*>", re.I)


@dataclass(frozen=True)
class WidgetSettings:
    """The widget's settings, named as in every adapter's configuration."""

    client_id: str = ""
    """A registered app's client id, ``cimd`` (no registration), or empty: on a static
    Hugging Face Space with ``hf_oauth: true`` the Space provides one."""
    site_url: str = ""
    """The site's public address, its folder included (``https://user.github.io/repo``)."""
    scopes: str = ""
    model: str = ""
    provider_url: str = ""
    inference_url: str = ""
    redirect_uri: str = ""
    bill_to: str = ""
    title: str = "Sign in with Hugging Face"
    """The app's name on Hugging Face's consent screen (CIMD ``client_name``)."""
    logo: str = ""
    variables: Mapping[str, Any] = field(default_factory=dict)
    """More ``HF_`` variables, published as they are (they win over the settings above)."""
    source: str = "configuration"
    """Where the settings come from, for errors (``mkdocs.yml``, ``pelicanconf.py``)."""

    @property
    def base_path(self) -> str:
        """The site's folder on its server, ``""`` or ``/repo``."""
        return urlsplit(self.site_url).path.rstrip("/")

    def engine_config(self) -> Config:
        """The engine's configuration with these settings, for :mod:`..oauth_client`."""
        values = {key: option.resolve(None) for key, option in SCHEMA.items()}
        parts = urlsplit(self.site_url)
        values["site_url"] = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        values["base_path"] = self.base_path
        values["title"] = self.title
        values["hf_oauth_logo"] = self.logo
        variables: dict[str, Any] = {"HF_OAUTH_CLIENT_ID": self.client_id}
        for setting, name in SETTING_VARIABLES.items():
            if getattr(self, setting):
                variables[name] = getattr(self, setting)
        variables.update(self.variables)
        values["variables"] = {k: v for k, v in variables.items() if v != ""}
        return Config(**values, path=self.source)

    def check(self) -> None:
        """CIMD needs the site's public https address: Hugging Face fetches the document."""
        if self.client_id.strip() == CIMD and not urlsplit(self.site_url).netloc:
            raise ConfigError(
                "client_id is cimd, but the site's public URL is not set",
                file=self.source,
                hint="give the site's public https address (site_url; --site-url for widget "
                "export): the client metadata document and its redirect URL are made from it",
            )

    def published_variables(self) -> dict[str, Any]:
        """The ``window`` variables pages get (``HF_BASE_PATH`` always: the callback page's
        folder)."""
        self.check()
        variables = published_variables(self.engine_config())
        variables.setdefault("HF_BASE_PATH", self.base_path)
        return variables

    def variables_tag(self) -> str:
        return str(variables_script_tag(self.published_variables()))

    def widget_url(self) -> str:
        return f"{self.base_path}/{WIDGET_DIR}/{SCRIPT}"

    def warnings(self) -> list[str]:
        """What would keep sign-in from working where the site is published."""
        notes: list[str] = []
        if self.client_id.strip() == CIMD and not self.site_url.startswith("https://"):
            notes.append(
                f"{self.source}: client_id is cimd, but site_url is {self.site_url}: Hugging "
                "Face reads the client metadata document only over https, from where the site "
                "is published"
            )
        return notes

    def files(self) -> dict[str, bytes]:
        """Site path -> bytes: the widget, the callback page and the CIMD document."""
        files = {f"{WIDGET_DIR}/{name}": data for name, data in shipped_widget().items()}
        files[CALLBACK_PATH + "index.html"] = self.callback_page().encode()
        document = metadata_document(self.engine_config())
        if document is not None:
            files[CIMD_FILE] = document
        return files

    def callback_page(self) -> str:
        """The page Hugging Face sends every sign-in back to: it finishes the sign-in and
        returns to the page it started from. Standalone, so it works in any theme."""
        return CALLBACK_PAGE.format(
            variables=self.variables_tag(), script=escape(self.widget_url())
        )


CALLBACK_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>Signing in with Hugging Face</title>
<style>body{{font:1rem/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}}
@media (prefers-color-scheme:dark){{body{{background:#0d1117;color:#e6edf3}}}}</style>
{variables}
<script type="module" src="{script}"></script>
</head>
<body>
<main>
<h1>Signing in with Hugging Face</h1>
<p>This page finishes signing in and takes you back to the page you started from.</p>
<hf-chat id="hf-demo"></hf-chat>
</main>
</body>
</html>
"""


def add_to_head(html: str, snippet: str, *, no_referrer: bool = False) -> str:
    """``snippet`` at the end of the page's head; with ``no_referrer``, the page sends no
    ``Referer`` (the engine's rule for pages with the widget: a sign-in's code never leaks)."""
    match = HEAD_END.search(html)
    at = match.start() if match else 0
    html = html[:at] + snippet + "\n" + html[at:]
    return without_referrer(html) if no_referrer else html
