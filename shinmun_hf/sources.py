"""A project's content files: found in a stable order, with the stats that stand for them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .deps import digest_of

__all__ = ["CONTENT_DIRS", "MARKDOWN_SUFFIXES", "PAGE", "POST", "SourceFile", "discover"]

POST = "post"
PAGE = "page"
CONTENT_DIRS = ((POST, "content/posts"), (PAGE, "content/pages"))
MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(slots=True)
class SourceFile:
    path: str
    kind: str
    size: int
    mtime_ns: int


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
                    found.append(SourceFile(relative, kind, stat.st_size, stat.st_mtime_ns))
                elif not name.startswith("_") and entry.is_dir():
                    pending.append(entry.path)
    found.sort(key=lambda s: s.path)
    return found


def stat_signature(sources: list[SourceFile]) -> tuple[str, int]:
    """Digest of the content files' paths, sizes and times, and the newest of the times."""
    digest = digest_of(f"{s.path}\x01{s.size}\x01{s.mtime_ns}" for s in sources)
    return digest, max((s.mtime_ns for s in sources), default=0)
