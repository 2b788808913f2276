"""The sign-in widget as shipped: it type-checks, fits its size budget and never writes HTML."""

from __future__ import annotations

import importlib.util
import re
import tempfile
from pathlib import Path

import pytest
from conftest import REPO

from shinmun_hf.components import ComponentRef

typescript = pytest.importorskip("shinmun_hf.typescript", reason="needs the TypeScript bundler")

WIDGET = ComponentRef(
    mount_id="hf-demo", source="tests", line=1, path="public/apps/hf-oauth-demo.tsx"
)


def _size_script():
    spec = importlib.util.spec_from_file_location("widget_size", REPO / "bench" / "widget_size.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundle() -> str:
    with tempfile.TemporaryDirectory() as cache:
        built = typescript.ComponentBundler(REPO, Path(cache)).build([WIDGET])
    (code,) = [data for path, data in built[WIDGET.key].files.items() if path.endswith(".js")]
    return code.decode()


def test_type_checks_in_strict_mode() -> None:
    assert typescript.typecheck(REPO, [WIDGET]) == 1


def test_fits_the_size_budget() -> None:
    size = _size_script().measure()
    assert size["gzipped"] <= size["budget"] == 12_000, size  # sign-in and chat (issues 17, 18)


@pytest.mark.parametrize(
    "forbidden",
    [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "localStorage",
        "api-inference.huggingface.co",
        "eval(",
    ],
)
def test_never_writes_html_nor_uses_local_storage(bundle: str, forbidden: str) -> None:
    assert forbidden not in bundle


def test_no_inline_style_attributes_needed(bundle: str) -> None:
    """The stylesheet is adopted (CSP style-src 'self' allows it); no style= anywhere."""
    assert "adoptedStyleSheets" in bundle
    assert not re.search(r"""\bstyle\s*:\s*["'{]""", bundle)
