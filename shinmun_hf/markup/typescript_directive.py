"""``@@typescript-file[id](path)`` and ``@@typescript[id]`` + block: embedded components.

The rule only records a :class:`~shinmun_hf.components.ComponentRef` and leaves a mount point
and a script placeholder; bundling happens once per build in the main process, so this stage
stays a pure function of the file's bytes (and so cacheable and parallel).
"""

from __future__ import annotations

import posixpath
import re
from html import escape

from ..components import ComponentRef, script_placeholder
from .directives import Directive, DirectiveContext

__all__ = ["typescript_file_directive", "typescript_inline_directive"]

MOUNT_ID = re.compile(r"[A-Za-z][\w-]*\Z")


def typescript_file_directive(directive: Directive, context: DirectiveContext) -> str:
    path = (directive.argument or "").strip()
    if not path:
        raise context.error(
            "@@typescript-file needs a path",
            directive.line,
            hint="write @@typescript-file[id](path)",
        )
    if not path.endswith((".ts", ".tsx")):
        raise context.error(
            f"@@typescript-file expects a .ts or .tsx file, got {path!r}", directive.line
        )
    mount_id = _mount_id(directive, context, required=True)
    # one spelling per file, so ``./public/a.tsx`` and ``public/a.tsx`` share one bundle
    path = posixpath.normpath(path.replace("\\", "/"))
    ref = ComponentRef(mount_id=mount_id, source=context.source, line=directive.line, path=path)
    return _embed(ref, context)


def typescript_inline_directive(directive: Directive, context: DirectiveContext) -> str:
    mount_id = _mount_id(directive, context, required=False)
    ref = ComponentRef(
        mount_id=mount_id, source=context.source, line=directive.line, code=directive.body
    )
    return _embed(ref, context)


def _mount_id(directive: Directive, context: DirectiveContext, *, required: bool) -> str:
    mount_id = directive.id or ""
    if not mount_id and required:
        raise context.error(
            f"@@{directive.name} needs an element id", directive.line, hint="write [id] after it"
        )
    if mount_id and not MOUNT_ID.match(mount_id):
        raise context.error(
            f"invalid element id {mount_id!r}: use letters, digits, '-' and '_', "
            "starting with a letter",
            directive.line,
        )
    return mount_id


def _embed(ref: ComponentRef, context: DirectiveContext) -> str:
    if ref.mount_id:
        earlier = next((r for r in context.components if r.mount_id == ref.mount_id), None)
        if earlier is not None:  # two elements of one id: one component would mount twice
            raise context.error(
                f"the element id {ref.mount_id!r} is used twice on this page (lines "
                f"{earlier.line} and {ref.line})",
                ref.line,
                hint="give each component an id of its own",
            )
    context.components.append(ref)
    mount = (
        f'<div id="{escape(ref.mount_id)}" data-shinmun-component="{escape(ref.key)}"></div>\n'
        if ref.mount_id
        else ""
    )
    return mount + script_placeholder(ref.key)
