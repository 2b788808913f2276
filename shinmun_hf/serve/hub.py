"""``serve --hub``: which OAuth provider the served widget talks to.

``local`` starts the local test hub (:mod:`shinmun_hf.hub`) and builds with variables pointing
the widget at it, so "Sign in with Hugging Face" works offline and without registering an app.
``huggingface`` leaves ``config.yml`` alone: the real endpoints and the configured client id.
Without ``--hub``, a configured client id means ``huggingface``, none means ``local`` (when
the hub is installed).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..config import load_config
from ..errors import ShinmunError

__all__ = [
    "Hub",
    "choose_hub",
    "hub_port",
    "hub_variables",
    "redirect_uris",
    "start_hub",
]

DEMO_PAGES = ("hf-oauth-demo/",)
"""Site paths of pages with the sign-in widget: their URLs are the redirect URIs to allow."""


@dataclass
class Hub:
    """The provider a served build talks to; ``variables`` override ``config.yml``'s."""

    mode: str
    url: str | None = None
    variables: dict[str, object] = field(default_factory=dict)
    user: str = ""
    """Who signs in on the local hub: ``@ada (Ada Lovelace)``."""


def choose_hub(requested: str | None, project: Path, environ: Mapping[str, str] | None) -> str:
    if requested:
        return requested
    try:
        config = load_config(project, environ=environ)
    except ShinmunError:  # the build will report it; the real endpoints do no harm meanwhile
        return "huggingface"
    if config.variables.get("HF_OAUTH_CLIENT_ID") or not _local_hub_available():
        return "huggingface"
    return "local"


def _local_hub_available() -> bool:
    try:
        from ..hub import HubServer  # noqa: F401
    except ImportError:
        return False
    return True


def hub_variables(url: str, client_id: str) -> dict[str, object]:
    """What ``hf-oauth.ts`` reads to use the local hub instead of huggingface.co."""
    url = url.rstrip("/")
    return {
        "HF_OAUTH_CLIENT_ID": client_id,
        "HF_OPENID_PROVIDER_URL": url,
        "HF_INFERENCE_URL": f"{url}/v1",
        "HF_LOCAL_HUB": True,
    }


def redirect_uris(origins: list[str], base_path: str) -> list[str]:
    """The demo pages' URLs at every origin the site is served from."""
    return [f"{origin}{base_path}/{page}" for origin in origins for page in DEMO_PAGES]


def hub_port(serve_port: int) -> int:
    """The port next to the site's, so the hub's URL (baked into every page) stays the same
    from one ``serve`` to the next and a restart costs no full rebuild (0 when serving on 0)."""
    return serve_port + 1 if serve_port else 0


@contextlib.contextmanager
def start_hub(mode: str, origins: list[str], project: Path, port: int = 0) -> Iterator[Hub]:
    """The hub for ``mode``, running for the duration of the ``with`` block when local.

    ``port`` is the one to try first; when it is taken, any free one is used.
    """
    if mode != "local":
        yield Hub(mode)
        return
    if not _local_hub_available():
        raise ShinmunError("the local test hub is not installed", hint="use --hub huggingface")
    from ..hub import HubServer  # only ``--hub local`` pays for importing it

    try:
        base_path = load_config(project).base_path
    except ShinmunError:
        base_path = ""
    uris = redirect_uris(origins, base_path)
    try:
        server = HubServer(redirect_uris=uris, port=port)
    except OSError:
        server = HubServer(redirect_uris=uris)
    user = server.settings.user
    with server:
        yield Hub(
            mode,
            server.url,
            hub_variables(server.url, server.client_id),
            f"@{user.preferred_username} ({user.name})",
        )
