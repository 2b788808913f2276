"""A uvicorn server run in a thread of this process, for as long as its owner needs it.

The dev server (in tests and the benchmark), the local hub and the Space frame page each run
one; starting it and waiting until it listens is the same for all three.
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

__all__ = ["start_in_thread", "stop_thread"]

STARTUP_TIMEOUT = 10.0


def start_in_thread(
    server: uvicorn.Server, sock: socket.socket, name: str, timeout: float = STARTUP_TIMEOUT
) -> threading.Thread:
    """Run ``server`` on ``sock`` in a daemon thread; return once it accepts connections.

    Raises ``RuntimeError`` naming ``name`` if it stops or is not up within ``timeout``."""
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start")
        time.sleep(0.01)
    return thread


def stop_thread(
    server: uvicorn.Server | None, thread: threading.Thread | None, sock: socket.socket
) -> None:
    """Ask ``server`` to finish, wait for its thread (10 s at most) and close its socket."""
    if server is not None:
        server.should_exit = True
    if thread is not None:
        thread.join(timeout=10)
    sock.close()
