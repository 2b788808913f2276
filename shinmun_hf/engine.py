"""The engine's identity, part of every cache key and build fingerprint: what another version
of the engine (or of its Markdown renderer) cached is never trusted."""

from __future__ import annotations

from . import __version__

__all__ = ["ENGINE", "RENDERER_VERSION"]

RENDERER_VERSION = "11"
"""Part of every cache key: bump when the HTML produced for the same text, or what a cached
entry holds (its digests among it), changes."""

ENGINE = f"{__version__}/{RENDERER_VERSION}"
