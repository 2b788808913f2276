"""Where a component's source lives, what its bundle is called, and where an inline line sits.

Shared by the bundler and the type checker so both refuse the same paths with the same words.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..components import ComponentRef
from ..errors import BuildError

__all__ = ["component_path", "inline_digest", "inline_position", "output_name"]

UNSAFE_NAME = re.compile(r"[^\w./-]")


def component_path(project: Path, ref: ComponentRef) -> Path:
    """The file a ``@@typescript-file`` names, checked to be a file inside the project.

    ``project`` must be resolved. Symbolic links are followed before the check, so a link
    cannot smuggle a file from outside the project into the site either.
    """
    assert ref.path is not None
    written = ref.path.replace("\\", "/")
    if written.startswith("/") or Path(written).is_absolute() or re.match(r"[A-Za-z]:", written):
        raise BuildError(
            f"component path {ref.path!r} must be relative to the project root",
            file=ref.source,
            line=ref.line,
            hint="write it like public/apps/widget.tsx",
        )
    path = (project / written).resolve()
    if not path.is_relative_to(project):
        raise BuildError(
            f"component path {ref.path!r} leaves the project folder",
            file=ref.source,
            line=ref.line,
            hint="components must live inside the project, in public/apps/ for example",
        )
    if path.is_dir():
        raise BuildError(
            f"component path {ref.path!r} is a folder, not a .ts or .tsx file",
            file=ref.source,
            line=ref.line,
        )
    if not path.is_file():
        close = _nearest_component(project, written)
        guess = f"; did you mean {close}?" if close else ""
        raise BuildError(
            f"component file {ref.path} does not exist{guess}",
            file=ref.source,
            line=ref.line,
            hint="the path after @@typescript-file is relative to the project root",
        )
    return path


COMPONENT_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")
SKIPPED_FOLDERS = frozenset({"node_modules", "_site"})
MAX_CANDIDATES = 2000


def _nearest_component(project: Path, written: str) -> str | None:
    """The component file whose project-relative path is closest to a mistyped one.

    Candidates are the TypeScript files of ``public/`` and of the folder the path names (when
    it exists inside the project), a bounded number of them: a suggestion is not worth a walk
    over a large tree."""
    import difflib
    import os

    folders = [project / "public"]
    parent = (project / written).parent.resolve()
    if parent.is_dir() and parent.is_relative_to(project) and parent != project:
        folders.insert(0, parent)
    candidates: list[str] = []
    for folder in folders:
        for directory, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith(".")]
            candidates.extend(
                Path(directory, name).relative_to(project).as_posix()
                for name in files
                if name.endswith(COMPONENT_SUFFIXES)
            )
            if len(candidates) > MAX_CANDIDATES:
                break
    # Alike by file name (the folders of a project's components look alike anyway), then
    # the most alike path among those.
    name = written.rsplit("/", 1)[-1]
    names = {candidate.rsplit("/", 1)[-1] for candidate in candidates}
    close_names = set(difflib.get_close_matches(name, names, n=3, cutoff=0.7))
    alike = [c for c in dict.fromkeys(candidates) if c.rsplit("/", 1)[-1] in close_names]
    best = difflib.get_close_matches(written, alike, n=1, cutoff=0)
    return best[0] if best else None


def inline_digest(ref: ComponentRef) -> str:
    return hashlib.blake2b((ref.code or "").encode(), digest_size=8).hexdigest()


def output_name(project: Path, ref: ComponentRef) -> str:
    """The bundle's name under ``assets/``, without hash and extension.

    ``public/apps/hf-oauth-demo.tsx`` -> ``apps/hf-oauth-demo``; inline code ->
    ``inline/<digest>``. Made from the resolved path, so ``public/../x.ts`` cannot name a file
    outside ``assets/``.
    """
    if ref.path is None:
        return f"inline/{inline_digest(ref)}"
    relative = component_path(project, ref).relative_to(project).as_posix()
    stem = re.sub(r"\.[cm]?tsx?$", "", relative.removeprefix("public/"))
    return UNSAFE_NAME.sub("_", stem)


def inline_position(project: Path, ref: ComponentRef, line: int) -> int:
    """The content file's line for ``line`` (1-based) of an inline block's code.

    The directive parser drops the blank lines between the directive and the code, so the
    offset is found again in the content file; the directive's own line if it cannot be read.
    """
    try:
        lines = (project / ref.source).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ref.line
    first = ref.line  # index of the line after the directive
    while first < len(lines) and not lines[first].strip():
        first += 1
    return first + line
