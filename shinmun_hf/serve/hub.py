"""``serve --hub``: which OAuth provider the served widget talks to.

``local`` starts the local test hub (:mod:`shinmun_hf.hub`) and builds with variables pointing
the widget at it, so "Sign in with Hugging Face" works offline and without registering an app:
the client id is the URL of the site's own client metadata document, at the dev server, which
the hub fetches as huggingface.co does. With ``space``, the hub also makes the app a static Space
gets, and the widget finds it in the ``window.huggingface.variables`` the dev server injects.
``huggingface`` leaves ``config.yml`` alone: the real endpoints and the configured client id.
Without ``--hub``, a configured client id means ``huggingface``, none means ``local`` (when
the hub is installed).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ShinmunError
from ..project.config import load_config
from ..project.oauth_client import CIMD, CIMD_FILE

__all__ = [
    "DEV_SERVER_VARIABLES",
    "SPACE_CLIENT_ID",
    "Hub",
    "choose_hub",
    "dev_server_variables",
    "hub_port",
    "hub_variables",
    "space_port",
    "start_hub",
]

SPACE_CLIENT_ID = "local-space-app"
SPACE_SCOPES = "openid profile inference-api"


DEV_SERVER_VARIABLES: dict[str, object] = {"HF_DEV_SERVER": True}
"""Added to served builds of a site with the widget: an unconfigured widget shows the author
its set-up steps there, while readers of a published site only read that sign-in is not set
up."""


def dev_server_variables(project: Path, hub_variables: dict[str, object]) -> dict[str, object]:
    """``DEV_SERVER_VARIABLES`` for a site that uses the widget (the local hub, or ``HF_``
    variables in its config); nothing for any other, whose served pages stay byte for byte
    what ``shinmun build`` writes."""
    if hub_variables:
        return DEV_SERVER_VARIABLES
    try:
        variables = load_config(project).variables
    except ShinmunError:
        return {}  # the build reports it
    return DEV_SERVER_VARIABLES if any(k.startswith("HF_") for k in variables) else {}


DEMO_PAGES = ("hf-oauth-demo/",)
"""Site paths of the sign-in demo: ``serve`` points a newcomer at the first that exists."""


@dataclass
class Hub:
    """The provider a served build talks to; ``variables`` override ``config.yml``'s."""

    mode: str
    url: str | None = None
    variables: dict[str, object] = field(default_factory=dict)
    space_variables: dict[str, str] | None = None
    """What a static Space injects as ``window.huggingface.variables`` (``serve --space``)."""
    user: str = ""
    """Who signs in on the local hub: ``@ada (Ada Lovelace)``."""


def choose_hub(requested: str | None, project: Path, environ: Mapping[str, str] | None) -> str:
    if requested:
        return requested
    try:
        config = load_config(project, environ=environ)
    except ShinmunError:  # the build will report it; the real endpoints do no harm meanwhile
        return "huggingface"
    client_id = config.variables.get("HF_OAUTH_CLIENT_ID")
    if (client_id and client_id != CIMD) or not _local_hub_available():
        return "huggingface"
    return "local"  # (a metadata document at site_url cannot be read by huggingface.co locally)


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


def hub_port(serve_port: int) -> int:
    """The port next to the site's, so the hub's URL (baked into every page) stays the same
    from one ``serve`` to the next and a restart costs no full rebuild (0 when serving on 0)."""
    return serve_port + 1 if serve_port else 0


def space_port(serve_port: int) -> int:
    """The port after the hub's, for the page framing the site (``--space``)."""
    return serve_port + 2 if serve_port else 0


@contextlib.contextmanager
def start_hub(
    mode: str, origins: list[str], project: Path, port: int = 0, space: bool = False
) -> Iterator[Hub]:
    """The hub for ``mode``, running for the duration of the ``with`` block when local.

    ``port`` is the one to try first; when it is taken, any free one is used. ``origins`` are
    those the site is served from, the first the one its pages name.
    """
    if mode != "local":
        yield Hub(mode)
        return
    if not _local_hub_available():
        raise ShinmunError("the local test hub is not installed", hint="use --hub huggingface")
    from ..hub import HubServer  # only ``--hub local`` pays for importing it

    try:
        config = load_config(project)
        base_path, title = config.base_path, config.title
    except ShinmunError:
        base_path, title = "", "The blog"
    try:
        server = HubServer(port=port)
    except OSError:
        server = HubServer()
    user = server.settings.user
    who = f"@{user.preferred_username} ({user.name})"
    with server:
        if not space:
            client_id = f"{origins[0]}{base_path}/{CIMD_FILE}"
            yield Hub(mode, server.url, hub_variables(server.url, client_id), user=who)
            return
        from ..hub import Client

        # The app Hugging Face makes for a Space: any page of the Space may be its redirect.
        server.settings.clients[SPACE_CLIENT_ID] = Client(
            SPACE_CLIENT_ID, f"{title} (Space)", origins=list(origins)
        )
        variables = {**hub_variables(server.url, ""), "HF_OPENID_PROVIDER_URL": ""}
        injected = {
            "OAUTH_CLIENT_ID": SPACE_CLIENT_ID,
            "OAUTH_SCOPES": SPACE_SCOPES,
            "OPENID_PROVIDER_URL": server.url,
        }
        yield Hub(mode, server.url, variables, injected, user=who)
