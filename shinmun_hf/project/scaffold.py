"""``shinmun init``: a new blog made from the example blog at the repository root.

The example blog (the repository root's ``config.yml``, ``content/``, ``layouts/`` and
``public/``) is the only copy there is. A checkout (editable install) reads it in place; a wheel
carries it as ``shinmun_hf/_blog``, copied there at build time by :mod:`shinmun_hf._build_hook`,
which reads :data:`BLOG_ENTRIES` from this file so the two never disagree.

``config.yml`` is the one file not copied verbatim: it is written from the config schema, so
every key appears with its help text, and a key the example does not set still appears,
commented out with its default. A key added to the schema can therefore never be missing from a
new blog's config.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ..errors import ShinmunError

__all__ = ["BLOG_ENTRIES", "create_blog", "example_blog", "render_config", "title_from_folder"]

BLOG_ENTRIES = ("config.yml", "content", "layouts", "public")
"""What a blog consists of, relative to the example blog's root (read by the build hook too)."""

SKIPPED_NAMES = frozenset({"__pycache__", "node_modules", ".DS_Store"})
ALLOWED_IN_TARGET = frozenset({".git"})
"""What may already be in the target folder: ``git init blog && shinmun init blog`` works."""

GITIGNORE = "_site/\n.shinmun-cache/\n"

CONFIG_HEADER = """\
# Settings of this blog. Every key is optional: a missing key takes the default named in its
# comment. Check the site with `shinmun check`; publish it as described on the docs/deploy page.
"""

CONFIG_NOTES: dict[str, tuple[str, ...]] = {
    "site_url": (
        "Scheme and host only, e.g. https://USER.github.io or https://OWNER-SPACE.hf.space.",
    ),
    "base_path": ('"" at the root of the host; "/REPO" for a GitHub Pages project site.',),
    "nav": ("Each url is a path in the site (without base_path) or a full https:// address.",),
    "permalink": ("Placeholders: {year}, {month}, {day} and {slug}.",),
    "variables": (
        "Never put secrets here: every value is public. Override one per environment with",
        "SHINMUN_VAR_<KEY>, e.g. SHINMUN_VAR_HF_OAUTH_CLIENT_ID. HF_OAUTH_CLIENT_ID: cimd needs no",
        "app on huggingface.co: the site publishes its own client metadata at site_url. A client",
        "id of a registered app works too; empty, a static Space's own app is used.",
    ),
}


def example_blog() -> Path:
    """The folder holding the example blog: bundled in the wheel, else the checkout's root."""
    package = Path(__file__).resolve().parent.parent
    for root in (package / "_blog", package.parent):
        if all((root / name).exists() for name in BLOG_ENTRIES):
            return root
    raise ShinmunError(
        f"the example blog is missing from this installation of shinmun-hf ({package})",
        hint="reinstall shinmun-hf from a wheel or a git checkout",
    )


IDENTITY_KEYS = ("title", "description", "author", "site_url")
"""What makes the example blog the example blog: a new blog gets its own or none."""


def title_from_folder(name: str) -> str:
    """``my-cool_blog`` -> ``My cool blog``: the default title of a blog made in that folder."""
    words = " ".join(name.replace("-", " ").replace("_", " ").split())
    return (words[:1].upper() + words[1:]) or "My blog"


def create_blog(
    target: Path, source: Path | None = None, identity: dict[str, str] | None = None
) -> list[Path]:
    """Make a new blog in ``target`` (absent or empty) from ``source``; returns the files made.

    ``identity`` sets title, description, author and site_url; the example blog's own are
    never copied (a missing one is left commented out at its default, except the title, which
    comes from the folder's name).

    Everything is written into a staging folder beside ``target`` first, then moved in, so a
    failure half-way leaves no half-made blog behind.
    """
    source = source or example_blog()
    _check_target(target)
    values = {k: v for k, v in _load_values(source / "config.yml").items()}
    for key in IDENTITY_KEYS:
        values.pop(key, None)
    values["title"] = title_from_folder(target.name)
    values.update({key: value for key, value in (identity or {}).items() if value})
    ordered = {key: values[key] for key in IDENTITY_KEYS if key in values}
    values = {**ordered, **values}
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.init-", dir=target.parent))
    try:
        for name in BLOG_ENTRIES:
            if name == "config.yml":
                continue
            path = source / name
            if path.is_dir():
                shutil.copytree(path, staging / name, ignore=_ignored)
            else:
                shutil.copy2(path, staging / name)
        (staging / "config.yml").write_text(render_config(values), encoding="utf-8")
        (staging / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        made = sorted(p.relative_to(staging) for p in _files(staging))
        for entry in staging.iterdir():
            os.replace(entry, target / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [target / p for p in made]


def render_config(values: dict[str, Any]) -> str:
    """``config.yml`` text: every schema key with its help, set ones from ``values``.

    Keys of ``values`` the schema does not know are kept at the end, so nothing the example
    blog sets is lost.
    """
    from .config import SCHEMA  # the schema pulls in zoneinfo and friends: only when needed

    parts = [CONFIG_HEADER]
    for key, option in SCHEMA.items():
        default = option.default() if callable(option.default) else option.default
        comment = option.help or key
        if default not in (None, "", [], {}):
            comment += f" Default: {_inline(default)}."
        lines = [f"# {comment}", *(f"# {note}" for note in CONFIG_NOTES.get(key, ()))]
        if key in values:
            lines.append(_dump({key: values[key]}))
        else:
            shown = default if default is not None else ""
            lines.append("\n".join(f"# {line}" for line in _dump({key: shown}).splitlines()))
        parts.append("\n".join(lines) + "\n")
    extra = {k: v for k, v in values.items() if k not in SCHEMA}
    if extra:
        parts.append("# Other keys, readable from layouts as config.extra.\n" + _dump(extra) + "\n")
    return "\n".join(parts)


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise ShinmunError(
            f"{target} is a file", hint="choose a new folder name for the blog, e.g. my-blog"
        )
    if target.is_dir():
        present = sorted(p.name for p in target.iterdir() if p.name not in ALLOWED_IN_TARGET)
        if present:
            shown = ", ".join(present[:3]) + (", ..." if len(present) > 3 else "")
            raise ShinmunError(
                f"{target} is not empty (it holds {shown})",
                hint="choose a new or empty folder; init never overwrites files",
            )


def _load_values(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return data if isinstance(data, dict) else {}


def _dump(mapping: dict[str, Any]) -> str:
    return yaml.safe_dump(
        mapping, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    ).rstrip("\n")


def _inline(value: Any) -> str:
    return (
        yaml.safe_dump(value, default_flow_style=True, allow_unicode=True)
        .strip()
        .removesuffix("\n...")
        .removesuffix(" ...")
    )


def _ignored(directory: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIPPED_NAMES or n.startswith(".")}


def _files(root: Path) -> Iterator[Path]:
    for directory, _dirs, files in os.walk(root):
        for name in files:
            yield Path(directory, name)
