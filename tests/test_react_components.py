"""React components, as the original Shinmun's blog writes them (``import ... from 'react'``,
mounted with ``createRoot``): compiled for React's JSX runtime, and run in Chromium with React
installed from npm; without React installed, the error says what to install."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from shinmun_hf.components import ComponentRef
from shinmun_hf.errors import BuildError
from shinmun_hf.typescript.jsx_runtime import jsx_import_source

COUNTER = """\
// A counter with hooks, mounted by the file itself (Shinmun's style)
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';

function Counter({ start }: { start: number }) {
  const [count, setCount] = useState(start);
  const label: React.ReactNode = <span className="count">{count}</span>;
  return (
    <div className="react-counter">
      {label}
      <button onClick={() => setCount((c) => c + 1)}>Increase</button>
    </div>
  );
}

const container = document.getElementById('counter-react');
if (container) {
  createRoot(container).render(<Counter start={41} />);
}
"""
PAGE = "Try it:\n\n@@typescript-file[counter-react](public/apps/counter-react.tsx)\n"


def react_project(project):
    project.write("public/apps/counter-react.tsx", COUNTER)
    project.page("demo", title="Demo", body=PAGE)
    return project


def test_without_react_installed_the_error_says_what_to_install(project):
    react_project(project)
    with pytest.raises(BuildError) as caught:
        project.build()
    assert 'Could not resolve "react' in caught.value.message
    assert "npm install react react-dom" in (caught.value.hint or "")
    assert caught.value.file == "content/pages/demo.md"


def test_the_runtime_is_react_for_a_file_importing_react_else_the_project_setting(project):
    react_project(project)
    project.write("public/apps/plain.tsx", "export default () => <b>hi</b>;\n")
    root = project.root.resolve()

    def runtime(path: str) -> str:
        return jsx_import_source(root, ComponentRef("x", "content/pages/demo.md", 1, path), "own")

    assert runtime("public/apps/counter-react.tsx") == "react"
    assert runtime("public/apps/plain.tsx") == "own"
    project.write("public/apps/tsconfig.json", '{"compilerOptions": {"jsxImportSource": "preact"}}')
    assert runtime("public/apps/plain.tsx") == "preact"
    assert runtime("public/apps/counter-react.tsx") == "preact"


PACKAGES = ("react@19", "react-dom@19", "@types/react@19", "@types/react-dom@19")


@pytest.fixture(scope="module")
def react_modules(tmp_path_factory) -> Path:
    """React and its types installed from npm once, into a folder the tests copy from (a
    link would point out of the project, which components may not import from)."""
    if shutil.which("npm") is None:
        pytest.skip("needs npm to install React")
    folder = tmp_path_factory.mktemp("npm")
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--silent", *PACKAGES],
        cwd=folder,
        check=True,
        timeout=300,
        capture_output=True,
    )
    return folder / "node_modules"


def install(project, modules: Path, *, types: bool = True) -> None:
    ignore = None if types else shutil.ignore_patterns("@types")
    shutil.copytree(modules, project.root / "node_modules", ignore=ignore, dirs_exist_ok=True)


def test_react_components_are_type_checked_with_reacts_types(project, react_modules):
    from shinmun_hf.typescript import typecheck

    react_project(project)
    install(project, react_modules, types=False)
    ref = ComponentRef("counter-react", "content/pages/demo.md", 6, "public/apps/counter-react.tsx")
    with pytest.raises(BuildError) as caught:
        typecheck(project.root, [ref])
    assert "npm install --save-dev @types/react @types/react-dom" in (caught.value.hint or "")
    install(project, react_modules)
    assert typecheck(project.root, [ref]) == 1


@pytest.mark.browser
def test_a_react_component_with_hooks_builds_mounts_and_reacts(
    project, react_modules, page, serve_directory
):
    react_project(project)
    install(project, react_modules)
    project.build()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(serve_directory(project.out) + "/demo/")
    counter = page.locator("#counter-react .react-counter")
    counter.wait_for()
    assert counter.locator(".count").inner_text() == "41"
    counter.get_by_role("button", name="Increase").click()
    counter.get_by_role("button", name="Increase").click()
    assert counter.locator(".count").inner_text() == "43"
    assert errors == []
    assert not list(project.out.rglob("node_modules"))
