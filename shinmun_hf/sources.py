"""A project's content files: found in a stable order, with the stats that stand for them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .deps import digest_of

__all__ = [
    "CONTENT_DIRS",
    "MARKDOWN_SUFFIXES",
    "PAGE",
    "POST",
    "SourceFile",
    "changed_ns",
    "discover",
]

POST = "post"
PAGE = "page"
CONTENT_DIRS = ((POST, "content/posts"), (PAGE, "content/pages"))
MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(slots=True)
class SourceFile:
    path: str
    kind: str
    size: int
    changed_ns: int
    """See :func:`changed_ns`."""


def changed_ns(stat: os.stat_result) -> int:
    """When a file last changed, as its stat tells: the later of its modification time and
    its status-change time. A tool that writes a file and then sets its old modification
    time back (``rsync -t``, ``touch -r``, an editor keeping times) still moves the
    status-change time, which only the kernel sets; git's index checks it too."""
    return max(stat.st_mtime_ns, stat.st_ctime_ns)


def discover(project: Path) -> list[SourceFile]:
    """Every content file, in a stable order (hidden files and folders are skipped).

    ``os.scandir`` with plain strings: on 10,000 posts pathlib's objects cost more than the
    file system calls themselves.
    """
    found: list[SourceFile] = []
    prefix = len(str(project)) + 1
    for kind, folder in CONTENT_DIRS:
        pending = [os.path.join(project, folder)]
        while pending:
            directory = pending.pop()
            try:
                entries = list(os.scandir(directory))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                if name.endswith(MARKDOWN_SUFFIXES) and not entry.is_dir():
                    stat = entry.stat()
                    relative = entry.path[prefix:]
                    if os.sep != "/":
                        relative = relative.replace(os.sep, "/")
                    found.append(SourceFile(relative, kind, stat.st_size, changed_ns(stat)))
                elif not name.startswith("_") and entry.is_dir():
                    pending.append(entry.path)
    found.sort(key=lambda s: s.path)
    return found


def stat_signature(sources: list[SourceFile]) -> tuple[str, int]:
    """Digest of the content files' paths, sizes and change times, and the newest time."""
    digest = digest_of(f"{s.path}\x01{s.size}\x01{s.changed_ns}" for s in sources)
    return digest, max((s.changed_ns for s in sources), default=0)
