"""TypeScript components: bundling, caching, errors (esbuild and deno check, for real)."""

from __future__ import annotations

import re

import pytest

from shinmun_hf.components import ComponentRef
from shinmun_hf.errors import BuildError
from shinmun_hf.typescript import ComponentBundler, typecheck

GREET = 'export function greet(name: string): string {\n  return "Hello, " + name;\n}\n'
COUNTER = """import { greet } from "./greet.ts";

export default function mount(element: HTMLElement): Node {
  let count = 0;
  const output = <output class="count">{count}</output>;
  return (
    <div class="counter" data-mounted-in={element.id}>
      <p class="greeting">{greet("<b>world</b>")}</p>
      <button type="button" onClick={() => { count += 1; output.textContent = String(count); }}>
        Add
      </button>
      {output}
    </div>
  );
}
"""


@pytest.fixture
def components(project):
    project.write("public/apps/greet.ts", GREET)
    project.write("public/apps/counter.tsx", COUNTER)
    return project


def ref(path=None, code=None, line=3, source="content/pages/demo.md", mount="app"):
    return ComponentRef(mount_id=mount, source=source, line=line, path=path, code=code)


def test_bundle_resolves_sibling_module_and_is_minified_esm(components):
    bundler = ComponentBundler(components.root, components.root / ".cache")
    built = bundler.build([ref("public/apps/counter.tsx")])
    (component,) = built.values()
    assert re.fullmatch(r"assets/apps/counter\.[0-9a-f]{8}\.js", component.url_path)
    code = component.files[component.url_path].decode()
    assert "Hello, " in code  # the sibling module is bundled in
    assert "import " not in code  # nothing left to fetch at run time
    assert code.count("\n") <= 2  # minified
    assert component.inputs == ("public/apps/counter.tsx", "public/apps/greet.ts")


def test_same_file_twice_is_one_bundle(components):
    bundler = ComponentBundler(components.root, components.root / ".cache")
    built = bundler.build(
        [
            ref("public/apps/counter.tsx", mount="a"),
            ref("public/apps/counter.tsx", mount="b", source="content/posts/other.md"),
        ]
    )
    assert len(built) == 1
    assert bundler.compiler_runs == 1


def test_unchanged_components_are_not_recompiled_and_edits_are_noticed(components):
    refs = [ref("public/apps/counter.tsx")]
    first = ComponentBundler(components.root, components.root / ".cache")
    url = first.build(refs)["file:public/apps/counter.tsx"].url_path
    again = ComponentBundler(components.root, components.root / ".cache")  # a new process
    assert again.build(refs)["file:public/apps/counter.tsx"].url_path == url
    assert again.compiler_runs == 0
    components.write("public/apps/greet.ts", GREET.replace("Hello", "Hi"))  # a sibling
    edited = ComponentBundler(components.root, components.root / ".cache")
    assert edited.build(refs)["file:public/apps/counter.tsx"].url_path != url
    assert edited.compiler_runs == 1


def test_inline_code_with_blank_lines(project):
    bundler = ComponentBundler(project.root, project.root / ".cache")
    code = "const parts: string[] = [];\n\nparts.push('a');\n\nconsole.log(parts.join());\n"
    (component,) = bundler.build([ref(code=code, mount="")]).values()
    assert component.url_path.startswith("assets/inline/")
    assert "console.log" in component.files[component.url_path].decode()


def test_syntax_error_names_file_line_column_and_embedding_post(components):
    components.write("public/apps/broken.ts", "export const a = 1;\nlet b = = 2;\n")
    bundler = ComponentBundler(components.root, components.root / ".cache")
    with pytest.raises(BuildError) as caught:
        bundler.build([ref("public/apps/broken.ts", line=12)])
    error = caught.value
    assert (error.file, error.line) == ("content/pages/demo.md", 12)
    assert "public/apps/broken.ts:2:" in error.message


def test_unresolved_import_is_an_error(components):
    components.write(
        "public/apps/lonely.ts", 'import { x } from "./missing.ts";\nconsole.log(x);\n'
    )
    with pytest.raises(BuildError, match=r"lonely.ts:1:\d+: Could not resolve"):
        ComponentBundler(components.root, components.root / ".cache").build(
            [ref("public/apps/lonely.ts")]
        )


def test_failing_component_among_several_is_the_one_named(components):
    components.write("public/apps/broken.ts", "let = ;\n")
    refs = [ref("public/apps/counter.tsx", line=2), ref("public/apps/broken.ts", line=7)]
    with pytest.raises(BuildError) as caught:
        ComponentBundler(components.root, components.root / ".cache").build(refs)
    assert caught.value.line == 7
    assert "broken.ts" in caught.value.message


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../outside.ts", "leaves the project folder"),
        ("public/../../outside.ts", "leaves the project folder"),
        ("/etc/passwd.ts", "relative to the project root"),
        ("public/apps/nope.ts", "does not exist"),
    ],
)
def test_paths_outside_the_project_or_missing_are_refused(components, path, message):
    (components.root.parent / "outside.ts").write_text("export {}")
    with pytest.raises(BuildError) as caught:
        ComponentBundler(components.root, components.root / ".cache").build([ref(path, line=5)])
    assert message in caught.value.message
    assert (caught.value.file, caught.value.line) == ("content/pages/demo.md", 5)


def test_type_error_is_reported_by_the_checker(components):
    components.write(
        "public/apps/typed.ts", 'const count: number = "three";\nexport default count;\n'
    )
    assert typecheck(components.root, [ref("public/apps/counter.tsx")]) == 1
    with pytest.raises(BuildError) as caught:
        typecheck(components.root, [ref("public/apps/typed.ts", line=8)])
    error = caught.value
    assert "public/apps/typed.ts:1:7" in error.message
    assert "TS2322" in error.message
    assert (error.file, error.line) == ("content/pages/demo.md", 8)


def test_build_fails_on_compile_error_unless_not_strict(components, monkeypatch):
    components.write("public/apps/broken.ts", "let = ;\n")
    components.page(
        "demo", title="Demo", body="Intro.\n\n@@typescript-file[x](public/apps/broken.ts)\n"
    )
    with pytest.raises(BuildError) as caught:
        components.build()
    assert "content/pages/demo.md:6:" in str(caught.value)  # ---, title, ---, Intro., blank
    monkeypatch.setenv("SHINMUN_STRICT_TYPESCRIPT", "0")
    result = components.build()
    assert any("broken.ts" in w for w in result.warnings)
    html = components.read("demo/index.html")
    assert 'class="typescript-error"' in html
    assert "&lt;" not in html.split("typescript-error")[0][-50:]  # the box is real markup
    assert '<script type="module"' not in html
