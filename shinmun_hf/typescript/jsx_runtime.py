"""Which JSX runtime a component's JSX is compiled for.

Components get the project's own DOM runtime (``shinmun-jsx``: JSX makes real DOM nodes) by
default. A component that imports React (Shinmun's own ``public/apps/*.tsx`` do: ``react`` and
``react-dom/client``, mounted with ``createRoot``) gets React's automatic runtime, or its
elements would be DOM nodes handed to React (React error #31, "reading 'useState'"). A
``jsxImportSource`` in a ``tsconfig.json`` or ``jsconfig.json`` (the nearest one up from the
file) is the project's own choice and wins over both (``preact``, ``solid-js``...).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..components import ComponentRef

__all__ = ["REACT", "imports_react", "jsx_import_source", "missing_react_hint"]

REACT = "react"
REACT_IMPORT = re.compile(
    r"""(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']react(?:-dom)?(?:/[^"']*)?["']"""
)
CONFIGURED = re.compile(r'"jsxImportSource"\s*:\s*"(?P<source>[^"]+)"')
CONFIG_NAMES = ("tsconfig.json", "jsconfig.json")
UNRESOLVED_REACT = re.compile(r'Could not resolve "react(?:-dom)?(?:/[^"]*)?"')


def imports_react(code: str) -> bool:
    return REACT_IMPORT.search(code) is not None


def jsx_import_source(project: Path, ref: ComponentRef, default: str) -> str:
    """The runtime for ``ref``'s JSX: the configured one, React's, or ``default``."""
    if ref.path is None:
        folder, code = project, ref.code or ""
    else:
        path = (project / ref.path).resolve()
        folder = path.parent
        try:
            code = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            code = ""
    configured = _configured(project, folder)
    if configured:
        return configured
    return REACT if imports_react(code) else default


def _configured(project: Path, folder: Path) -> str | None:
    """The ``jsxImportSource`` of the nearest config file from ``folder`` up to the project."""
    while folder.is_relative_to(project):
        for name in CONFIG_NAMES:
            try:
                text = (folder / name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            found = CONFIGURED.search(text)
            if found:
                return found["source"]
        if folder == project:
            break
        folder = folder.parent
    return None


def missing_react_hint(message: str) -> str | None:
    """What to install when esbuild could not find React, else None."""
    if UNRESOLVED_REACT.search(message) is None:
        return None
    return (
        "the component imports React, which is not installed in the project: run "
        "'npm install react react-dom' in the project folder (it makes package.json and "
        "node_modules/ beside config.yml)"
    )
