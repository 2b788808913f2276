"""Markdown to HTML: a pure function of the text and the renderer settings.

That purity is what makes this, the expensive step, safe to cache by content hash and to run in
worker processes. One ``Markdown`` instance is kept per process and reset between documents:
building it costs more than converting a typical post.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, fields
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension

from ..components import ComponentRef
from ..engine import RENDERER_VERSION
from ..urls import LINK_IN_A_TAG
from .directives import DirectiveContext, DirectivePreprocessor
from .highlight_directive import highlight_directive
from .highlighting import CSS_CLASS, formatter_for, use_in_codehilite
from .inline_prefilter import InlinePrefilterExtension
from .smart_punctuation import SmartPunctuationExtension
from .table_of_contents import TableOfContentsExtension
from .typescript_directive import typescript_file_directive, typescript_inline_directive

__all__ = ["RENDERER_VERSION", "RenderedMarkdown", "render_markdown"]


def _extensions() -> list[Extension]:
    """Python-Markdown's extensions, as instances: given by name, each would make Markdown
    scan every installed package's entry points first (60 ms of ``importlib.metadata`` in
    every process that renders a post)."""
    from markdown.extensions.attr_list import AttrListExtension
    from markdown.extensions.codehilite import CodeHiliteExtension
    from markdown.extensions.def_list import DefListExtension
    from markdown.extensions.fenced_code import FencedCodeExtension
    from markdown.extensions.footnotes import FootnoteExtension
    from markdown.extensions.tables import TableExtension

    return [
        FencedCodeExtension(),
        CodeHiliteExtension(
            css_class=CSS_CLASS,
            guess_lang=False,
            wrapcode=True,
            pygments_formatter=formatter_for,
        ),
        TableExtension(),
        FootnoteExtension(BACKLINK_TITLE="Back to reference %d"),
        TableOfContentsExtension(toc_depth="2-6", title=TOC_TITLE),
        AttrListExtension(),
        DefListExtension(),
    ]


FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
TOC_TITLE = "Contents"
"""The title of a ``[TOC]`` box: the theme's own contents box (partials/toc.html) says the same."""
TAG = re.compile(r"<[^>]+>")
BLOCK_TAG = re.compile(
    r"</?(?:address|article|aside|blockquote|br|dd|details|div|dl|dt|figcaption|figure|footer"
    r"|h[1-6]|header|hr|li|main|nav|ol|p|section|summary|table|tbody|td|tfoot|th|thead|tr|ul)"
    r"\b[^>]*>",
    re.I,
)
"""Tags that start a new line of text: each stands for a space in the plain text."""
FOOTNOTE_REFERENCE = re.compile(r'<sup id="fnref[^"]*">.*?</sup>', re.S)
"""A footnote's number in the text ("too.1" is no word of it)."""
CODE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.S)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S)
WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
TEXT_LIMIT = 1000
"""Characters of plain text kept for excerpts: the whole text would double the cache."""
ROOT_RELATIVE = re.compile(LINK_IN_A_TAG + "/(?!/)")


@dataclass(slots=True)
class RenderedMarkdown:
    """The HTML of one document and the facts derived from it."""

    html: str | None
    """``None`` when loaded from the cache without its body (see ``Site.load_body``)."""
    toc: list[dict[str, Any]]
    """Headings ``##``..``######``: ``{level, id, name, children}``."""
    summary_html: str
    """The first paragraph (Shinmun's summary)."""
    text: str
    """The start of the plain text, without code blocks (search excerpts)."""
    word_count: int
    components: tuple[ComponentRef, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def __reduce__(self) -> tuple[type[RenderedMarkdown], tuple[Any, ...]]:
        return (RenderedMarkdown, tuple(getattr(self, f.name) for f in fields(self)))


class _ShinmunExtension(Extension):
    def __init__(self, holder: _Holder) -> None:
        super().__init__()
        self.holder = holder

    def extendMarkdown(self, md: Markdown) -> None:
        directives = DirectivePreprocessor(md, lambda: self.holder.context)
        directives.add_rule("typescript-file", typescript_file_directive, takes_block=False)
        directives.add_rule("typescript", typescript_inline_directive, takes_block=True)
        directives.set_fallback(highlight_directive, takes_block=True)
        # Before fenced code (25) so line numbers are the file's own; it skips fences itself.
        md.preprocessors.register(directives, "shinmun_directives", 27)


class _Holder:
    context: DirectiveContext


_holder = _Holder()
_md: Markdown | None = None


def _markdown() -> Markdown:
    global _md
    if _md is None:
        use_in_codehilite()
        _md = Markdown(
            extensions=[
                *_extensions(),
                SmartPunctuationExtension(),
                InlinePrefilterExtension(),
                _ShinmunExtension(_holder),
            ],
            output_format="html",
        )
    return _md


def render_markdown(
    text: str, *, source: str, line_offset: int = 0, base_path: str = ""
) -> RenderedMarkdown:
    """Render ``text`` (the body of ``source``, starting after ``line_offset`` lines).

    Root-relative links (``/about/``) get ``base_path`` in front, so content written for the
    site root keeps working when the site is published in a folder.
    """
    md = _markdown()
    md.reset()
    _holder.context = DirectiveContext(source=source, line_offset=line_offset)
    body = md.convert(text)
    # Code that scrolls sideways must be reachable from the keyboard (WCAG 2.1.1).
    body = body.replace("<pre>", '<pre tabindex="0">')
    if base_path:
        body = ROOT_RELATIVE.sub(lambda m: f"{m.group(1)}{base_path}/", body)
    context = _holder.context
    toc = getattr(md, "toc_tokens", [])
    first = FIRST_PARAGRAPH.search(body)
    plain = plain_text(body)
    return RenderedMarkdown(
        html=body,
        toc=toc,
        summary_html=first.group(1) if first else "",
        text=plain[:TEXT_LIMIT],
        word_count=len(WORD.findall(plain)),
        components=tuple(context.components),
        warnings=tuple(context.warnings),
    )


def plain_text(fragment: str) -> str:
    """Visible prose of an HTML fragment: code, scripts and tags removed, entities decoded.

    Block tags part words; inline ones (``<code>``, ``<a>``, ``<em>``) do not, so
    "``_site/``, then" reads "_site/, then", not "_site/ , then"."""
    without_code = CODE_BLOCK.sub(" ", SCRIPT_OR_STYLE.sub(" ", fragment))
    spaced = BLOCK_TAG.sub(" ", FOOTNOTE_REFERENCE.sub("", without_code))
    return " ".join(html.unescape(TAG.sub("", spaced)).split())
