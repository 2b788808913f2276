"""The ``shinmun`` command. Errors in the user's project print one line and exit 1."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .errors import ShinmunError

__all__ = ["main"]


def _add_build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--drafts", action="store_true", help="include posts with draft: true")
    parser.add_argument("--future", action="store_true", help="include future-dated posts")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="worker processes for rendering (default: all cores)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shinmun", description=__doc__)
    parser.add_argument("--version", action="version", version=f"shinmun-hf {__version__}")
    parser.add_argument(
        "--project",
        type=Path,
        default=Path("."),
        help="the blog's folder (default: the current directory)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build the site into a folder")
    build.add_argument(
        "--out", type=Path, default=Path("_site"), help="output folder (default: _site)"
    )
    _add_build_arguments(build)
    build.set_defaults(run=_run_build)
    return parser


def _run_build(args: argparse.Namespace) -> int:
    from .build import Builder, BuildOptions

    out = args.out if args.out.is_absolute() else (Path.cwd() / args.out)
    options = BuildOptions(drafts=args.drafts, future=args.future, jobs=args.jobs)
    result = Builder(args.project, out, options).build()
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"built {result.outputs} files into {_shown(result.out)} in {result.seconds:.2f} s "
        f"({result.written} written, {result.unchanged} unchanged, {result.removed} removed, "
        f"{result.rendered_entries} entries rendered)"
    )
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except ShinmunError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if args.debug:
            traceback.print_exc()
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
