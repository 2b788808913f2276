"""Shinmun's own command names, so its users' habits and scripts keep working.

``shinmun post "Title"`` and ``shinmun page "Title"`` are ``new post|page``; ``shinmun export
[DIR]`` is ``build --out DIR`` (default ``_site``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import build, new

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    for kind in new.KINDS:
        parser = commands.add_parser(kind, help=f"the same as 'new {kind}'")
        new.add_entry_arguments(parser)
        parser.set_defaults(run=new.run, kind=kind)
    export = commands.add_parser("export", help="the same as 'build --out DIR'")
    export.add_argument(
        "out", nargs="?", type=Path, default=None, help="output folder (default: _site)"
    )
    build.add_build_options(export)
    export.set_defaults(run=build.run, space=False)
