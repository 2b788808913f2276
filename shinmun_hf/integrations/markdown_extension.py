"""The ``shinmun_hf`` Python-Markdown extension: components and the sign-in widget for any
Python-Markdown site (MkDocs, ProperDocs, Zensical, Pelican, a script of your own).

It gives Markdown the engine's own directives, with the engine's directive code and bundler:

* ``@@typescript-file[id](path)``: a ``.ts``/``.tsx`` file (``path`` from ``project_dir``),
  bundled with esbuild and mounted on ``<div id="id">``;
* ``@@typescript[id]`` + an indented block: inline TypeScript;
* ``@@hf-chat[id]`` (or a raw ``<hf-chat></hf-chat>`` line): the prebuilt sign-in widget.

Bundles are written to ``assets`` (site path -> bytes) for the generator to publish, under
``base_url`` (the site's path, ``/`` by default), which the page's ``<script>`` tags use.
Errors (a bad path, code esbuild rejects) name the Markdown file and line and the component's
``file:line:col``; with ``raise_errors`` off they are kept in ``errors`` and the page shows a
``typescript-error`` box, so an adapter can fail its generator's build its own way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from ..components import PLACEHOLDER, ComponentRef, script_placeholder
from ..errors import ShinmunError
from ..markup.directives import Directive, DirectiveContext, Directives, Expansion
from ..markup.python_markdown import fenced_lines
from ..markup.typescript_directive import typescript_file_directive, typescript_inline_directive
from .widget_bundle import SCRIPT

__all__ = ["WIDGET_DIR", "WIDGET_KEY", "ShinmunHfExtension", "makeExtension"]

WIDGET_KEY = "widget:hf-chat"
"""The script placeholder key of the prebuilt widget."""
WIDGET_DIR = "assets/shinmun-hf"
"""Where the prebuilt widget is published, below the site's root."""
HF_CHAT_TAG = re.compile(r"<hf-chat[\s>]")
MOUNT_ID = re.compile(r"[A-Za-z][\w-]*\Z")


def hf_chat_directive(directive: Directive, context: DirectiveContext) -> str:
    """``@@hf-chat[id]``: the prebuilt widget's element (the id is optional)."""
    mount_id = directive.id or ""
    if mount_id and not MOUNT_ID.match(mount_id):
        raise context.error(
            f"invalid element id {mount_id!r}: use letters, digits, '-' and '_', "
            "starting with a letter",
            directive.line,
        )
    element = f'<hf-chat id="{escape(mount_id)}"></hf-chat>' if mount_id else "<hf-chat></hf-chat>"
    return element + "\n" + script_placeholder(WIDGET_KEY)


def _directives() -> Directives:
    directives = Directives()
    directives.add_rule("typescript-file", typescript_file_directive, takes_block=False)
    directives.add_rule("typescript", typescript_inline_directive, takes_block=True)
    directives.add_rule("hf-chat", hf_chat_directive, takes_block=False)
    return directives


DIRECTIVES = _directives()


class ShinmunHfExtension(Extension):
    """One instance per site: it collects the bundles, errors and components of every page."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "project_dir": [".", "the folder @@typescript-file paths start from"],
            "cache_dir": ["", "where bundles are cached (default: PROJECT/.shinmun-cache)"],
            "base_url": ["/", "the site's path on its server: scripts are linked below it"],
            "raise_errors": [True, "raise component errors (else keep them in .errors)"],
        }
        super().__init__(**kwargs)
        self.source = "<markdown>"
        """The document being converted, as errors name it (adapters set it per page)."""
        self.line_offset = 0
        """Lines of the file before the text Markdown gets (front matter stripped by MkDocs)."""
        self.assets: dict[str, bytes] = {}
        """Site path -> bytes of every bundle the pages link."""
        self.components: list[ComponentRef] = []
        """Every component embedded so far (for a type check at the end of a build)."""
        self.errors: list[ShinmunError] = []
        self.uses_widget = False
        """Whether any page has the prebuilt widget (its files must then be published)."""
        self._bundler: Any = None

    # --- settings
    @property
    def project_dir(self) -> Path:
        return Path(self.getConfig("project_dir")).resolve()

    @property
    def base_url(self) -> str:
        base = str(self.getConfig("base_url") or "/")
        return base if base.endswith("/") else base + "/"

    def bundler(self) -> Any:
        if self._bundler is None:
            from ..typescript import ComponentBundler  # esbuild only for pages with components

            cache = self.getConfig("cache_dir") or self.project_dir / ".shinmun-cache"
            self._bundler = ComponentBundler(self.project_dir, Path(cache) / "components")
        return self._bundler

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        # `<hf-chat>` alone on a line is a block of raw HTML, not text in a paragraph.
        if "hf-chat" not in md.block_level_elements:
            md.block_level_elements.append("hf-chat")
        # After whitespace normalising (30), before Pelican's metadata (27) and fenced code
        # (25): line numbers are still the file's own.
        md.preprocessors.register(_DirectivePreprocessor(md, self), "shinmun_hf_directives", 28)
        # After raw HTML is put back (30): the placeholders are comments kept as raw HTML.
        md.postprocessors.register(_ComponentPostprocessor(md, self), "shinmun_hf_components", 20)

    def reset(self) -> None:
        """Called by Markdown between documents: nothing per-site is forgotten."""

    def begin_site(self) -> None:
        """Forget the last build's pages (a generator rebuilding in the same process)."""
        self.assets.clear()
        self.components.clear()
        self.errors.clear()
        self.uses_widget = False

    # --- the page's components
    def link(self, html: str, document: _Document) -> str:
        """Put the directives' HTML back and each component's ``<script>`` in place.

        Python-Markdown runs postprocessors on pieces too (``toc`` on each heading's text):
        the document's components are bundled once, when a placeholder first shows up."""
        if document.expansion is not None:
            html = document.expansion.restore(html)
        if HF_CHAT_TAG.search(html) and script_placeholder(WIDGET_KEY) not in html:
            html += "\n" + script_placeholder(WIDGET_KEY)
        if "<!--shinmun-component:" not in html:
            return html
        if document.built is None:
            document.built, document.failed = self._bundle(document.refs)
        built, failed = document.built, document.failed
        seen: set[str] = set()

        def replace(match: re.Match[str]) -> str:
            key = unquote(match.group(1))
            if key in seen:
                return ""
            seen.add(key)
            if key == WIDGET_KEY:
                self.uses_widget = True
                return self._script(f"{WIDGET_DIR}/{SCRIPT}")
            if key in built:
                return self._script(built[key])
            error = failed.get(key)
            if error is None:
                return ""
            return (
                '<div class="typescript-error" role="alert"><strong>TypeScript compilation '
                f"error</strong><pre>{escape(str(error))}</pre></div>"
            )

        return PLACEHOLDER.sub(replace, html)

    def _script(self, path: str) -> str:
        return f'<script type="module" src="{escape(self.base_url + path)}"></script>'

    def _bundle(self, refs: list[ComponentRef]) -> tuple[dict[str, str], dict[str, ShinmunError]]:
        """Bundle this page's components: key -> site path, and key -> error."""
        if not refs:
            return {}, {}
        self.components.extend(refs)
        bundler = self.bundler()
        built: dict[str, str] = {}
        failed: dict[str, ShinmunError] = {}
        for ref in refs:  # one by one: an error is this component's, named with its line
            try:
                component = bundler.build([ref])[ref.key]
            except ShinmunError as error:
                self.fail(error)
                failed[ref.key] = error
                continue
            self.assets.update(component.files)
            built[ref.key] = component.url_path
        return built, failed

    def fail(self, error: ShinmunError) -> None:
        if self.getConfig("raise_errors"):
            raise error
        self.errors.append(error)


@dataclass(slots=True)
class _Document:
    """What one conversion found: the directives' expansion, components, and their bundles."""

    expansion: Expansion | None = None
    refs: list[ComponentRef] = field(default_factory=list)
    built: dict[str, str] | None = None
    failed: dict[str, ShinmunError] = field(default_factory=dict)


class _DirectivePreprocessor(Preprocessor):
    def __init__(self, md: Markdown, extension: ShinmunHfExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        extension = self.extension
        context = DirectiveContext(source=extension.source, line_offset=extension.line_offset)
        try:
            expansion = DIRECTIVES.expand("\n".join(lines), context, fenced_lines)
        except ShinmunError as error:
            extension.fail(error)
            self.md.shinmun_hf_document = _Document()  # type: ignore[attr-defined]
            return lines
        document = _Document(expansion, context.components)
        self.md.shinmun_hf_document = document  # type: ignore[attr-defined]
        return expansion.text.split("\n")


class _ComponentPostprocessor(Postprocessor):
    def __init__(self, md: Markdown, extension: ShinmunHfExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        document = getattr(self.md, "shinmun_hf_document", None) or _Document()
        return self.extension.link(text, document)


def makeExtension(**kwargs: Any) -> ShinmunHfExtension:
    return ShinmunHfExtension(**kwargs)
