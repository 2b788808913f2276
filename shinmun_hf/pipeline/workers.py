"""Worker processes for parallel builds, which never outlive the build that started them.

Workers are forked so that they inherit the prepared render job instead of receiving it
pickled. A forked worker whose parent dies (SIGTERM while the pool is still forking, a crash,
``kill -9``) would otherwise wait forever on a queue that only it still holds open, and keep the
parent's stdout and stderr open with it: whoever reads the build's output would hang. On Linux
the kernel ends such a worker (``PR_SET_PDEATHSIG``); elsewhere it notices at its next task.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import concurrent.futures

__all__ = ["fork_pool"]

_PR_SET_PDEATHSIG = 1


def fork_pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    """A pool of ``workers`` forked processes that die with this process."""
    # Imported here: a build that renders too little to fork (a one-post edit) never imports it.
    import concurrent.futures
    import multiprocessing

    return concurrent.futures.ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )


def _die_with_parent(parent: int) -> None:
    # The parent's SIGTERM handler cleans up the build; a worker just stops.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.enable()  # forked while the parent loads with the collector off (Builder.build)
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
