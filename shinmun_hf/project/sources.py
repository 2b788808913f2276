"""A project's content files: found in a stable order, with the stats that stand for them."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..digests import digest_of
from ..errors import BuildError

__all__ = [
    "CONTENT_DIRS",
    "MARKDOWN_SUFFIXES",
    "PAGE",
    "POST",
    "BundleFile",
    "SourceFile",
    "changed_ns",
    "check_link",
    "discover",
    "file_stats",
    "is_folder_index",
    "tree_files",
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


@dataclass(slots=True)
class BundleFile:
    """A file beside a post folder's ``index.md`` (``content/posts/my-post/figure.png``):
    published next to the page, so the post's relative links reach it."""

    path: str
    owner: str
    """The ``index.md`` of the folder, e.g. ``content/posts/my-post/index.md`` (``""``: the
    file is in no post folder, and is not published)."""
    relative: str
    """The path below the folder, e.g. ``figure.png``: below the page's URL too."""
    size: int
    changed_ns: int


def is_folder_index(path: str) -> bool:
    """Whether ``path`` is a post or page folder's ``index.md`` (not the index of
    ``content/posts`` or ``content/pages`` themselves)."""
    folder, _, name = path.rpartition("/")
    return (
        name.startswith("index.")
        and name.endswith(MARKDOWN_SUFFIXES)
        and folder not in (folder_path for _, folder_path in CONTENT_DIRS)
    )


def discover(project: Path, bundles: list[BundleFile] | None = None) -> list[SourceFile]:
    """Every content file, in a stable order (hidden files and folders are skipped); the
    files of post folders are added to ``bundles`` if given.

    ``os.scandir`` with plain strings: on 10,000 posts pathlib's objects cost more than the
    file system calls themselves.
    """
    found: list[SourceFile] = []
    others: list[SourceFile] = []  # files that are not Markdown: a post folder's, maybe
    prefix = len(str(project)) + 1
    real_project = os.path.realpath(project)
    for path in ("content", *(folder for _, folder in CONTENT_DIRS)):
        if os.path.islink(os.path.join(project, path)):
            check_link(os.path.join(project, path), real_project, prefix)
    for kind, folder in CONTENT_DIRS:
        pending = [os.path.join(project, folder)]
        while pending:
            directory = pending.pop()
            try:
                with os.scandir(directory) as scan:
                    entries = list(scan)
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue
                markdown = name.endswith(MARKDOWN_SUFFIXES)
                if entry.is_symlink() and (markdown or name[0] != "_"):
                    check_link(entry.path, real_project, prefix)
                if markdown and not entry.is_dir():
                    stat = entry.stat()
                    relative = entry.path[prefix:]
                    if os.sep != "/":
                        relative = relative.replace(os.sep, "/")
                    found.append(SourceFile(relative, kind, stat.st_size, changed_ns(stat)))
                elif name[0] != "_" and entry.is_dir():
                    if entry.is_symlink():  # a link to a folder it is in would never end
                        real, here = os.path.realpath(entry.path), os.path.realpath(directory)
                        if here == real or here.startswith(real + os.sep):
                            raise BuildError(
                                "a symbolic link to a folder it is in (a loop)",
                                file=entry.path[prefix:],
                                hint="remove the link",
                            )
                    pending.append(entry.path)
                elif bundles is not None and entry.is_file():
                    stat = entry.stat()
                    relative = entry.path[prefix:].replace(os.sep, "/")
                    others.append(SourceFile(relative, kind, stat.st_size, changed_ns(stat)))
    found.sort(key=lambda s: s.path)
    if bundles is not None and others:
        bundles.extend(_bundle_files(found, others))
    return found


def _bundle_files(found: list[SourceFile], others: list[SourceFile]) -> list[BundleFile]:
    """The ``others``, each with the ``index.md`` of the nearest post or page folder above
    it; one in no such folder has the owner ``""`` (it is not published: the build says so)."""
    indexes = {s.path.rpartition("/")[0]: s.path for s in found if is_folder_index(s.path)}
    bundled = []
    for other in sorted(others, key=lambda s: s.path):
        folder = other.path.rpartition("/")[0]
        while folder and folder not in indexes:
            folder = folder.rpartition("/")[0]
        owner, relative = (indexes[folder], other.path[len(folder) + 1 :]) if folder else ("", "")
        bundled.append(BundleFile(other.path, owner, relative, other.size, other.changed_ns))
    return bundled


def check_link(path: str, real_project: str, prefix: int) -> None:
    """Refuse a symbolic link in content/ that leads out of the project, to nothing, or in a
    loop, naming the link (the rule public/ follows): a link committed by mistake, or a
    linked folder, would publish the building machine's files, search index included."""
    shown = path[prefix:].replace(os.sep, "/")
    hint = "put the file or folder itself in the project, or remove the link"
    try:
        os.stat(path)
    except OSError as exc:
        looping = exc.errno == errno.ELOOP
        raise BuildError(
            "a symbolic link in a loop of links" if looping else "a symbolic link to nothing",
            file=shown,
            hint=hint,
        ) from None
    target = os.path.realpath(path)
    if target != real_project and not target.startswith(real_project + os.sep):
        raise BuildError(f"a symbolic link to {target}, outside the project", file=shown, hint=hint)


def stat_signature(sources: list[SourceFile | BundleFile]) -> tuple[str, int]:
    """Digest of the content files' paths, sizes and change times, and the newest time."""
    digest = digest_of(f"{s.path}\x01{s.size}\x01{s.changed_ns}" for s in sources)
    return digest, max((s.changed_ns for s in sources), default=0)


def tree_files(root: Path) -> list[str]:
    """Every file below ``root`` (none if it is missing), in a stable order."""
    files = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        files.extend(os.path.join(directory, name) for name in sorted(filenames))
    return files


def file_stats(paths: Iterable[str]) -> tuple[list[str], int]:
    """A part per file (path, size and change time, or that it is missing) for a digest, and
    the newest of the change times (see :func:`changed_ns`)."""
    parts = []
    newest = 0
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            parts.append(f"{path}\x01missing")
            continue
        changed = changed_ns(stat)
        parts.append(f"{path}\x01{stat.st_size}\x01{changed}")
        newest = max(newest, changed)
    return parts, newest
