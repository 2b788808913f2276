"""The page shown instead of the site while the last build failed.

Everything that comes from the project (message, file, hint, the source excerpt) is HTML-escaped:
a post's front matter can contain anything, including ``</script>``. The page carries its own
styles (the site's stylesheet may be what is broken) and the live-reload script, so it goes
away by itself once the error is fixed.
"""

from __future__ import annotations

import html
from pathlib import Path

from .state import Failure

__all__ = ["overlay_page"]

CONTEXT_LINES = 3

STYLE = """
body{margin:0;background:#1d1f21;color:#e6e6e6;font:16px/1.5 system-ui,sans-serif}
main{max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{color:#ff6b6b;font-size:1.4rem}
.where{font-family:ui-monospace,monospace;color:#8ab4f8}
.message{white-space:pre-wrap;overflow-wrap:anywhere}
.hint{border-left:3px solid #f4c542;padding-left:.75rem}
pre{background:#111;padding:.75rem;overflow:auto;border-radius:4px}
.line{display:block}.line.bad{background:#5c1f1f}
.muted{color:#999;font-size:.9rem}
"""


def overlay_page(failure: Failure, project: Path, script_tag: str) -> str:
    """A complete HTML page describing ``failure``."""
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Build failed · shinmun serve</title>",
        f"<style>{STYLE}</style>",
        script_tag,
        '</head><body><main id="shinmun-build-error">',
        "<h1>Build failed</h1>",
    ]
    if failure.location:
        parts.append(f'<p class="where">{html.escape(failure.location)}</p>')
    parts.append(f'<p class="message">{html.escape(failure.message)}</p>')
    if failure.hint:
        parts.append(f'<p class="hint">{html.escape(failure.hint)}</p>')
    excerpt = _excerpt(project, failure.file, failure.line)
    if excerpt:
        parts.append(f"<pre>{excerpt}</pre>")
    if failure.details:
        parts.append(f"<pre>{html.escape(failure.details)}</pre>")
    parts.append(
        '<p class="muted">The server keeps running: save a fix and this page reloads. '
        "The same error is printed in the terminal.</p>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _excerpt(project: Path, file: str | None, line: int | None) -> str:
    """Numbered lines around ``line`` of a file of the project (escaped), or ``""``."""
    if not file or not line:
        return ""
    root = project.resolve()
    path = (root / file).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return ""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    first = max(1, line - CONTEXT_LINES)
    last = min(len(lines), line + CONTEXT_LINES)
    shown = []
    for number in range(first, last + 1):
        mark = " bad" if number == line else ""
        text = html.escape(lines[number - 1])
        shown.append(f'<span class="line{mark}">{number:>4} | {text}</span>')
    return "".join(shown)
