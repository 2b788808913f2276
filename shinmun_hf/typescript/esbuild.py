"""Finding and running esbuild without asking users to install Node.js.

Order of precedence: ``ESBUILD_BINARY_PATH``, an ``esbuild`` on ``PATH``, then the pinned
release run through Deno, which comes from PyPI as the ``deno`` wheel. Deno fetches
``npm:esbuild@<version>`` (and its native ``@esbuild/<platform>`` package) from the npm registry
once, checks every file against the registry's integrity hashes, and caches it in its own cache
(``DENO_DIR``, by default ``~/.cache/deno``). The PyPI package called ``esbuild`` is not used: it
downloads an old esbuild at run time with TLS verification switched off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from ..errors import BuildError

__all__ = ["ESBUILD_VERSION", "Esbuild", "deno_binary", "find_esbuild"]

ESBUILD_VERSION = "0.28.0"
OFFLINE_HINT = (
    "the first build fetches it from the npm registry (once, then it is cached); "
    "when offline, set ESBUILD_BINARY_PATH to an esbuild binary or put one on PATH"
)


@dataclass(frozen=True)
class Esbuild:
    """A runnable esbuild: the command that starts it, and its version."""

    command: tuple[str, ...]
    version: str

    def run(self, arguments: list[str], *, cwd: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.command, *arguments],
            capture_output=True,
            text=True,
            cwd=cwd,
            env={**os.environ, "NO_COLOR": "1"},
            check=False,
        )


def deno_binary() -> str:
    """The ``deno`` executable of the ``deno`` wheel (or one on PATH)."""
    try:
        import deno

        return str(deno.find_deno_bin())
    except (ImportError, FileNotFoundError, RuntimeError):
        found = shutil.which("deno")
        if found:
            return found
    raise BuildError(
        "TypeScript components need esbuild, run through Deno, but Deno is not installed",
        hint="pip install deno, or set ESBUILD_BINARY_PATH",
    )


@lru_cache(maxsize=1)
def find_esbuild() -> Esbuild:
    """The esbuild to use (see the module docstring); raises a BuildError saying what to do."""
    override = os.environ.get("ESBUILD_BINARY_PATH")
    if override:
        return _probe((override,), f"ESBUILD_BINARY_PATH={override}")
    on_path = shutil.which("esbuild")
    if on_path:
        return _probe((on_path,), on_path)
    command = (deno_binary(), "run", "--allow-all", "--quiet", f"npm:esbuild@{ESBUILD_VERSION}")
    return _probe(command, f"esbuild {ESBUILD_VERSION} through Deno")


def _probe(command: tuple[str, ...], described: str) -> Esbuild:
    try:
        done = subprocess.run(
            [*command, "--version"], capture_output=True, text=True, timeout=300, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError(f"could not start {described}: {exc}", hint=OFFLINE_HINT) from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BuildError(
            f"could not run {described}: {detail[-1] if detail else 'no output'}",
            hint=OFFLINE_HINT,
        )
    return Esbuild(command, done.stdout.strip())
