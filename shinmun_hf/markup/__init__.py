"""Markdown rendering: two dialects behind one seam, Shinmun's ``@@`` directives and everything
around the parser written once (see :mod:`.renderer`).

The renderer is imported on first use: a build with nothing to render (or the config, which
reads the settings) must not pay for importing a Markdown library and Pygments.
"""

from typing import TYPE_CHECKING, Any

from .settings import DEFAULT_DIALECT, DIALECTS, RENDERER_VERSION, RenderSettings

if TYPE_CHECKING:
    from .renderer import RenderedMarkdown, plain_text, prepare_renderer, render_markdown

__all__ = [
    "DEFAULT_DIALECT",
    "DIALECTS",
    "RENDERER_VERSION",
    "RenderSettings",
    "RenderedMarkdown",
    "plain_text",
    "prepare_renderer",
    "render_markdown",
]


def __getattr__(name: str) -> Any:
    if name in ("RenderedMarkdown", "plain_text", "prepare_renderer", "render_markdown"):
        from . import renderer

        return getattr(renderer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
