"""Finding and running esbuild without asking users to install Node.js.

Order of precedence: ``ESBUILD_BINARY_PATH``, an ``esbuild`` on ``PATH``, then the pinned
release run through Deno, which comes from PyPI as the ``deno`` wheel::

    deno run --no-config --lock=esbuild-lock.json --frozen -A npm:esbuild@0.28.2

The first run fetches ``esbuild`` and its native ``@esbuild/<platform>`` package from the npm
registry (about 11 MB, once per machine) and Deno keeps them in its cache: ``DENO_DIR``, by
default ``~/.cache/deno`` on Linux, ``~/Library/Caches/deno`` on macOS and
``%LOCALAPPDATA%\\deno`` on Windows. The tarballs are verified against the sha512 hashes pinned
in ``esbuild-lock.json`` (shipped in this package, ``--frozen``), not merely against what the
registry says, so a tampered registry or mirror cannot slip in another binary. ``--no-config``
keeps a project's own ``deno.json`` or ``package.json`` out of it. Offline before that first
fetch, the build stops with "could not fetch esbuild ... from the npm registry" and says how to
point at an esbuild of one's own.

The PyPI package called ``esbuild`` is not used: it downloads an old esbuild at run time with
TLS verification switched off.

To move to another esbuild release, change ``ESBUILD_VERSION``, delete ``esbuild-lock.json`` and
run the ``deno run`` line above without ``--frozen``: Deno writes the new lock file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import BuildError

__all__ = [
    "ESBUILD_VERSION",
    "LOCK_FILE",
    "Esbuild",
    "EsbuildUnavailable",
    "deno_binary",
    "find_esbuild",
    "tool_environment",
]

ESBUILD_VERSION = "0.28.2"
LOCK_FILE = Path(__file__).resolve().parent / "esbuild-lock.json"
OWN_ESBUILD_HINT = (
    "set ESBUILD_BINARY_PATH to an esbuild binary or put esbuild on PATH; otherwise Deno "
    "fetches it once from the npm registry and caches it (DENO_DIR, by default ~/.cache/deno)"
)
FETCH_FAILURE = re.compile(
    r"Failed caching npm package|error sending request|Could not find npm package|"
    r"failed to fetch|dns error|Import '[^']*' failed",
    re.I,
)


class EsbuildUnavailable(BuildError):
    """esbuild could not be started (not fetched yet and offline, broken override, ...)."""


def tool_environment() -> dict[str, str]:
    """The environment for deno and esbuild: plain output, and no update check or prompt."""
    return {
        **os.environ,
        "NO_COLOR": "1",
        "DENO_NO_UPDATE_CHECK": "1",
        "DENO_NO_PROMPT": "1",
        "RUST_BACKTRACE": "0",
    }


@dataclass(frozen=True)
class Esbuild:
    """A runnable esbuild: the command that starts it, its version and how it was found."""

    command: tuple[str, ...]
    version: str
    through_deno: bool

    @property
    def identity(self) -> str:
        """What the bundle cache keys on: the version, and which binary produced it."""
        return f"{self.version} {'deno' if self.through_deno else self.command[0]}"

    def run(self, arguments: list[str], *, cwd: Path) -> subprocess.CompletedProcess[str]:
        """Run esbuild; raises :class:`EsbuildUnavailable` when esbuild itself did not start."""
        try:
            done = subprocess.run(
                [*self.command, *arguments],
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                cwd=cwd,
                env=tool_environment(),
                check=False,
            )
        except OSError as exc:
            raise self._unavailable(str(exc)) from None
        output = done.stderr + done.stdout
        if done.returncode != 0 and "[ERROR]" not in output:
            raise self._unavailable(output)  # not a diagnostic of esbuild's: it never ran
        return done

    def _unavailable(self, output: str) -> EsbuildUnavailable:
        reason = _reason(output)
        if not self.through_deno:
            return EsbuildUnavailable(
                f"could not run esbuild ({self.command[0]}): {reason}",
                hint="check ESBUILD_BINARY_PATH or the esbuild on PATH",
            )
        if "checksum did not match" in output:
            return EsbuildUnavailable(
                f"esbuild {self.version} from the npm registry failed verification: {reason}",
                hint="the download does not match the hash pinned by shinmun-hf; check your "
                "registry or proxy (NPM_CONFIG_REGISTRY), or " + OWN_ESBUILD_HINT,
            )
        if FETCH_FAILURE.search(output):
            return EsbuildUnavailable(
                f"could not fetch esbuild {self.version} from the npm registry: {reason}",
                hint=OWN_ESBUILD_HINT,
            )
        return EsbuildUnavailable(
            f"could not run esbuild {self.version} through Deno: {reason}", hint=OWN_ESBUILD_HINT
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
    raise EsbuildUnavailable(
        "TypeScript components need Deno (to run esbuild and the type checker), "
        "but it is not installed",
        hint="pip install deno, or set ESBUILD_BINARY_PATH",
    )


def find_esbuild() -> Esbuild:
    """The esbuild to use (see the module docstring).

    Nothing is started for the pinned release: a failed fetch shows up on the first
    :meth:`Esbuild.run`. An override is asked for its version (a few milliseconds), which the
    bundle cache keys on.
    """
    override = os.environ.get("ESBUILD_BINARY_PATH") or shutil.which("esbuild")
    if override:
        try:
            stamp = os.stat(override).st_mtime_ns  # a replaced binary is asked again
        except OSError:
            stamp = 0
        return _probe(override, stamp)
    command = (
        deno_binary(),
        "run",
        "--no-config",
        f"--lock={LOCK_FILE}",
        "--frozen",
        "--allow-all",
        "--quiet",
        f"npm:esbuild@{ESBUILD_VERSION}",
    )
    return Esbuild(command, ESBUILD_VERSION, through_deno=True)


@lru_cache(maxsize=8)
def _probe(binary: str, stamp: int) -> Esbuild:
    unknown = Esbuild((binary,), "unknown", through_deno=False)
    try:
        done = subprocess.run(
            [binary, "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            env=tool_environment(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise unknown._unavailable(str(exc)) from None
    if done.returncode != 0:
        raise unknown._unavailable(done.stderr + done.stdout)
    return Esbuild((binary,), done.stdout.strip(), through_deno=False)


def _reason(output: str) -> str:
    """The telling line of a failure: Deno's first cause, else its error line, else the last."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if "Caused by:" in lines:
        causes = lines[lines.index("Caused by:") + 1 :]
        if causes:
            return re.sub(r"^\d+:\s*", "", causes[0])
    for line in lines:
        if line.startswith("error:"):
            return line.removeprefix("error:").strip()
    return lines[-1] if lines else "no output"
