"""``shinmun build``: build the site into a folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..project.options import BuildOptions

__all__ = [
    "add_build_options",
    "add_out_option",
    "build_options",
    "clear_progress",
    "counted",
    "output_folder",
    "register",
]


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that builds (``build``, ``serve``)."""
    parser.add_argument("--drafts", action="store_true", help="include posts with draft: true")
    parser.add_argument("--future", action="store_true", help="include future-dated posts")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="worker processes for rendering (default: all cores)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress line and no summary: print only warnings and errors",
    )


def build_options(args: argparse.Namespace, **extra: object) -> BuildOptions:
    """The build options of the command line, with a progress line on a terminal (none with
    --quiet); ``options.progress`` is then a :class:`~shinmun_hf.progress.ProgressLine`."""
    from ..progress import ProgressLine
    from ..project.options import BuildOptions

    progress = ProgressLine(enabled=False if args.quiet else None)
    return BuildOptions(
        drafts=args.drafts,
        future=args.future,
        jobs=args.jobs,
        progress=progress if progress.enabled else None,
        **extra,  # type: ignore[arg-type]
    )


def clear_progress(options: BuildOptions) -> None:
    """Erase the progress line before anything else is printed."""
    if options.progress is not None:
        options.progress.clear()  # type: ignore[attr-defined]


def add_out_option(parser: argparse.ArgumentParser) -> None:
    """``--out``, as :func:`output_folder` reads it (``build`` and ``check`` share one folder)."""
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: _site in the project)"
    )


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("build", help="build the site into a folder")
    add_out_option(parser)
    parser.add_argument(
        "--space",
        action="store_true",
        help="also write the README.md that makes the folder a static Hugging Face Space",
    )
    add_build_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # The renderer (Jinja, Python-Markdown, Pygments) is imported only once there is work:
    # a build with nothing to do is decided by the survey alone (see ``freshness``).
    from ..incremental.freshness import survey, unchanged_result
    from ..urls import is_local

    project = args.project.resolve()
    out = output_folder(args)
    options = build_options(args)
    if args.space:
        from ..space import check_space_project

        check_space_project(project)
    looked = survey(project, out, options)
    result = unchanged_result(looked)
    try:
        if result is None:
            from ..pipeline.builder import Builder

            result = Builder(project, out, options).build(looked)
    finally:
        clear_progress(options)
    if args.space:
        from ..space import write_space_readme

        written = write_space_readme(project, result.out, result.config, result.warnings)
        result.outputs += 1
        result.written += written
        result.unchanged += not written
    else:
        from ..space import remove_space_readme

        result.removed += remove_space_readme(project, result.out)
    if not args.space and result.config and is_local(result.config.site_url):
        result.warnings.append(
            f"config.yml: site_url is {result.config.site_url}, so feeds, the sitemap and "
            "canonical links point there: set it to where the site is published"
        )
    if result.config:
        from ..project.oauth_client import metadata_warning

        result.warnings.extend(metadata_warning(result.config))
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not args.quiet:
        print(
            f"built {counted(result.outputs, 'file')} into {shown_path(result.out)} in "
            f"{result.seconds:.2f} s ({result.written} written, {result.unchanged} unchanged, "
            f"{result.removed} removed, {counted(result.rendered_entries, 'entry', 'entries')} "
            "rendered)"
        )
    return 0


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """``1 file``, ``2 files``, ``1 entry``, ``0 entries``."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def output_folder(args: argparse.Namespace) -> Path:
    """``--out`` as given (relative to the current directory), else ``_site`` in the project."""
    if args.out is None:
        return args.project.resolve() / "_site"
    return args.out if args.out.is_absolute() else Path.cwd() / args.out


def shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
