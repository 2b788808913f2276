"""``shinmun init DIR``: a new blog, ready to build, made from the example blog."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "init",
        help="create a new blog in a new or empty folder",
        description="Create a new blog (config, example post and pages, layouts, theme and the "
        "Hugging Face widget) in DIR, which must be new or empty.",
    )
    parser.add_argument("dir", type=Path, metavar="DIR", help="folder of the new blog")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..scaffold import create_blog
    from .build import shown_path

    target = args.dir.resolve()  # relative to where the command runs, like mkdir
    files = create_blog(target)
    where = shown_path(target)
    print(f"created a blog with {len(files)} files in {where}")
    print(
        f'next: cd {shlex.quote(str(where))} && shinmun new post "My first post" && shinmun serve'
    )
    return 0
