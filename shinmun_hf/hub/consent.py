"""The hub's HTML pages: the consent screen and the error page. Every value is escaped."""

from __future__ import annotations

from html import escape

__all__ = ["consent_page", "error_page"]

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f8fa;color:#1f2328}
main{max-width:28rem;margin:3rem auto;background:#fff;border:1px solid #d0d7de;
border-radius:12px;padding:1.5rem}
h1{font-size:1.25rem}ul{padding-left:1.2rem}.buttons{display:flex;gap:.75rem;margin-top:1.5rem}
button{font:inherit;padding:.55rem 1.2rem;border-radius:8px;border:1px solid #57606a;
background:#fff;color:#1f2328;cursor:pointer}
button[value=approve]{background:#1f6feb;border-color:#1f6feb;color:#fff}
button:focus-visible{outline:3px solid #b45309;outline-offset:2px}
.note{color:#57606a;font-size:.875rem}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}
main{background:#161b22;border-color:#30363d}button{background:#0d1117;color:#e6edf3}
.note{color:#9da7b3}}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def consent_page(
    *, app_name: str, user: str, scopes: list[str], form_id: str, redirect_uri: str
) -> str:
    items = "".join(f"<li><code>{escape(scope)}</code></li>" for scope in scopes)
    return _page(
        f"Authorize {app_name}",
        f"<h1>Authorize <strong>{escape(app_name)}</strong></h1>"
        f"<p>Signed in as <strong>@{escape(user)}</strong> on the local test hub.</p>"
        f"<p>The app asks for:</p><ul>{items}</ul>"
        f'<p class="note">You will be sent back to {escape(redirect_uri)}</p>'
        '<form method="post" action="/oauth/authorize">'
        f'<input type="hidden" name="form_id" value="{escape(form_id)}">'
        '<div class="buttons">'
        '<button type="submit" name="decision" value="approve">Approve</button>'
        '<button type="submit" name="decision" value="deny">Deny</button>'
        "</div></form>",
    )


def error_page(title: str, message: str) -> str:
    return _page(title, f"<h1>{escape(title)}</h1><p>{escape(message)}</p>")
