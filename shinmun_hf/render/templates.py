"""The Jinja2 environment over ``layouts/`` and what each layout depends on.

A layout's *closure digest* covers its own source and every template it extends, includes or
imports, so a change to ``base.html`` re-renders exactly the outputs whose layouts use it.
"""

from __future__ import annotations

import hashlib
import sys
import traceback
from functools import cached_property
from pathlib import Path
from types import TracebackType

import jinja2
from jinja2 import meta

from ..errors import BuildError, ShinmunError

__all__ = ["Layouts", "template_error"]


class Layouts:
    """The project's Jinja2 layouts (``layouts/``), bound to one build's template API.

    Renders an output by layout name, tells whether a layout exists (or fails naming the
    page that needs it), and gives each layout's *closure digest*: the digest of the layout
    and every layout it extends or includes, which an output's record keeps so that editing
    any of them re-renders exactly the outputs made with it."""

    def __init__(
        self, project: Path, globals_: dict, filters: dict, *, cache_dir: Path | None = None
    ) -> None:
        self.root = project / "layouts"
        # Compiled layouts are kept between processes (Jinja checks each against its source):
        # compiling the theme costs more than rendering the page a small edit needs.
        bytecode_cache = None
        if cache_dir is not None:
            (cache_dir / "layouts").mkdir(parents=True, exist_ok=True)
            bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache_dir / "layouts"))
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.root),
            bytecode_cache=bytecode_cache,
            autoescape=jinja2.select_autoescape(["html", "htm", "xml"], default=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # one environment per build: no need to stat layouts per page
        )
        self.env.globals.update(globals_)
        self.env.filters.update(filters)
        self._sources: dict[str, str | None] = {}
        self._closures: dict[str, str] = {}

    def exists(self, name: str) -> bool:
        return self._source(name) is not None

    def require(
        self, name: str, *, needed_for: str, file: str | None = None, line: int | None = None
    ) -> None:
        if not self.exists(name):
            raise BuildError(
                f"layout layouts/{name} is missing (needed for {needed_for})",
                file=file,
                line=line,
                hint=f"create layouts/{name}, or run 'shinmun init' for a starting theme",
            )

    def get(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise _syntax_error(exc, name) from None
        except jinja2.TemplateNotFound as exc:
            raise BuildError(
                f"layout layouts/{exc.name} is missing", file=f"layouts/{name}"
            ) from None

    @cached_property
    def content_key(self) -> str:
        """Digest of every layout file's name and text: equal keys, equal closures. (A
        ``Layouts`` is replaced as soon as a layout file changes, like ``_sources``.)"""
        hasher = hashlib.blake2b(digest_size=16)
        for name in self.env.list_templates():
            hasher.update(name.encode() + b"\0" + (self._source(name) or "").encode() + b"\0")
        return hasher.hexdigest()

    def closures(self) -> dict[str, str]:
        """The closure digests computed so far (a later build with the same layouts reuses
        them: finding the references means parsing every layout)."""
        return dict(self._closures)

    def adopt_closures(self, closures: dict[str, str]) -> None:
        self._closures.update(closures)

    def closure_digest(self, name: str) -> str:
        """Digest of ``name`` and of every template it references, transitively."""
        if name not in self._closures:
            hasher = hashlib.blake2b(digest_size=12)
            for member in sorted(self._closure(name)):
                hasher.update(member.encode() + b"\0" + (self._source(member) or "").encode())
            self._closures[name] = hasher.hexdigest()
        return self._closures[name]

    def _closure(self, name: str) -> set[str]:
        seen: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            source = self._source(current)
            if source is None:
                continue
            try:
                referenced = list(meta.find_referenced_templates(self.env.parse(source)))
            except jinja2.TemplateSyntaxError as exc:
                raise _syntax_error(exc, current) from None
            if None in referenced:  # a computed name: depend on every layout
                referenced = self.env.list_templates()
            pending.extend(r for r in referenced if r)
        return seen

    def _source(self, name: str) -> str | None:
        if name not in self._sources:
            path = self.root / name
            if name.startswith("/") or ".." in name.replace("\\", "/").split("/"):
                self._sources[name] = None  # (never a file outside layouts/)
                return None
            try:
                self._sources[name] = path.read_text(encoding="utf-8")
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                self._sources[name] = None
            except UnicodeDecodeError as exc:
                line = path.read_bytes()[: exc.start].count(b"\n") + 1
                raise BuildError(
                    "the layout is not valid UTF-8", file=f"layouts/{name}", line=line
                ) from None
        return self._sources[name]


def _syntax_error(exc: jinja2.TemplateSyntaxError, name: str) -> BuildError:
    return BuildError(
        f"syntax error in layout: {exc.message}",
        file=f"layouts/{exc.name or name}",
        line=exc.lineno,
    )


def template_error(exc: Exception, *, rendering: str, fallback: str) -> ShinmunError:
    """Turn an exception raised inside a layout into a one-line error at the layout's line.

    Errors of the project's own files (a config value a helper cannot publish, say) already
    name their file and line, and pass through unchanged."""
    if isinstance(exc, ShinmunError):
        return exc
    file, line = fallback, None
    tb: TracebackType | None = exc.__traceback__ if exc.__traceback__ else sys.exc_info()[2]
    for frame, lineno in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if "/layouts/" in filename.replace("\\", "/") and filename.endswith((".html", ".xml")):
            file = "layouts/" + filename.replace("\\", "/").rsplit("/layouts/", 1)[1]
            line = lineno
    message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
    return BuildError(
        f"{type(exc).__name__} while rendering {rendering}: {message}", file=file, line=line
    )
