"""Browser components embedded in pages: what a directive asks for, and what the bundler made.

The Markdown stage only *records* components (it runs in worker processes and is cached by the
content file's bytes); the bundler turns the records into content-hashed assets once per build,
and the page stage links them. Keeping the record plain data is what lets the three stages stay
independent.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import quote

__all__ = ["PLACEHOLDER", "BuiltComponent", "ComponentRef", "script_placeholder"]

PLACEHOLDER = re.compile(r"<!--shinmun-component:([^>]*?)-->")


@dataclass(frozen=True, slots=True)
class ComponentRef:
    """One ``@@typescript-file[id](path)`` or ``@@typescript[id]`` directive.

    ``key`` identifies the component independently of the page: the same file embedded on many
    pages (or twice on one page) has one key, so it is bundled once and loaded once per page.
    """

    mount_id: str
    source: str
    """Project-relative path of the content file holding the directive."""
    line: int
    """1-based line of the directive in that file."""
    path: str | None = None
    """For ``@@typescript-file``: the path as written, relative to the project root."""
    code: str | None = None
    """For inline ``@@typescript``: the TypeScript source."""

    @property
    def key(self) -> str:
        if self.path is not None:
            return "file:" + self.path
        digest = hashlib.blake2b((self.code or "").encode(), digest_size=8).hexdigest()
        return "inline:" + digest


def script_placeholder(key: str) -> str:
    """The marker the Markdown stage leaves where a component's ``<script>`` belongs.

    The page stage replaces the first marker of each key on a page with the script tag and
    drops the others, so a component embedded twice is loaded once.
    """
    return f"<!--shinmun-component:{quote(key, safe='/:._-')}-->"  # (no '>' or '--' inside)


@dataclass(frozen=True, slots=True)
class BuiltComponent:
    """A bundled component: its public URL path and the files to publish."""

    key: str
    url_path: str
    """Site-relative path of the entry module, e.g. ``assets/apps/hf-oauth-demo.3f9a1c2b.js``."""
    files: dict[str, bytes] = field(default_factory=dict)
    """Site-relative output path -> bytes (the module, and its source map in ``serve``)."""
    inputs: tuple[str, ...] = ()
    """Project-relative paths of every file the bundle read (for rebuild tracking)."""
