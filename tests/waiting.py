"""The waits the tests need: past the engine's "racily clean" window, and until a condition
holds (state with no event to wait on), so no test sleeps a guessed time."""

from __future__ import annotations

import time
from collections.abc import Callable

from shinmun_hf.incremental.freshness import RACY_MARGIN_NS

__all__ = ["settle", "wait_until"]


def settle() -> None:
    """Wait until no file written so far is "racily clean" for the next build: changed so
    close to its start that the build after it reads the file again whatever the cache says.
    (Twice the margin, as an author's save is: well outside it, however the clock ticks.)"""
    time.sleep(RACY_MARGIN_NS / 1e9 * 2)


def wait_until(condition: Callable[[], object], timeout: float, poll: float = 0.01) -> bool:
    """Poll ``condition`` until it holds (True) or ``timeout`` seconds pass (False): the
    caller says what not holding means (``assert wait_until(...), "why"``, or a clean-up)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll)
    return True
