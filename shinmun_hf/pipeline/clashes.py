"""Two makers of one file, or a file where a folder must be: errors that name both and
point at the line to change."""

from __future__ import annotations

from pathlib import Path

from ..errors import BuildError
from ..render.outputs import Output
from ..site.model import Document, Site

__all__ = ["Maker", "claim_files", "explained_clash", "maker_name"]

Maker = Output | Document | str
"""What makes a file of the site: an output, a document (its page), or a description."""


def claim_files(site: Site, outputs: list[Output], assets: dict[str, bytes]) -> dict[str, Maker]:
    """Map each output file to what makes it (an output or a description); two makers of
    one file is an error."""
    claimed: dict[str, Output] = {}
    for output in outputs:
        other = claimed.get(output.file)
        if other is not None:
            # Point at the content file among the two (a generated page has none).
            source = output.source or other.source
            document = site.by_source.get(source) if source else None
            lines = document.entry.lines if document else {}
            line = lines.get("slug") or lines.get("title")
            raise BuildError(
                f"{other.describe} and {output.describe} both produce {output.file}",
                file=source,
                line=line,
                hint="rename the page or change its 'slug:'",
            )
        claimed[output.file] = output
    makers: dict[str, Maker] = {**claimed}  # (described only for an error)
    for file in assets:
        makers.setdefault(file, "a component bundle")
    return makers


def maker_name(claim: Maker) -> str:
    if isinstance(claim, Document):
        return f"{claim.kind} {claim.source}"
    return claim if isinstance(claim, str) else claim.describe


def explained_clash(
    path: str,
    makers: dict[str, Maker],
    site: Site,
    project: Path,
    out: Path,
) -> BuildError:
    """The writer's file-and-folder clash, naming the two files behind it and pointing at the
    one to change: a page's or post's ``slug:`` line, else the public file."""
    public = project / "public"
    below = [file for file in makers if file.startswith(path + "/")]
    if (public / path).is_dir():
        below += (p.relative_to(public).as_posix() for p in (public / path).rglob("*"))
    below = sorted(file for file in below if file in makers or (public / file).is_file())
    sides = [_made_by(path, makers, site, public, out)]
    if below:
        sides.append(_made_by(below[0], makers, site, public, out))
    # Point at a slug line (where the name was chosen), else at the first file the project has.
    pointable = sorted((side for side in sides if side[1]), key=lambda side: side[2] is None)
    _, file, line = pointable[0] if pointable else ("", None, None)
    from_content = any(source and not source.startswith("public/") for _, source, _ in sides)
    return BuildError(
        f"the site would have both a file and a folder named {path}: "
        + " and ".join(description for description, _, _ in sides),
        file=file,
        line=line,
        hint="rename or move one of the two" + (", or change the 'slug:'" if from_content else ""),
    )


def _made_by(
    file: str, makers: dict[str, Maker], site: Site, public: Path, out: Path
) -> tuple[str, str | None, int | None]:
    """(what makes ``file``, the project file to change, its line) for an error message."""
    claim = makers.get(file)
    if claim is not None:
        source = None if isinstance(claim, str) else claim.source
        document = site.by_source.get(source) if source else None
        line = document.entry.lines.get("slug") if document else None
        return f"{maker_name(claim)} makes {file}", source, line
    if (public / file).is_file():
        return f"public/{file} is copied to {file}", f"public/{file}", None
    return f"{out.name}/{file} is a file that no part of the project makes", None, None
