"""TypeScript components: bundled with esbuild (run through the ``deno`` wheel), type-checked
with ``deno check``, and written with a tiny built-in JSX runtime instead of React.

The engine calls ``ComponentBundler(project, cache_dir, dev=...).build(refs)`` once per build
and ``typecheck(project, refs)`` for ``shinmun check``; see :mod:`.bundler` for how components
mount and :mod:`.esbuild` for how esbuild is fetched and verified.
"""

from .bundler import JSX_IMPORT_SOURCE, JSX_RUNTIME_DIR, CompileError, ComponentBundler
from .esbuild import ESBUILD_VERSION, Esbuild, EsbuildUnavailable, find_esbuild
from .typecheck import typecheck

__all__ = [
    "ESBUILD_VERSION",
    "JSX_IMPORT_SOURCE",
    "JSX_RUNTIME_DIR",
    "CompileError",
    "ComponentBundler",
    "Esbuild",
    "EsbuildUnavailable",
    "find_esbuild",
    "typecheck",
]
