"""``shinmun widget export DIR``: the prebuilt sign-in widget for a site built by anything."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "widget",
        help="the sign-in widget for sites built with other tools",
        description="The prebuilt <hf-chat> sign-in widget for any HTML page.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export",
        help="write the widget's files into DIR and print the snippet to paste",
        description="Write the widget, its sign-in callback page and (with --client-id cimd) "
        "the client metadata document into DIR, the folder published as the site's root; "
        "then print the HTML to paste into a page and the sign-in set-up that remains.",
    )
    export.add_argument("directory", type=Path, metavar="DIR")
    export.add_argument(
        "--client-id",
        default="",
        help="a registered OAuth app's client id, or 'cimd' (no registration; needs "
        "--site-url); none: a static Hugging Face Space provides it",
    )
    export.add_argument(
        "--site-url", default="", help="the site's public address, with its folder if any"
    )
    export.add_argument("--scopes", default="", help="default: openid profile inference-api")
    export.add_argument("--model", default="", help="the chat model (HF_INFERENCE_MODEL)")
    export.add_argument("--provider-url", default="", help="default: https://huggingface.co")
    export.add_argument(
        "--inference-url", default="", help="default: https://router.huggingface.co/v1"
    )
    export.add_argument("--title", default="Sign in with Hugging Face", help="the app's name")
    export.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..integrations.site_files import WidgetSettings
    from ..integrations.widget_export import export_widget, notes, snippet

    settings = WidgetSettings(
        client_id=args.client_id,
        site_url=args.site_url,
        scopes=args.scopes,
        model=args.model,
        provider_url=args.provider_url,
        inference_url=args.inference_url,
        title=args.title,
        source="the command line",
    )
    settings.check()
    written = export_widget(args.directory, settings)
    for path in written:
        print(f"wrote {args.directory / path}")
    print("\nPaste into a page:\n")
    print(snippet(settings))
    print("\nSign-in:")
    for note in notes(settings):
        print(f"- {note}")
    return 0
