"""Markdown to HTML: a pure function of the text and the :class:`RenderSettings`.

That purity is what makes this, the expensive step, safe to cache by content hash and to run in
worker processes. The seam between the dialects is one call, text -> HTML; around it, the same
for every dialect:

1. the ``@@`` directives become placeholders (:mod:`.directives`);
2. the dialect parses (:mod:`.gfm` or :mod:`.python_markdown`);
3. the directives' HTML goes back in, ``[TOC]`` becomes the contents (the headings and their
   ids come from the dialect, made by the shared rules of :mod:`.headings`), code becomes
   keyboard-scrollable, root-relative links get ``base_path``;
4. the summary, plain text and word count are read off the result.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, fields
from types import ModuleType
from typing import Any

from ..components import ComponentRef
from ..urls import LINK_IN_A_TAG
from .directives import DirectiveContext, Directives
from .headings import FOOTNOTE_REFERENCE, outline, toc_html
from .highlight_directive import highlight_directive
from .settings import GFM, RenderSettings
from .typescript_directive import typescript_file_directive, typescript_inline_directive

__all__ = ["RenderedMarkdown", "plain_text", "prepare_renderer", "render_markdown"]

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
CODE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.S)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S)
WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
TOC_MARKER = re.compile(r"<p>\[TOC\]</p>")
ID_ATTRIBUTE = re.compile(r"""(<[A-Za-z][^<>]*?)\sid=(?:"[^"]*"|'[^']*')""")
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


def _directives() -> Directives:
    directives = Directives()
    directives.add_rule("typescript-file", typescript_file_directive, takes_block=False)
    directives.add_rule("typescript", typescript_inline_directive, takes_block=True)
    directives.set_fallback(highlight_directive, takes_block=True)
    return directives


DIRECTIVES = _directives()


def _dialect(name: str) -> ModuleType:
    """The dialect's module, imported on first use (a process needs only one of the two
    libraries): ``render(text, smart_punctuation=...) -> (html, headings)`` and
    ``fenced_lines(text)``."""
    if name == GFM:
        from . import gfm

        return gfm
    from . import python_markdown

    return python_markdown


def render_markdown(
    text: str,
    *,
    source: str,
    line_offset: int = 0,
    settings: RenderSettings = RenderSettings(),  # noqa: B008 (frozen)
) -> RenderedMarkdown:
    """Render ``text``, the body of ``source`` starting after ``line_offset`` lines."""
    if "\r" in text:  # Windows line endings: directives and parsers see lines alike
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    dialect = _dialect(settings.dialect)
    context = DirectiveContext(source=source, line_offset=line_offset)
    expansion = DIRECTIVES.expand(text, context, dialect.fenced_lines)
    parsed, headings = dialect.render(expansion.text, smart_punctuation=settings.smart_punctuation)
    body = expansion.restore(parsed)
    toc = outline(headings)
    if "[TOC]" in body:
        contents = (
            f'<div class="toc"><span class="toctitle">{TOC_TITLE}</span>{toc_html(toc)}</div>'
        )
        body = TOC_MARKER.sub(lambda _: contents, body)
    # Code that scrolls sideways must be reachable from the keyboard (WCAG 2.1.1).
    body = body.replace("<pre>", '<pre tabindex="0">')
    if settings.base_path:
        body = ROOT_RELATIVE.sub(lambda m: f"{m.group(1)}{settings.base_path}/", body)
    first = FIRST_PARAGRAPH.search(body)
    plain = plain_text(body)
    return RenderedMarkdown(
        html=body,
        toc=toc,
        summary_html=_summary(first.group(1)) if first else "",
        text=plain[:TEXT_LIMIT],
        word_count=len(WORD.findall(plain)),
        components=tuple(context.components),
        warnings=tuple(context.warnings),
    )


def prepare_renderer(settings: RenderSettings) -> None:
    """Import the dialect and build its parser now, in this process: workers forked after
    this inherit them, instead of each paying for the imports on its own."""
    render_markdown("", source="", settings=settings)


def _summary(paragraph: str) -> str:
    """The first paragraph as listings show it: without footnote references (their notes are
    not there) and without ids (several summaries share a page; the post keeps its own)."""
    return ID_ATTRIBUTE.sub(r"\1", FOOTNOTE_REFERENCE.sub("", paragraph))


def plain_text(fragment: str) -> str:
    """Visible prose of an HTML fragment: code, scripts and tags removed, entities decoded.

    Block tags part words; inline ones (``<code>``, ``<a>``, ``<em>``) do not, so
    "``_site/``, then" reads "_site/, then", not "_site/ , then"."""
    without_code = CODE_BLOCK.sub(" ", SCRIPT_OR_STYLE.sub(" ", fragment))
    spaced = BLOCK_TAG.sub(" ", FOOTNOTE_REFERENCE.sub("", without_code))
    return " ".join(html.unescape(TAG.sub("", spaced)).split())
