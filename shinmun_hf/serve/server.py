"""``shinmun serve``: build, serve, watch, rebuild, tell the browser; stop cleanly.

The parts are independent and wired here: the watcher notifies the :class:`Rebuilder`, whose
thread runs the engine and publishes what changed to the :class:`Broadcaster`, which feeds the
event streams of the ASGI app served by uvicorn. Stopping undoes them in reverse order: event
streams end first (so uvicorn does not wait for open tabs), then the server, the watcher, the
build thread and the local hub.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import ipaddress
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import uvicorn

from ..background_server import start_in_thread
from ..errors import ShinmunError
from ..hosts import LocalHostsOnly, allowed_hosts, binds_every_interface
from ..incremental.manifest import CACHE_DIR
from ..pipeline.builder import Builder, BuildOptions, inputs_of, sources_of
from ..project.config import load_config
from ..writer import check_output_folder
from .app import create_app
from .claim import claim_folder
from .console import Console
from .events import Broadcaster
from .hub import dev_server_variables, hub_port, space_port, start_hub
from .rebuild import Rebuilder
from .watcher import Watcher

__all__ = ["DevServer", "ServeOptions", "default_out"]

STARTUP_TIMEOUT = 60.0


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    """0: any free port (tests, the benchmark)."""
    hub: str = "huggingface"
    """``local``: start the local OAuth hub and point the widget at it."""
    out: Path | None = None
    """Where the served site is built (default: :func:`default_out`)."""
    space: bool = False
    """Also show the site framed as a static Space is (:mod:`.space_frame`), local hub only."""
    build: BuildOptions = field(default_factory=lambda: BuildOptions(dev=True))


def default_out(project: Path, hub: str, space: bool = False) -> Path:
    """A folder of its own, so serving never rewrites ``_site`` (what ``build`` deploys).

    A build for the local hub differs from one for huggingface.co (the widget's variables),
    so each gets its folder and switching between them costs no full rebuild.
    """
    name = "site-space" if space else "site-local-hub" if hub == "local" else "site"
    return project / CACHE_DIR / "serve" / name


class DevServer:
    """The development server of one project. ``run()`` blocks; ``with`` runs it in a thread."""

    def __init__(
        self, project: Path, options: ServeOptions | None = None, console: Console | None = None
    ) -> None:
        self.project = project.resolve()
        self.options = options or ServeOptions()
        self.console = console or Console()
        self.out = (
            self.options.out or default_out(self.project, self.options.hub, self.options.space)
        ).resolve()
        self.broadcaster = Broadcaster()
        self.rebuilder: Rebuilder | None = None
        self.url = ""
        self.space_url = ""
        """The page framing the site (``--space``)."""
        self._stack: contextlib.ExitStack | None = None
        self._server: _Uvicorn | None = None
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._hub_user = ""

    # --- blocking use (the CLI)
    def run(self) -> None:
        """Serve until Ctrl-C (SIGINT) or SIGTERM."""
        with _terminate_as_interrupt(), contextlib.ExitStack() as stack:
            self._open(stack)
            assert self._server is not None and self._socket is not None
            # From now on a signal asks the server to stop rather than raising
            # KeyboardInterrupt: before uvicorn installs its own handlers it imports what it
            # serves with, and an interrupt raised inside an import can be dropped by Python.
            stack.enter_context(_stop_on_signals(self._server.handle_exit))
            self.console.say(f"serving {self.site_url} (Ctrl-C to stop)")
            for line in self.where_to_go():
                self.console.say(line)
            with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the SIGINT it handled
                self._server.run(sockets=[self._socket])
            self.console.say("stopping")

    # --- background use (tests, the benchmark)
    def __enter__(self) -> DevServer:
        self._stack = contextlib.ExitStack()
        try:
            self._open(self._stack)
            server, sock = self._server, self._socket
            assert server is not None and sock is not None
            self._thread = start_in_thread(server, sock, "shinmun-serve", STARTUP_TIMEOUT)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.handle_exit_request()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._stack is not None:
            self._stack.close()

    def where_to_go(self) -> list[str]:
        """The sign-in demo's address, and who signs in there on the local hub."""
        from .hub import DEMO_PAGES

        lines = []
        for page in DEMO_PAGES:
            if (self.out / page / "index.html").is_file():
                lines.append(f"sign-in demo: {self.site_url}{page}")
        if lines and self._hub_user:
            lines.append(
                f"  you sign in as the local hub's test user {self._hub_user}, "
                "no account or password needed"
            )
        return lines

    @property
    def site_url(self) -> str:
        """The site's address (below ``base_path``)."""
        base = self.rebuilder.state.base_path if self.rebuilder else ""
        return f"{self.url}{base}/"

    # --- wiring
    def _open(self, stack: contextlib.ExitStack) -> None:
        """Listen, start the hub, build, watch; everything started is undone by ``stack``."""
        self._check_out()
        self._socket = stack.enter_context(_listen(self.options.host, self.options.port))
        port = self._socket.getsockname()[1]
        self.url = f"http://{_url_host(self.options.host)}:{port}"
        stack.enter_context(claim_folder(self.project, self.out, f"{self.url}/"))
        hub = stack.enter_context(
            start_hub(
                self.options.hub,
                self._origins(port),
                self.project,
                hub_port(self.options.port),
                space=self.options.space,
            )
        )
        if hub.url:
            self.console.say(f"local test hub at {hub.url}")
        self._hub_user = hub.user
        dev = dev_server_variables(self.project, hub.variables)
        rebuilder = self._start_rebuilding(stack, {**dev, **hub.variables})
        app = LocalHostsOnly(
            create_app(
                self.out,
                self.project,
                lambda: rebuilder.state,
                self.broadcaster,
                space_variables=hub.space_variables,
            ),
            allowed_hosts(self.options.host),
        )
        if self.options.space:
            from .space_frame import SpaceFrame

            frame = SpaceFrame(
                self.site_url, self._title(), space_port(self.options.port), self.options.host
            )
            self.space_url = stack.enter_context(frame).url
            self.console.say(f"the site framed as a Space: {self.space_url}")
        config = uvicorn.Config(
            app,
            log_config=None,  # leave the process's logging alone
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=3,
        )
        self._server = _Uvicorn(config, self.broadcaster)
        stack.callback(self.broadcaster.close)

    def _check_out(self) -> None:
        """Refuse at once a folder the build would refuse to write into: serving it would
        publish whatever it holds (``--out .`` is the project), and building into a watched
        folder would start a rebuild after every build."""
        check_output_folder(self.out, sources_of(self.project), inputs_of(self.project))

    def _start_rebuilding(
        self, stack: contextlib.ExitStack, variables: dict[str, object]
    ) -> Rebuilder:
        """The first build, then the watcher feeding the build thread."""
        options = self.options.build
        options = dataclasses.replace(options, variables={**options.variables, **variables})
        builder = Builder(self.project, self.out, options)
        watcher = Watcher(self.project, lambda paths: rebuilder.notify(paths))
        rebuilder = Rebuilder(
            builder,
            publish=self.broadcaster.publish,
            console=self.console,
            built=lambda builder: watcher.watch_component_inputs(builder.component_inputs),
        )
        self.rebuilder = rebuilder
        stack.callback(rebuilder.stop)
        watcher.start()  # before the first build: edits made during it are not lost
        stack.callback(watcher.stop)
        rebuilder.build_first()
        rebuilder.start()
        return rebuilder

    def _title(self) -> str:
        try:
            return load_config(self.project).title
        except ShinmunError:
            return "blog"

    def _origins(self, port: int) -> list[str]:
        """Every origin a browser may use for this server (for the hub's redirect URIs)."""
        hosts = [_url_host(self.options.host)]
        # Bound to every interface (0.0.0.0, ::), this machine's browser uses a loopback name.
        if _is_loopback(self.options.host) or binds_every_interface(self.options.host):
            hosts += ["127.0.0.1", "localhost"]
        return [f"http://{host}:{port}" for host in dict.fromkeys(hosts)]


class _Uvicorn(uvicorn.Server):
    """uvicorn, ending the live-reload streams as soon as it is asked to stop."""

    def __init__(self, config: uvicorn.Config, broadcaster: Broadcaster) -> None:
        super().__init__(config)
        self.broadcaster = broadcaster

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.broadcaster.close()
        super().handle_exit(sig, frame)

    def handle_exit_request(self) -> None:
        """Stop from another thread (no signal)."""
        self.broadcaster.close()
        self.should_exit = True


@contextlib.contextmanager
def _listen(host: str, port: int) -> Iterator[socket.socket]:
    """The listening socket, bound before anything else so a busy port fails fast."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host, port), family=family)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ShinmunError(
                f"port {port} on {host} is already in use",
                hint="stop the other server, or choose another port with --port; "
                "--port 0 takes any free one",
            ) from None
        raise ShinmunError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    with sock:
        yield sock


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM stops like Ctrl-C, also during the first build (before uvicorn handles it).

    Its default action would kill this process alone, leaving a build's worker processes
    behind; as an interrupt, the build is abandoned the way Ctrl-C abandons it.
    """

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _stop_on_signals(stop: Callable[[int, FrameType | None], None]) -> Iterator[None]:
    """SIGINT and SIGTERM call ``stop`` (uvicorn's ``handle_exit``) while the block runs."""
    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
