"""``shinmun check``: the TypeScript checker over every embedded component (``deno check``).

esbuild strips types without checking them, so type errors would otherwise reach the browser.
The checker runs with the DOM libraries, strict mode and the built-in JSX runtime's types.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..components import ComponentRef
from ..errors import BuildError
from .bundler import JSX_IMPORT_SOURCE, JSX_RUNTIME_DIR, ComponentBundler
from .esbuild import deno_binary

__all__ = ["typecheck"]

DIAGNOSTIC = re.compile(
    r"(?P<code>TS\d+) \[ERROR\]: (?P<message>.+?)\n.*?at (?P<url>file://\S+?):(?P<line>\d+):"
    r"(?P<column>\d+)",
    re.S,
)


def typecheck(project_root: Path, refs: Iterable[ComponentRef]) -> int:
    """Type-check the components of ``refs``; returns how many files were checked.

    Raises a :class:`BuildError` naming the first error's file, line and column (and the content
    file that embeds it), with the number of errors.
    """
    project = project_root.resolve()
    bundler = ComponentBundler(project, project / ".shinmun-cache" / "components")
    with tempfile.TemporaryDirectory(prefix="shinmun-check-") as scratch:
        files: dict[Path, ComponentRef] = {}
        for ref in refs:
            if ref.path is not None:
                files.setdefault(bundler.source_path(ref), ref)
            else:
                inline = Path(scratch, f"inline-{len(files)}.tsx")
                inline.write_text(ref.code or "", encoding="utf-8")
                files[inline] = ref
        if not files:
            return 0
        config = Path(scratch, "deno.json")
        config.write_text(
            json.dumps(
                {
                    "compilerOptions": {
                        "strict": True,
                        "lib": ["dom", "dom.iterable", "esnext"],
                        "jsx": "react-jsx",
                        "jsxImportSource": JSX_IMPORT_SOURCE,
                    },
                    "imports": {
                        f"{JSX_IMPORT_SOURCE}/jsx-runtime": (
                            JSX_RUNTIME_DIR / "jsx-runtime.ts"
                        ).as_uri(),
                    },
                }
            ),
            encoding="utf-8",
        )
        done = subprocess.run(
            [
                deno_binary(),
                "check",
                "--quiet",
                "--no-lock",
                f"--config={config}",
                *map(str, files),
            ],
            capture_output=True,
            text=True,
            cwd=project,
            check=False,
            env={**os.environ, "NO_COLOR": "1"},
        )
    if done.returncode == 0:
        return len(files)
    output = done.stderr + done.stdout
    diagnostics = list(DIAGNOSTIC.finditer(output))
    if not diagnostics:
        raise BuildError(f"type check failed: {output.strip()[:500]}")
    first = diagnostics[0]
    path = Path(first.group("url").removeprefix("file://"))
    shown = path.relative_to(project).as_posix() if path.is_relative_to(project) else str(path)
    ref = files.get(path) or next(iter(files.values()))
    more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
    raise BuildError(
        f"type error in {shown}:{first.group('line')}:{first.group('column')}: "
        f"{first.group('code')} {first.group('message').strip()}{more}",
        file=ref.source,
        line=ref.line,
    )
