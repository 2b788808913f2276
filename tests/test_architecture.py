"""The package's layering (``[tool.importlinter]`` in pyproject.toml) holds: stages import
downwards only, the hub stands apart from the engine, Markdown knows nothing of the site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINT = "import sys, importlinter.cli as c; sys.exit(c.lint_imports(sys.argv[1], no_cache=True))"


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with the repository's contracts, on the ``shinmun_hf`` package found in
    ``package_parent`` (run there: Python finds the package in its working folder first)."""
    environment = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [sys.executable, "-c", LINT, str(REPO / "pyproject.toml")],
        cwd=package_parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_package_keeps_its_import_contracts():
    checked = lint_imports(REPO)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 broken" in checked.stdout


def test_an_upward_import_breaks_the_layers_contract(tmp_path):
    copy = tmp_path / "shinmun_hf"
    shutil.copytree(REPO / "shinmun_hf", copy, ignore=shutil.ignore_patterns("__pycache__"))
    slugs = copy / "content" / "slugs.py"
    slugs.write_text(slugs.read_text() + "\nfrom ..render import outputs  # noqa\n")
    checked = lint_imports(tmp_path)
    assert checked.returncode != 0
    assert "shinmun_hf.content.slugs -> shinmun_hf.render.outputs" in checked.stdout
