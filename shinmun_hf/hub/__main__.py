"""``python -m shinmun_hf.hub [--port 8765] [--redirect-uri URL ...]``: the hub on its own."""

from __future__ import annotations

import argparse
import contextlib
import threading

from .server import HubServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--redirect-uri",
        action="append",
        default=[],
        help="a redirect URI to register (loopback: any port)",
    )
    args = parser.parse_args()
    uris = args.redirect_uri or [  # the callback page, on any loopback port
        "http://127.0.0.1/oauth/callback/huggingface/",
        "http://localhost/oauth/callback/huggingface/",
    ]
    with HubServer(port=args.port, redirect_uris=uris) as hub:
        print(f"local hub at {hub.url}  client id: {hub.client_id}  redirect URIs: {uris}")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
