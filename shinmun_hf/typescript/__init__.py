"""TypeScript components: bundled with esbuild (through the ``deno`` wheel), type-checked with
``deno check``, and written with a tiny built-in JSX runtime instead of React."""

from .bundler import JSX_RUNTIME_DIR, CompileError, ComponentBundler
from .esbuild import ESBUILD_VERSION, find_esbuild
from .typecheck import typecheck

__all__ = [
    "ESBUILD_VERSION",
    "JSX_RUNTIME_DIR",
    "CompileError",
    "ComponentBundler",
    "find_esbuild",
    "typecheck",
]
