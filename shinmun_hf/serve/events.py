"""Fan-out of server-sent events from the build thread to every open page.

Builds run on their own thread; each page's event stream is a coroutine on the server's event
loop. :meth:`Broadcaster.publish` is the one crossing point: it hands the event to the loop
with ``call_soon_threadsafe``, so no stream ever waits on a lock held by a build.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass
from typing import Any

__all__ = ["Broadcaster", "Event"]


@dataclass(frozen=True, slots=True)
class Event:
    """One server-sent event: a name and a JSON payload."""

    name: str
    data: dict[str, Any]

    def encode(self) -> bytes:
        payload = json.dumps(self.data, separators=(",", ":"))
        return f"event: {self.name}\ndata: {payload}\n\n".encode()


class Broadcaster:
    """Queues of the connected streams; ``None`` in a queue tells its stream to end."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # re-entrant: close() may run in a signal handler
        self._queues: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Event | None]]] = set()
        self._closed = False

    def subscribe(self) -> asyncio.Queue[Event | None]:
        """A queue for the calling stream (call from the event loop)."""
        queue: asyncio.Queue[Event | None] = asyncio.Queue()
        with self._lock:
            if self._closed:
                queue.put_nowait(None)
            else:
                self._queues.add((asyncio.get_running_loop(), queue))
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event | None]) -> None:
        with self._lock:
            self._queues = {pair for pair in self._queues if pair[1] is not queue}

    @property
    def listeners(self) -> int:
        with self._lock:
            return len(self._queues)

    def publish(self, event: Event) -> None:
        """Send ``event`` to every stream (from any thread)."""
        self._send(event)

    def close(self) -> None:
        """End every stream, now and for later subscribers (the server is stopping).

        Safe from a signal handler: only ``call_soon_threadsafe`` touches the loop.
        """
        with self._lock:
            self._closed = True
        self._send(None)

    def _send(self, event: Event | None) -> None:
        with self._lock:
            targets = list(self._queues)
        for loop, queue in targets:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, event)
            except RuntimeError:  # that loop has already stopped
                continue
