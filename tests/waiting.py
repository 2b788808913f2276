"""The one wait the build tests need: past the engine's "racily clean" window."""

from __future__ import annotations

import time

from shinmun_hf.incremental.freshness import RACY_MARGIN_NS

__all__ = ["settle"]


def settle() -> None:
    """Wait until no file written so far is "racily clean" for the next build: changed so
    close to its start that the build after it reads the file again whatever the cache says.
    (Twice the margin, as an author's save is: well outside it, however the clock ticks.)"""
    time.sleep(RACY_MARGIN_NS / 1e9 * 2)
