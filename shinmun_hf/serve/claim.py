"""One ``shinmun serve`` per output folder: a second one is refused, naming the first.

Two servers building into one folder take turns replacing each other's pages: the second's
build rewrites the first's hub address and model, and once the second stops, sign-in on the
first fails. So a server holds a lock on its folder for as long as it runs, in a file in the
project's cache (never outside the project), which records who holds it. The operating system
releases the lock when the process ends, however it ends: a crashed server leaves no stale
lock behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import ShinmunError
from ..incremental.manifest import CACHE_DIR

__all__ = ["claim_folder"]

LOCKS = Path(CACHE_DIR, "serve", "locks")


@contextlib.contextmanager
def claim_folder(project: Path, out: Path, url: str) -> Iterator[None]:
    """Hold ``out`` for this server (at ``url``) until the block ends; raise if another has it."""
    try:
        import fcntl
    except ImportError:  # (Windows: no advisory locks; two servers there are not refused)
        yield
        return
    folder = project / LOCKS
    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.blake2b(str(out).encode(), digest_size=8).hexdigest()
    descriptor = os.open(folder / f"{key}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _taken(project, out, _holder(descriptor)) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, json.dumps({"pid": os.getpid(), "url": url}).encode(), 0)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _holder(descriptor: int) -> dict[str, object]:
    try:
        data = json.loads(os.pread(descriptor, 4096, 0) or b"{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _taken(project: Path, out: Path, holder: dict[str, object]) -> ShinmunError:
    try:
        shown = out.relative_to(project).as_posix()
    except ValueError:
        shown = str(out)
    who = "another shinmun serve"
    if holder.get("url"):
        who += f" at {holder['url']}"
    if holder.get("pid"):
        who += f", process {holder['pid']},"
    return ShinmunError(
        f"{who} already builds into {shown}: two servers there would overwrite each other's pages",
        hint="use that one, stop it first, or give this one a folder of its own with --out DIR",
    )
