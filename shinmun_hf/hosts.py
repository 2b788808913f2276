"""Answer only requests addressed to this machine: a guard against DNS rebinding (used by
``serve`` and the local hub).

A page on ``evil.example`` whose name the attacker then points at 127.0.0.1 is, for the
browser, the same origin as the dev server: without this check it could read the served
site, its drafts and the build-failure page's excerpts of the project's files. Such requests
still carry ``Host: evil.example``, which is refused here.
"""

from __future__ import annotations

import ipaddress

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["LocalHostsOnly", "allowed_hosts", "binds_every_interface"]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def binds_every_interface(host: str) -> bool:
    """``0.0.0.0`` or ``::``: reachable by whatever names the network gives this machine."""
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def allowed_hosts(bound: str) -> frozenset[str] | None:
    """The host names to answer for a server bound to ``bound``; None: any (bound to every
    interface, the user chose to be reachable from other machines)."""
    if binds_every_interface(bound):
        return None
    return frozenset((*LOOPBACK_NAMES, bound.lower()))


def host_name(header: str) -> str:
    """The name in a ``Host`` header, without its port or an IPv6 literal's brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


class LocalHostsOnly:
    """ASGI middleware: 421 Misdirected Request for a ``Host`` that is not this machine's."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str] | None) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.hosts is not None and scope["type"] == "http":
            name = host_name(Headers(scope=scope).get("host", ""))
            if name not in self.hosts and not name.endswith(".localhost"):
                refusal = PlainTextResponse(
                    "This server answers only for this machine (localhost, 127.0.0.1).\n", 421
                )
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)
