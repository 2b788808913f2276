"""The prebuilt ``<hf-chat>`` widget the wheel ships, so the stock widget needs no bundler.

``public/apps/hf-chat-element.tsx`` (and the widget modules it imports) bundled with the
engine's esbuild options plus a source map into ``shinmun_hf/widget/``. The files are committed
and regenerated with ``make widget`` (``python -m shinmun_hf.integrations.widget_bundle``);
a test fails when they differ from a fresh build of the sources. Building them in the wheel
hook instead would make every wheel build fetch and run esbuild.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from ..errors import BuildError
from ..typescript import JSX_IMPORT_SOURCE, find_esbuild
from ..typescript.bundler import OPTIONS, readable_source_map

__all__ = ["SCRIPT", "SHIPPED", "SOURCE", "build_widget", "shipped_widget", "write_widget"]

SOURCE = "public/apps/hf-chat-element.tsx"
"""The element's source, relative to the repository root."""
SCRIPT = "hf-chat.js"
SHIPPED = Path(__file__).resolve().parent.parent / "widget"
"""Where the package keeps the built files."""
REPOSITORY = Path(__file__).resolve().parent.parent.parent


def build_widget(root: Path = REPOSITORY) -> dict[str, bytes]:
    """Bundle the element from the sources under ``root``: file name -> bytes."""
    root = root.resolve()
    esbuild = find_esbuild()
    with tempfile.TemporaryDirectory(prefix="hf-chat-") as temporary:
        out = Path(temporary) / SCRIPT
        done = esbuild.run(
            [
                str(root / SOURCE),
                *OPTIONS,
                f"--jsx-import-source={JSX_IMPORT_SOURCE}",
                "--sourcemap",
                f"--outfile={out}",
            ],
            cwd=root,
        )
        if done.returncode != 0:
            raise BuildError(f"cannot bundle {SOURCE}: {(done.stderr + done.stdout).strip()}")
        source_map = out.with_name(SCRIPT + ".map")
        return {
            SCRIPT: out.read_bytes(),
            SCRIPT + ".map": readable_source_map(source_map, root, source_root="shinmun-hf:///"),
        }


def shipped_widget() -> dict[str, bytes]:
    """The files the package carries (what ``widget export`` and the plugins publish)."""
    files = {name: (SHIPPED / name).read_bytes() for name in (SCRIPT, SCRIPT + ".map")}
    return files


def write_widget(root: Path = REPOSITORY) -> dict[str, bytes]:
    """Rebuild the shipped files from the sources (``make widget``)."""
    files = build_widget(root)
    SHIPPED.mkdir(exist_ok=True)
    for name, data in files.items():
        (SHIPPED / name).write_bytes(data)
    return files


if __name__ == "__main__":
    built = write_widget()
    for name, data in built.items():
        print(f"{SHIPPED / name}: {len(data):,} bytes")
    sys.exit(0)
