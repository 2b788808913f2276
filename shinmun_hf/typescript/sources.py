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
            hint="components must live inside the project (e.g. in public/apps/)",
        )
    if path.is_dir():
        raise BuildError(
            f"component path {ref.path!r} is a folder, not a .ts or .tsx file",
            file=ref.source,
            line=ref.line,
        )
    if not path.is_file():
        raise BuildError(
            f"component file {ref.path} does not exist",
            file=ref.source,
            line=ref.line,
            hint="check the path after @@typescript-file (it is relative to the project root)",
        )
    return path


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
