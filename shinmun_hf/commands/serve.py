"""``shinmun serve``: build, serve and rebuild on every change, with live reload."""

from __future__ import annotations

import argparse
from pathlib import Path

from .build import add_build_options, build_options, clear_progress

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "serve",
        help="serve the site locally, rebuilding and reloading the browser on every change",
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0: any)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    parser.add_argument(
        "--hub",
        choices=("local", "huggingface"),
        default=None,
        help="OAuth provider of the sign-in widget: the local test hub, or huggingface.co "
        "(default: huggingface when HF_OAUTH_CLIENT_ID is configured, local otherwise)",
    )
    parser.add_argument(
        "--space",
        action="store_true",
        help="also show the site framed by a page of another origin, as a static Hugging Face "
        "Space is shown, with the Space's sign-in variables (implies --hub local)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="build into this folder (default: a folder of its own in .shinmun-cache/serve)",
    )
    add_build_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import ShinmunError
    from ..serve import DevServer, ServeOptions
    from ..serve.console import Console
    from ..serve.hub import choose_hub

    project = args.project.resolve()
    out = None if args.out is None else (Path.cwd() / args.out).resolve()
    if args.space and args.hub == "huggingface":
        raise ShinmunError("--space runs against the local hub", hint="leave out --hub huggingface")
    build = build_options(args, dev=True)
    options = ServeOptions(
        host=args.host,
        port=args.port,
        hub="local" if args.space else choose_hub(args.hub, project, environ=None),
        space=args.space,
        out=out,
        build=build,
    )
    console = Console(progress=build.progress, quiet=args.quiet)  # type: ignore[arg-type]
    try:
        DevServer(project, options, console).run()
    finally:
        clear_progress(build)
    return 0
