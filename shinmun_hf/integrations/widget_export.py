"""``shinmun widget export DIR``: the prebuilt widget for any HTML page (Hugo, Jekyll,
hand-written), and the snippet to paste with the sign-in notes that apply.

``DIR`` is the folder the site's generator publishes as the site root (Hugo's ``static/``,
Jekyll's project folder, or the built site itself). It gets the widget, the sign-in callback
page and, with ``--client-id cimd``, the client metadata document.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..project.oauth_client import CALLBACK_PATH, CIMD, CIMD_FILE
from .site_files import WidgetSettings

__all__ = ["export_widget", "notes", "snippet"]


def export_widget(directory: Path, settings: WidgetSettings) -> list[str]:
    """Write the files into ``directory``; returns their paths below it."""
    files = settings.files()
    root = directory.resolve()
    for relative, data in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(data)
        temporary.replace(target)  # whole files only, even if interrupted
    return sorted(files)


def snippet(settings: WidgetSettings) -> str:
    """What to paste into a page: the head part once per page, then the element."""
    return (
        "<!-- in the page's <head> -->\n"
        '<meta name="referrer" content="no-referrer">\n'
        f"{settings.variables_tag()}\n"
        f'<script type="module" src="{escape(settings.widget_url())}"></script>\n'
        "<!-- where the widget goes -->\n"
        "<hf-chat></hf-chat>"
    )


def notes(settings: WidgetSettings) -> list[str]:
    """The sign-in set-up this configuration still needs, in words."""
    site = settings.site_url.rstrip("/") or "https://YOUR-SITE"
    callback = f"{site}/{CALLBACK_PATH}"
    client_id = settings.client_id.strip()
    found: list[str] = [
        "Publish the folder's files at the site's root (Hugo: static/; Jekyll: the project "
        "folder; a plain site: next to its pages)."
    ]
    if client_id == CIMD:
        found += [
            f"No app to register: Hugging Face reads the client metadata document at "
            f"{site}/{CIMD_FILE} (https only) and sends sign-ins back to {callback}.",
            "Jekyll skips folders starting with a dot: add `include: [.well-known]` to "
            "_config.yml. GitHub Pages serves the document as application/octet-stream.",
            "Whether Hugging Face reads a document below a path (a GitHub Pages project site) "
            "is undocumented: if sign-in fails there, use a registered app.",
            *settings.warnings(),
        ]
    elif client_id:
        found.append(
            f"Register {callback} as your OAuth app's redirect URL on "
            "https://huggingface.co/settings/connected-applications, with the scopes "
            f"{settings.scopes or 'openid profile inference-api'}."
        )
    else:
        found.append(
            "No client id: this works as it is on a static Hugging Face Space with "
            "`hf_oauth: true`. Elsewhere, export again with --client-id cimd --site-url "
            "https://YOUR-SITE, or with a registered app's client id."
        )
    return found
