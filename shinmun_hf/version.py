"""The engine's identity, part of every cache key and build fingerprint: what another version
of the engine (or of its Markdown renderer) cached is never trusted."""

from __future__ import annotations

from . import __version__
from .markup.settings import RENDERER_VERSION

__all__ = ["ENGINE", "RENDERER_VERSION"]

ENGINE = f"{__version__}/{RENDERER_VERSION}"
