"""Helpers for the ``shinmun serve`` tests: a server in a thread, edits that wait for their
rebuild, raw HTTP requests (clients normalise ``..`` away) and a server-sent events reader."""

from __future__ import annotations

import contextlib
import hashlib
import json
import queue
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from shinmun_hf.pipeline.builder import BuildOptions
from shinmun_hf.serve import DevServer, ServeOptions
from shinmun_hf.serve.console import Console

TIMEOUT = 15.0


class _Quiet:
    """A text stream that keeps what is written (the server's terminal output)."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


@contextlib.contextmanager
def running(root: Path, **build: object) -> Iterator[DevServer]:
    """``shinmun serve`` of ``root`` on a free port, in a thread; stopped afterwards."""
    output = _Quiet()
    options = ServeOptions(port=0, hub="huggingface", build=BuildOptions(dev=True, **build))
    with DevServer(root, options, Console(output, output)) as server:  # type: ignore[arg-type]
        yield server


def terminal(server: DevServer) -> str:
    """What the server printed so far."""
    return server.console.out.text  # type: ignore[attr-defined]


def edit(server: DevServer, change: Callable[[], object]) -> None:
    """Make a change to the project and wait until the server has rebuilt after it."""
    assert server.rebuilder is not None
    seen = server.rebuilder.received
    change()
    assert server.rebuilder.wait_idle(seen, TIMEOUT), "no rebuild after the change"


def raw_get(url: str, target: str) -> tuple[int, bytes]:
    """GET ``target`` verbatim (no normalisation); returns (status, body)."""
    host, port = httpx.URL(url).host, httpx.URL(url).port
    with socket.create_connection((host, port), timeout=TIMEOUT) as sock:
        request = f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"
        sock.sendall(request.encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def snapshot(directory: Path) -> dict[str, str]:
    """Every file of a built site (but the writer's marker) -> sha256."""
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != ".shinmun-output"
    }


class EventReader:
    """Reads ``/__shinmun/events`` on a thread; ``next()`` returns (name, data) in order."""

    def __init__(self, base_url: str, since: str | None = None) -> None:
        self.events: queue.Queue[tuple[str, dict]] = queue.Queue()
        self._client = httpx.Client(timeout=httpx.Timeout(TIMEOUT, read=None))
        params = {"since": since} if since is not None else None
        self._stream = self._client.stream("GET", f"{base_url}/__shinmun/events", params=params)
        self._response = self._stream.__enter__()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        name, data = "message", ""
        with contextlib.suppress(httpx.HTTPError):
            for line in self._response.iter_lines():
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
                elif line == "" and data:
                    self.events.put((name, json.loads(data)))
                    name, data = "message", ""
        self.events.put(("closed", {}))

    def next(self, timeout: float = TIMEOUT) -> tuple[str, dict]:
        return self.events.get(timeout=timeout)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._stream.__exit__(None, None, None)
        self._client.close()
