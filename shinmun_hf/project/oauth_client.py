"""The sign-in widget's OAuth client as the build publishes it.

``variables: HF_OAUTH_CLIENT_ID: cimd`` (what ``shinmun init`` writes) needs no app registered
on huggingface.co: the build writes a Client ID Metadata Document at ``.well-known/oauth-cimd``
(from ``site_url``, ``base_path``, ``title`` and ``hf_oauth_logo``) and gives the widget that
document's URL as its client id, which Hugging Face fetches. A client id that is already the
URL of this site's document (``serve --hub local`` gives the dev server's) is treated the same.

Sign-in always comes back to one page, ``oauth/callback/huggingface/`` below ``base_path``;
the widget learns ``base_path`` from ``HF_BASE_PATH``, added to the published variables.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from .config import Config

__all__ = [
    "CALLBACK_PATH",
    "CIMD",
    "CIMD_FILE",
    "client_id",
    "metadata_document",
    "metadata_warning",
    "published_variables",
]

CIMD = "cimd"
"""The ``HF_OAUTH_CLIENT_ID`` value asking for a metadata document instead of a registered app."""
CIMD_FILE = ".well-known/oauth-cimd"
CALLBACK_PATH = "oauth/callback/huggingface/"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def _configured(config: Config) -> str:
    value = config.variables.get("HF_OAUTH_CLIENT_ID")
    return value.strip() if isinstance(value, str) else ""


def client_id(config: Config) -> str:
    """The client id the widget gets: ``cimd`` resolved to the document's URL."""
    value = _configured(config)
    if value == CIMD:
        return f"{config.site_url}{config.base_path}/{CIMD_FILE}"
    return value


def _own_document_root(config: Config) -> str | None:
    """``https://host/base/`` when the client id is this site's metadata document, else None."""
    url = client_id(config)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.path != f"{config.base_path}/{CIMD_FILE}":
        return None
    if parts.query or parts.fragment:
        return None
    return url[: -len(CIMD_FILE)]


def metadata_document(config: Config) -> bytes | None:
    """The Client ID Metadata Document to publish, or None when the site does not use one.

    Its redirect URIs are the callback page; port-less loopback ones are added (so the real
    hub may send a sign-in from ``serve`` on a laptop back there) only when
    ``hf_oauth_loopback_redirects`` asks, or when the document is itself on loopback.
    """
    root = _own_document_root(config)
    if root is None:
        return None
    redirect_uris = [root + CALLBACK_PATH]
    on_loopback = urlsplit(root).hostname in LOOPBACK_HOSTS
    if on_loopback or config.get("hf_oauth_loopback_redirects"):
        for host in LOOPBACK_HOSTS:
            uri = f"http://{host}{config.base_path}/{CALLBACK_PATH}"
            if uri not in redirect_uris:
                redirect_uris.append(uri)
    document: dict[str, Any] = {
        "client_id": root + CIMD_FILE,
        "client_name": config.title,
        "client_uri": root,
        "redirect_uris": redirect_uris,
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
    }
    logo = config.get("hf_oauth_logo") or ""
    if logo:
        document["logo_uri"] = logo if "://" in logo else root + logo.lstrip("/")
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def metadata_warning(config: Config) -> list[str]:
    """For ``shinmun build``: a document Hugging Face could not read where it says it is."""
    root = _own_document_root(config)
    if root is None or root.startswith("https://"):
        return []
    return [
        f"config.yml: HF_OAUTH_CLIENT_ID is cimd, but site_url is {config.site_url}: Hugging "
        "Face reads the client metadata document only over https, from where the site is "
        "published; set site_url to that address"
    ]


def published_variables(config: Config) -> dict[str, Any]:
    """``variables:`` as pages publish them: for a site using the widget (any ``HF_`` key),
    the client id resolved and ``HF_BASE_PATH`` added."""
    variables = dict(config.variables)
    if not any(key.startswith("HF_") for key in variables):
        return variables
    if _configured(config):
        variables["HF_OAUTH_CLIENT_ID"] = client_id(config)
    variables.setdefault("HF_BASE_PATH", config.base_path)
    return variables
