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
    parser.add_argument("--title", help="the blog's name (default: from the folder's name)")
    parser.add_argument("--author", default="", help="default author of posts (default: none)")
    parser.add_argument(
        "--site-url",
        default="",
        metavar="URL",
        help="where it will be published, e.g. https://USER.github.io (default: set it later "
        "in config.yml)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..project.scaffold import create_blog
    from .build import shown_path

    target = args.dir.resolve()  # relative to where the command runs, like mkdir
    identity = _identity(args)
    files = create_blog(target, identity=identity)
    where = shown_path(target)
    print(f'created the blog "{identity["title"]}" in {where}: {len(files)} files')
    print("next steps:")
    steps = [
        (f"cd {shlex.quote(str(where))}", ""),
        ("shinmun serve", "preview it at http://127.0.0.1:8000/, rebuilt as you edit"),
        ('shinmun new post "My first post"', "write a post in content/posts/"),
    ]
    if not args.site_url:
        steps.append(("edit config.yml", "set site_url to where the blog will be published"))
    steps.append(("shinmun build", "the site, in _site/, for any static host"))
    width = max(len(command) for command, _ in steps)
    for command, what in steps:
        print(f"  {command:<{width}}  {what}".rstrip())
    return 0


def _identity(args: argparse.Namespace) -> dict[str, str]:
    """Title, author and site URL from the options, checked as config.yml would check them."""
    from ..errors import ShinmunError
    from ..project import config_options as opt
    from ..project.scaffold import title_from_folder

    identity = {
        "title": args.title if args.title is not None else title_from_folder(args.dir.name),
        "author": args.author,
        "site_url": args.site_url,
    }
    if not identity["title"].strip():
        raise ShinmunError("--title is empty", hint='give the blog a name: --title "My blog"')
    if args.site_url:
        try:
            identity["site_url"] = opt.Url().validate(args.site_url)
        except opt.ValidationError as exc:
            raise ShinmunError(f"--site-url: {exc}") from None
    return identity
