"""Build hook (setuptools ``build_py``): the wheel carries the example blog for ``shinmun init``.

The example blog is the repository root (config.yml, content/, layouts/, public/), which is also
the project's own demo site. Copying it into ``shinmun_hf/_blog`` when a wheel is built keeps a
single copy in the repository; editable installs skip the copy, as ``shinmun init`` reads the
checkout itself. setuptools loads this module by its path while building, before any dependency
is installed, so it uses the standard library only and reads ``BLOG_ENTRIES`` from
``project/scaffold.py`` without importing it.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from setuptools.command.build_py import build_py

__all__ = ["BuildPyWithBlog"]

PACKAGE = Path(__file__).resolve().parent
SKIPPED = shutil.ignore_patterns(".*", "__pycache__", "node_modules")


def blog_entries() -> tuple[str, ...]:
    tree = ast.parse((PACKAGE / "project" / "scaffold.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            getattr(target, "id", None) == "BLOG_ENTRIES" for target in node.targets
        ):
            return tuple(ast.literal_eval(node.value))
    raise RuntimeError("BLOG_ENTRIES is missing from shinmun_hf/project/scaffold.py")


class BuildPyWithBlog(build_py):
    """``build_py`` that also copies the example blog to ``shinmun_hf/_blog`` in the build."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        root = PACKAGE.parent
        target = Path(self.build_lib, "shinmun_hf", "_blog")
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for name in blog_entries():
            source = root / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=SKIPPED)
            else:
                shutil.copy2(source, target / name)
