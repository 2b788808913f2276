"""The ``shinmun`` command. Errors in the user's project print one line and exit 1."""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .commands import COMMANDS
from .errors import ShinmunError

__all__ = ["main", "run"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shinmun", description="A fast static blog generator with Sign in with Hugging Face."
    )
    parser.add_argument("--version", action="version", version=f"shinmun-hf {__version__}")
    parser.add_argument(
        "--project",
        type=Path,
        default=Path("."),
        help="the blog's folder (default: the current directory)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f".commands.{name}", __package__).register(commands)
    return parser


def _exit_on_sigterm(signum: int, frame: object) -> None:
    """Stop now, leaving nothing behind: no worker processes, no staging folder.

    Raising from here instead could interrupt a worker pool's shutdown at any point and
    deadlock it, so the workers are terminated and the process exits directly.
    """
    import multiprocessing

    from .writer import remove_live_staging

    for child in multiprocessing.active_children():
        child.terminate()
    remove_live_staging()
    os._exit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        if args.command != "init" and not args.project.is_dir():  # (init makes its own)
            raise ShinmunError(
                f"there is no folder {args.project}",
                hint="give the blog's folder with --project, or make one with 'shinmun init DIR'",
            )
        return run(args)
    except ShinmunError as exc:
        if args.debug:
            _print_traceback()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if args.debug:
            _print_traceback()
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1


def _print_traceback() -> None:
    import traceback  # only --debug needs it: the other commands never import it

    traceback.print_exc()


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``shinmun`` command: :func:`main`, then exit without tearing the heap down.

    A build leaves tens of thousands of objects alive (moved out of the collector's reach
    with ``gc.freeze``), which the interpreter would free one by one at exit: on a
    10,000-post site that took longer than a cached build itself. Everything a command starts
    (worker pools, servers, subprocesses) is finished before ``main`` returns, so only the
    output streams need flushing.
    """
    code = main(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
