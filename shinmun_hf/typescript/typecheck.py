"""``shinmun check``: the TypeScript checker over every embedded component (``deno check``).

esbuild strips types without checking them, so type errors would otherwise reach the browser.
The checker runs strict, with the DOM libraries (``dom``, ``dom.iterable``, ``esnext``) and the
built-in JSX runtime as the JSX import source, from a generated configuration (the project's own
``deno.json``, if any, is not consulted). Files are checked where they are, so their imports
resolve as in the bundle.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from ..components import ComponentRef
from ..errors import BuildError
from .bundler import JSX_IMPORT_SOURCE, JSX_RUNTIME_DIR
from .esbuild import deno_binary, tool_environment
from .jsx_runtime import jsx_import_source
from .sources import component_path, inline_position

__all__ = ["typecheck"]

DIAGNOSTIC = re.compile(
    r"(?P<code>TS\d+) \[ERROR\]: (?P<message>.+?)\n.*?at (?P<url>file://\S+?):(?P<line>\d+):"
    r"(?P<column>\d+)",
    re.S,
)


def typecheck(project_root: Path, refs_or_paths: Iterable[ComponentRef | str | Path]) -> int:
    """Type-check components, given as refs or as project-relative paths; returns how many
    files were checked.

    Raises a :class:`BuildError` with the first error's ``file:line:col``, TypeScript code and
    message (and how many more there are); its ``file``/``line`` are the content file and line
    that embed the component (for a plain path, the file itself).
    """
    project = project_root.resolve()
    with tempfile.TemporaryDirectory(prefix="shinmun-check-") as temporary:
        scratch = Path(temporary).resolve()  # as deno reports it (no /tmp symlink)
        files: dict[Path, ComponentRef | None] = {}
        for item in refs_or_paths:
            if isinstance(item, ComponentRef) and item.path is None:
                inline = scratch / f"inline-{len(files)}.tsx"
                inline.write_text(item.code or "", encoding="utf-8")
                files[inline] = item
            elif isinstance(item, ComponentRef):
                files.setdefault(component_path(project, item), item)
            else:
                ref = ComponentRef(mount_id="", source=str(item), line=0, path=str(item))
                try:
                    files.setdefault(component_path(project, ref), None)
                except BuildError as error:
                    raise BuildError(error.message, file=str(item), hint=error.hint) from None
        if not files:
            return 0
        by_runtime: dict[str, list[Path]] = {}  # as the bundler compiles them
        for path, ref in files.items():
            item = ref or ComponentRef("", "", 0, path.relative_to(project).as_posix())
            runtime = jsx_import_source(project, item, JSX_IMPORT_SOURCE)
            by_runtime.setdefault(runtime, []).append(path)
        for number, (runtime, paths) in enumerate(sorted(by_runtime.items())):
            config = scratch / f"deno-{number}.json"
            config.write_text(json.dumps(_deno_config(runtime)), encoding="utf-8")
            _deno_check(project, config, paths, files)
    return len(files)


def _deno_check(
    project: Path, config: Path, paths: list[Path], files: dict[Path, ComponentRef | None]
) -> None:
    done = subprocess.run(
        [
            deno_binary(),
            "check",
            "--quiet",
            "--no-lock",
            # resolve as esbuild does: "./mod" without its extension, and the project's
            # node_modules as they are (no package.json entry, nothing installed)
            "--sloppy-imports",
            "--node-modules-dir=manual",
            f"--config={config}",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        cwd=project,
        check=False,
        env=tool_environment(),
    )
    if done.returncode != 0:
        error = _type_error(project, files, done.stderr + done.stdout)
        untyped = "node_modules/react" in error.message
        if untyped and not (project / "node_modules/@types/react").is_dir():
            error.hint = (
                "React's types are not installed: run 'npm install --save-dev @types/react "
                "@types/react-dom' in the project folder"
            )
        raise error


def _deno_config(runtime: str) -> dict:
    """Strict checking with ``runtime``'s JSX (React's types come from ``@types/react``)."""
    config: dict = {
        "compilerOptions": {
            "strict": True,
            "lib": ["dom", "dom.iterable", "esnext"],
            "jsx": "react-jsx",
            "jsxImportSource": runtime,
        },
    }
    if runtime == JSX_IMPORT_SOURCE:
        runtime_file = (JSX_RUNTIME_DIR / "jsx-runtime.ts").as_uri()
        config["imports"] = {f"{JSX_IMPORT_SOURCE}/jsx-runtime": runtime_file}
    return config


def _type_error(project: Path, files: dict[Path, ComponentRef | None], output: str) -> BuildError:
    diagnostics = list(DIAGNOSTIC.finditer(output))
    # Errors with no location name the first embed.
    fallback = next((r for r in files.values() if r is not None), None)
    if not diagnostics:
        lines = [line for line in output.strip().splitlines() if line.strip()]
        detail = next((line for line in lines if line.startswith("error:")), "")
        message = f"type check failed: {detail or output.strip()[:500]}"
        if fallback is None:
            return BuildError(message)
        return BuildError(message, file=fallback.source, line=fallback.line)
    first = diagnostics[0]
    path = Path(url2pathname(unquote(urlparse(first.group("url")).path)))
    line, column = int(first.group("line")), int(first.group("column"))
    more = len(diagnostics) - 1
    problem = f"{first.group('code')} {first.group('message').strip()}" + (
        f" (and {more} more type error{'s' if more > 1 else ''})" if more else ""
    )
    if path not in files and path.is_relative_to(project):  # a module the components import
        shown = path.relative_to(project).as_posix()
        return BuildError(
            f"type error in {shown}:{line}:{column}: {problem}", file=shown, line=line
        )
    ref = files.get(path, fallback)
    if ref is not None and ref.path is None and path in files:
        return BuildError(
            f"type error in the inline @@typescript block: line {line}, column {column} of "
            f"the code: {problem}",
            file=ref.source,
            line=inline_position(project, ref, line),
        )
    shown = path.relative_to(project).as_posix() if path.is_relative_to(project) else str(path)
    message = f"type error in {shown}:{line}:{column}: {problem}"
    if ref is None:
        return BuildError(message, file=shown, line=line)
    return BuildError(message, file=ref.source, line=ref.line)
