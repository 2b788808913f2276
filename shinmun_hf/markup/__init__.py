"""Markdown rendering with Shinmun's ``@@`` directives (one rule per module)."""

from .renderer import RENDERER_VERSION, RenderedMarkdown, plain_text, render_markdown

__all__ = ["RENDERER_VERSION", "RenderedMarkdown", "plain_text", "render_markdown"]
