"""``shinmun check``: build the site, then report broken internal links and missing anchors.

Each problem is one ``file:line: message`` line pointing at the Markdown (or config.yml, or
layout) line to fix. Embedded TypeScript components are type-checked too, when the TypeScript
package offers it. Exit status 1 when anything is wrong, so CI can run it before deploying.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .build import (
    add_build_options,
    add_out_option,
    build_options,
    clear_progress,
    counted,
    output_folder,
    shown_path,
)

if TYPE_CHECKING:
    from ..pipeline.builder import BuildOptions, BuildResult
    from ..render.linkcheck import Problem
    from ..site.model import Site

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "check",
        help="build, then report broken links, missing anchors and component type errors",
        description="Build the site (incrementally), then report every broken internal link "
        "and missing #anchor with the file and line that holds it. Exits 1 when any is found.",
    )
    add_out_option(parser)
    add_build_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..pipeline.builder import Builder
    from ..render.linkcheck import LinkChecker
    from ..render.outputs import plan_outputs

    project = args.project.resolve()
    out = output_folder(args)
    options = build_options(args)
    try:
        result = Builder(project, out, options).build()
    finally:
        clear_progress(options)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)

    site = _site_of(result, project, options)
    checker = LinkChecker(project, result.out, site, plan_outputs(site))
    link_problems = checker.check()
    typed, type_report = type_problems(project, site)
    problems = link_problems + typed
    for problem in problems:
        print(problem)
    pages = sum(1 for f in checker.files if f.endswith(".html"))
    checked = f"checked {counted(checker.checked, 'link')} on {counted(pages, 'page')}"
    if type_report and (typed or not args.quiet):
        print(type_report, file=sys.stderr if typed else sys.stdout)
    if problems:
        files = len({p.file for p in problems})
        print(
            f"{counted(len(problems), 'problem')} in {counted(files, 'file')}; {checked} "
            f"of {shown_path(result.out)}",
            file=sys.stderr,
        )
        return 1
    if not args.quiet:
        print(f"no broken links: {checked}")
    return 0


def type_problems(project: Path, site: Site) -> tuple[list[Problem], str]:
    """Type errors in embedded components, from the TypeScript package's ``typecheck``, and
    a line saying what the type check did (empty when there is no component to check)."""
    from ..errors import ShinmunError
    from ..render.linkcheck import Problem

    refs = site.component_refs()
    if not refs:
        return [], ""
    try:
        from ..typescript import typecheck  # type: ignore[attr-defined]
    except ImportError:
        return [], "note: component type check skipped: no TypeScript checker is installed"
    try:
        checked = typecheck(project, refs)
    except ShinmunError as exc:
        problem = Problem(exc.file or "components", exc.line, _one_line(exc))
        return [problem], "type check of the components: failed, the first error is listed above"
    return [], f"type check of the components: no errors in {counted(checked, 'file')}"


def _one_line(exc: Exception) -> str:
    from ..errors import ShinmunError

    if isinstance(exc, ShinmunError):
        text = f"{exc.message} ({exc.hint})" if exc.hint else exc.message
    else:
        text = str(exc)
    return " ".join(text.split())


def _site_of(result: BuildResult, project: Path, options: BuildOptions) -> Site:
    """The site model of the build: from the result when the build hands it over, else made
    by the build's own stages (the build just validated the content, so this cannot fail)."""
    site = getattr(result, "site", None)
    if site is not None:
        return site
    from ..pipeline.builder import Builder

    out = getattr(result, "out", None) or project / "_site"
    return Builder(project, out, options).site_model()
