"""``shinmun build --space``: the built folder becomes a static Hugging Face Space as is.

A Space is configured by the YAML block at the top of its ``README.md``. With ``sdk: static`` and
``hf_oauth: true`` Hugging Face creates an OAuth app for the Space and injects its client id into
every page as ``window.huggingface.variables.OAUTH_CLIENT_ID``, which the sign-in widget reads:
no client id has to be configured or committed. ``hf_oauth_scopes`` adds ``inference-api`` to
the always-granted ``openid profile`` so the widget may call Inference Providers for the visitor.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import ShinmunError
from .project.config import Config
from .writer import write_file_atomically

__all__ = [
    "SPACE_SCOPES",
    "check_space_project",
    "is_space_address",
    "remove_space_readme",
    "space_metadata",
    "space_readme",
    "write_space_readme",
]

SPACE_SCOPES = ("inference-api",)
"""Scopes on top of ``openid profile`` (which a Space always grants): what the widget needs."""
SHORT_DESCRIPTION_LIMIT = 60
"""The Hub rejects a longer ``short_description``."""
README = "README.md"
SIGNATURE = "Made by `shinmun build --space`"
"""The line that tells the Space README this command wrote from any other README.md."""


def space_metadata(config: Config) -> dict[str, Any]:
    """The Space's configuration block, from the site's config."""
    metadata: dict[str, Any] = {
        "title": config.title,
        "emoji": "📝",
        "colorFrom": "blue",
        "colorTo": "indigo",
        "sdk": "static",
        "app_file": "index.html",
        "pinned": False,
        "hf_oauth": True,
        "hf_oauth_scopes": list(SPACE_SCOPES),
    }
    if config.description:
        metadata["short_description"] = _cut(config.description, SHORT_DESCRIPTION_LIMIT)
    return metadata


def space_readme(config: Config) -> str:
    """The whole ``README.md``: the metadata block and a few words for the Space's file view."""
    import yaml  # (here: every build imports this module, a build with nothing to do too)

    block = yaml.safe_dump(space_metadata(config), allow_unicode=True, sort_keys=False, width=1000)
    body = [f"# {config.title}", ""]
    if config.description:
        body += [config.description, ""]
    body += [
        "The static build of a shinmun-hf blog. The Space signs visitors in with Hugging Face",
        "(`hf_oauth: true`) and injects its OAuth client id into every page, where the blog's",
        "sign-in widget picks it up.",
        "",
        f"{SIGNATURE}: edit the blog's sources and rebuild, not this folder.",
    ]
    return f"---\n{block}---\n\n" + "\n".join(body) + "\n"


def check_space_project(project: Path) -> None:
    """Refuse before building, so a failing ``--space`` build leaves the old site alone."""
    if (project / "public" / README).exists():
        raise ShinmunError(
            "public/README.md would be replaced by the Space's README.md",
            file="public/README.md",
            hint="rename or remove it, or build without --space",
        )


def write_space_readme(project: Path, out: Path, config: Config, warnings: list[str]) -> bool:
    """Write ``out/README.md`` atomically; adds a warning for settings a Space cannot honour.

    Returns whether the file was written (False: it already held these bytes)."""
    check_space_project(project)
    if config.base_path:
        warnings.append(
            f"config.yml: base_path is {config.base_path}, but a Space serves the site at the "
            'root of its own host: set base_path: "" for the Space build'
        )
    if not is_space_address(config.site_url):
        warnings.append(
            f"config.yml: site_url is {config.site_url}, not the Space's address, so canonical "
            "and Open Graph links, feeds and the sitemap point there: set site_url to "
            "https://OWNER-SPACE.hf.space, the address the Space's 'Embed this Space' menu shows"
        )
    target = out / README
    data = space_readme(config).encode()
    if target.is_file() and target.read_bytes() == data:
        return False
    write_file_atomically(target, data)
    return True


def is_space_address(url: str) -> bool:
    """Whether ``url`` is where Hugging Face serves a static Space: ``https://*.hf.space``."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    return parts.scheme == "https" and host.endswith(".hf.space") and host != ".hf.space"


def remove_space_readme(project: Path, out: Path) -> bool:
    """A build without ``--space`` leaves no Space README behind from an earlier one (the
    site's own ``public/README.md``, copied in, is left alone). Returns whether it removed one."""
    target = out / README
    if (project / "public" / README).exists() or not target.is_file():
        return False
    if SIGNATURE in target.read_text(encoding="utf-8", errors="replace"):
        target.unlink()
        return True
    return False


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
