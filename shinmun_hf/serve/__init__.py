"""The development server: ``shinmun serve``.

One module per job: :mod:`.paths` (request path to file, safely), :mod:`.media` (content
types), :mod:`.app` (the ASGI app), :mod:`.livereload` (client, injection, event stream),
:mod:`.events` (fan-out across threads), :mod:`.overlay` (the build-error page),
:mod:`.watcher` (file system events), :mod:`.rebuild` (when to build, what changed),
:mod:`.hub` (the OAuth provider the widget uses) and :mod:`.server` (wiring and shutdown).
The Host-header guard it shares with the local hub is :mod:`shinmun_hf.hosts`.
"""

from .server import DevServer, ServeOptions, default_out

__all__ = ["DevServer", "ServeOptions", "default_out"]
