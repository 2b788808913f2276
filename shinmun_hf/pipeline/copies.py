"""Files published as they are: ``public/`` and the files of post folders, each copied only
when the previous build's copy is not known to hold its bytes."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import BuildError
from ..incremental.freshness import RACY_MARGIN_NS
from ..incremental.manifest import Manifest
from ..incremental.records import CopyRecord
from ..project.options import BuildResult
from ..project.sources import BundleFile, changed_ns
from ..site.model import Site
from ..writer import SiteWriter
from .clashes import Maker, maker_name

__all__ = ["SKIPPED_PUBLIC_SUFFIXES", "copy_bundles", "copy_public", "public_files"]

SKIPPED_PUBLIC_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")


def _previous_copies(previous: Manifest | None) -> tuple[dict[str, CopyRecord], int]:
    """The previous build's copies, and the time before which a file's stat can be trusted:
    a file modified this close to the previous build's start may have changed without its
    stat changing, so it is compared with its copy, as content files are read again."""
    if previous is None:
        return {}, 0
    return previous.copies, previous.started_ns - RACY_MARGIN_NS


def copy_public(
    project: Path,
    out: Path,
    previous: Manifest | None,
    manifest: Manifest,
    writer: SiteWriter,
    result: BuildResult,
    claimed: dict[str, Maker],
) -> None:
    root = project / "public"
    old, clean_before = _previous_copies(previous)
    for path in public_files(root):
        file = path.relative_to(root).as_posix()
        if file in claimed:
            raise BuildError(
                f"public/{file} collides with {maker_name(claimed[file])}",
                file=f"public/{file}",
                hint="rename or move the file",
            )
        copy_one(out, file, path, old.get(file), clean_before, manifest, writer, result)


def copy_bundles(
    project: Path,
    out: Path,
    bundles: list[BundleFile],
    site: Site,
    previous: Manifest | None,
    manifest: Manifest,
    writer: SiteWriter,
    result: BuildResult,
    claimed: dict[str, Maker],
) -> None:
    """Publish the files of post folders beside their pages (``figure.png`` of
    ``content/posts/my-post/index.md`` next to its ``index.html``), so relative links in
    the post work; those of drafts and future posts are not published."""
    old, clean_before = _previous_copies(previous)
    strays = [bundle.path for bundle in bundles if not bundle.owner]
    if strays:
        more = f" and {len(strays) - 1} other files" if len(strays) > 1 else ""
        result.warnings.append(
            f"{strays[0]}{more} in content/ are not published: only the files of a post "
            "or page folder (beside its index.md) are; move them into one, or into public/"
        )
    for bundle in bundles:
        document = site.by_source.get(bundle.owner)
        if document is None or bundle.path.endswith(SKIPPED_PUBLIC_SUFFIXES):
            continue
        folder = document.site_path.rpartition("/")[0]
        file = f"{folder}/{bundle.relative}" if folder else bundle.relative
        other = claimed.get(file) or (f"public/{file}" if file in manifest.copies else None)
        if other is not None:
            raise BuildError(
                f"{bundle.path} would be published as {file}, as is {maker_name(other)}",
                file=bundle.path,
                hint="rename or move one of the two",
            )
        path = project / bundle.path
        copy_one(out, file, path, old.get(file), clean_before, manifest, writer, result)


def copy_one(
    out: Path,
    file: str,
    path: Path,
    before: CopyRecord | None,
    clean_before: int,
    manifest: Manifest,
    writer: SiteWriter,
    result: BuildResult,
) -> None:
    """Copy ``path`` to ``file`` of the site unless the previous build's copy (stat
    ``before``) is known to hold its bytes."""
    stat = path.stat()
    signature = CopyRecord(stat.st_size, changed_ns(stat))
    manifest.copies[file] = signature
    unchanged = before == signature and (
        signature.changed_ns < clean_before or same_bytes(path, out / file)
    )
    if not unchanged:
        writer.copy(file, path)
    result.count_file(file, not unchanged)


def same_bytes(source: Path, copy: Path, chunk: int = 1 << 20) -> bool:
    """Whether ``copy`` holds the bytes of ``source``, read a megabyte at a time (``filecmp``
    would trust a cached answer for files of the same stat, which is the very case here)."""
    try:
        if source.stat().st_size != copy.stat().st_size:
            return False
        with source.open("rb") as one, copy.open("rb") as other:
            while True:
                part = one.read(chunk)
                if part != other.read(chunk):
                    return False
                if not part:
                    return True
    except OSError:
        return False


PUBLISHED_DOT_FOLDERS = (".well-known",)
"""Dot folders copied all the same: RFC 8615 well-known URIs (``security.txt``, ...)."""


def public_files(root: Path) -> Iterable[Path]:
    """Files of ``public/`` to publish: no dotfiles, no TypeScript sources (but
    ``public/.well-known/`` at the top).

    A link is published as the file it points to if that file is in the project. A link out
    of the project is refused: one committed by mistake (``public/passwd -> /etc/passwd``)
    would publish the building machine's files. So is a link to a folder, which the cache
    could not watch.
    """
    project = root.parent.resolve()
    for directory, dirnames, filenames in os.walk(root):
        top = directory == str(root)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") or (top and d in PUBLISHED_DOT_FOLDERS)
        )
        for name in dirnames:
            if os.path.islink(os.path.join(directory, name)):
                raise _link_error(Path(directory, name), root, "a folder", "folder")
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(SKIPPED_PUBLIC_SUFFIXES):
                continue
            path = Path(directory, name)
            if path.is_symlink():
                target = path.resolve()
                if not target.is_file():
                    raise _link_error(path, root, "a missing file", "file")
                if not target.is_relative_to(project):
                    raise _link_error(path, root, f"{target}, outside the project", "file")
            yield path


def _link_error(link: Path, root: Path, target: str, kind: str) -> BuildError:
    return BuildError(
        f"a symbolic link to {target}",
        file=f"public/{link.relative_to(root).as_posix()}",
        hint=f"put the {kind} itself in public/ if it should be published, or remove the link",
    )
