"""Writing the site without ever leaving a half-written or deleted one behind.

New and changed files are written into a staging directory *beside* the target (same file
system, so moves are renames). Nothing touches the target until the whole build has succeeded:
then a full build swaps the directories, and an incremental one deletes the outputs that
disappeared and moves its few changed files in, after a marker that makes the next build a
whole one should it be cut short. A marker file identifies directories this tool made;
it refuses to replace any other non-empty directory, so ``--out .`` cannot wipe a project.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from .errors import BuildError

__all__ = [
    "MARKER",
    "FileFolderClash",
    "OutsideOutput",
    "SiteWriter",
    "check_output_folder",
    "read_marker",
    "remove_live_staging",
    "write_file_atomically",
]

MARKER = ".shinmun-output"


def read_marker(out: Path) -> str | None:
    """The build id recorded in ``out``, or None if ``out`` was not made by shinmun."""
    try:
        return (out / MARKER).read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def check_output_folder(
    out: Path, protected: tuple[Path, ...] = (), inputs: tuple[Path, ...] = ()
) -> None:
    """Refuse an output folder that holds any of ``protected`` (the project's sources), that
    lies inside one of ``inputs`` (the folders a build reads: it would copy itself), that is
    a file, or that holds files shinmun did not make: a build would replace it, and ``serve``
    would publish it."""
    resolved_out = out.resolve()
    for path in protected:
        resolved = path.resolve()
        if resolved_out == resolved or resolved.is_relative_to(resolved_out):
            raise BuildError(
                f"refusing to write the site to {out}: it contains {path}",
                hint="choose an output directory outside the project's sources, e.g. _site",
            )
    for path in inputs:
        if resolved_out.is_relative_to(path.resolve()):
            raise BuildError(
                f"refusing to write the site to {out}: it is inside {path}",
                hint="choose an output directory outside the project's sources, e.g. _site",
            )
    if resolved_out.exists():
        if not resolved_out.is_dir():
            raise BuildError(f"refusing to replace {out}: it is a file, not a directory")
        if read_marker(resolved_out) is None and any(resolved_out.iterdir()):
            raise BuildError(
                f"refusing to replace {out}: it is not empty and was not created by shinmun",
                hint="empty it, or choose another directory with --out",
            )


class SiteWriter:
    """Writes one build into a staging folder beside the output folder, then moves it in.

    Nothing touches the output folder until :meth:`commit`, after every page rendered: a
    failed build leaves the previous site whole (:meth:`abort` removes the staging folder).
    Each build has a random ``build_id``, written as the folder's marker, which the manifest
    names: a folder some other process changed since is not trusted by the next build."""

    def __init__(
        self, out: Path, *, protected: tuple[Path, ...] = (), inputs: tuple[Path, ...] = ()
    ) -> None:
        check_output_folder(out, protected, inputs)
        self.out = out.resolve()
        self.build_id = os.urandom(16).hex()  # random, like uuid4, without importing uuid
        self.staging = self.out.parent / f".{self.out.name}.staging-{self.build_id[:8]}"
        self.staging.mkdir(parents=True)
        _live_staging.add(self.staging)
        self.staged: list[str] = []
        self._dirs: set[Path] = set()

    def write(self, file: str, data: bytes) -> None:
        self.write_unrecorded(file, data)
        self.staged.append(file)

    def write_unrecorded(self, file: str, data: bytes) -> None:
        """Write without recording (worker processes: the parent records what they wrote)."""
        target = self._staged_path(file)
        try:
            target.write_bytes(data)
        except IsADirectoryError:
            raise FileFolderClash(file) from None

    def copy(self, file: str, source: Path) -> None:
        target = self._staged_path(file)
        try:  # (copy2 would copy into a folder of that name: here that is an error)
            shutil.copyfile(source, target)
        except IsADirectoryError:
            raise FileFolderClash(file) from None
        shutil.copystat(source, target)
        self.staged.append(file)

    def _staged_path(self, file: str) -> Path:
        if _leaves_folder(file):
            raise OutsideOutput(file)
        target = self.staging / file
        parent = target.parent
        if parent not in self._dirs:
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):  # a file of the site in the way?
                in_the_way = next((p for p in (parent, *parent.parents) if p.is_file()), None)
                if in_the_way is None:
                    raise
                raise FileFolderClash(in_the_way.relative_to(self.staging).as_posix()) from None
            self._dirs.add(parent)
        return target

    def commit(self, *, complete: bool, removed: list[str]) -> None:
        """Make the staged files live.

        ``complete``: the staging directory holds the whole site (swap the directories);
        otherwise it holds only changed files, and ``removed`` lists outputs to delete.
        """
        (self.staging / MARKER).write_text(self.build_id + "\n", encoding="utf-8")
        if complete or not self.out.exists():
            previous = self.out.parent / f".{self.out.name}.previous-{self.build_id[:8]}"
            if self.out.exists():
                os.rename(self.out, previous)
            os.rename(self.staging, self.out)
            _live_staging.discard(self.staging)
            shutil.rmtree(previous, ignore_errors=True)
            return
        self._check_fits(removed)
        inside = _InsideCheck(self.out)
        for file in self.staged:
            if not inside((self.out / file).parent):
                raise OutsideOutput(file)
        # The marker first: until the build's manifest is saved, after this, it names a build
        # no manifest describes, so a commit cut short (an error, a signal, a power cut)
        # leaves a site the next build trusts nothing of, and makes whole again.
        os.replace(self.staging / MARKER, self.out / MARKER)
        # Removed next: a file may become a folder (public/fonts -> public/fonts/a.woff).
        for file in removed:
            target = self.out / file
            if _leaves_folder(file) or not inside(target.parent):
                continue  # (a record of an older build, or a link put in by hand: not ours)
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            _prune_empty_parents(target.parent, self.out)
        made: set[Path] = set()
        for file in self.staged:
            target = self.out / file
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            os.replace(self.staging / file, target)
        shutil.rmtree(self.staging, ignore_errors=True)
        _live_staging.discard(self.staging)

    def _check_fits(self, removed: list[str]) -> None:
        """Refuse, before anything is moved, staged files that would need a file of the
        site that stays to be a folder, or a folder that keeps files to be a file."""
        going = set(removed)
        checked: set[str] = set()
        for file in self.staged:
            folder = file.rpartition("/")[0]
            while folder and folder not in checked:
                checked.add(folder)
                if (self.out / folder).is_file() and folder not in going:
                    raise FileFolderClash(folder)
                folder = folder.rpartition("/")[0]
            target = self.out / file
            if target.is_dir() and not target.is_symlink():
                kept = (
                    path.relative_to(self.out).as_posix()
                    for path in target.rglob("*")
                    if not path.is_dir()
                )
                if any(other not in going for other in kept):
                    raise FileFolderClash(file)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        _live_staging.discard(self.staging)


_live_staging: set[Path] = set()
"""Staging folders of builds in progress in this process."""


def remove_live_staging() -> None:
    """Remove every staging folder of this process (on SIGTERM: nothing half-written stays)."""
    for staging in list(_live_staging):
        shutil.rmtree(staging, ignore_errors=True)
    _live_staging.clear()


def write_file_atomically(target: Path, data: bytes) -> None:
    """Replace one file in a published folder: readers see the old bytes or the new, never half."""
    import tempfile  # (here: a build with nothing to do imports this module for its marker)

    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class FileFolderClash(BuildError):
    """One name of the site would have to be a file and a folder at once.

    The writer sees only paths; the builder, which knows what makes each file, says which
    two of the project's files clash (``build._explained_clash``).
    """

    def __init__(self, path: str) -> None:
        super().__init__(
            f"the site would have both a file and a folder named {path}",
            hint="rename or move one of the two",
        )
        self.path = path

    def __reduce__(self):  # type: ignore[no-untyped-def]  # raised in workers, re-raised here
        return (FileFolderClash, (self.path,))


def _prune_empty_parents(directory: Path, root: Path) -> None:
    while directory != root and directory.is_relative_to(root):
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent


def _leaves_folder(file: str) -> bool:
    """Whether the site path ``file`` would name something outside the folder it is
    written to: absolute, or with a '..' segment or a backslash (a separator on Windows)."""
    return (
        not file
        or file.startswith("/")
        or "\\" in file
        or ".." in file.split("/")
        or os.path.isabs(file)
    )


class _InsideCheck:
    """Whether folders of the live site, links resolved, are inside it (a link put into the
    output folder by hand must not carry an incremental build's files elsewhere)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.known: dict[Path, bool] = {}

    def __call__(self, folder: Path) -> bool:
        answer = self.known.get(folder)
        if answer is None:
            answer = self.known[folder] = folder.resolve().is_relative_to(self.root)
        return answer


class OutsideOutput(BuildError):
    """A file to write lies outside the output folder: refused whatever asked for it (the
    config's permalink is checked first; this is the second line of defence)."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"refusing to write {path}: it is outside the output folder",
            hint="a URL may not contain '.' or '..' segments (see permalink in config.yml), "
            "and the output folder may not hold links to folders elsewhere",
        )
        self.path = path

    def __reduce__(self):  # type: ignore[no-untyped-def]  # raised in workers, re-raised here
        return (OutsideOutput, (self.path,))
