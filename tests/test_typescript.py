"""TypeScript components: bundling, caching, errors (esbuild and deno check, for real)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from waiting import settle

from shinmun_hf.components import ComponentRef
from shinmun_hf.errors import BuildError
from shinmun_hf.typescript import CompileError, ComponentBundler, typecheck

FIXTURES = Path(__file__).parent / "fixtures" / "typescript"
GREET = (FIXTURES / "greet.ts").read_text(encoding="utf-8")
COUNTER_KEY = "file:public/apps/counter.tsx"


def add_components(project) -> None:
    """The fixture components, in the project's ``public/apps/``."""
    for source in FIXTURES.iterdir():
        project.write(f"public/apps/{source.name}", source.read_text(encoding="utf-8"))


@pytest.fixture
def components(project):
    add_components(project)
    return project


def bundler(project, **options) -> ComponentBundler:
    return ComponentBundler(project.root, project.root / ".cache", **options)


def ref(path=None, code=None, line=3, source="content/pages/demo.md", mount="app"):
    return ComponentRef(mount_id=mount, source=source, line=line, path=path, code=code)


# --- bundling
def test_bundle_resolves_sibling_module_and_is_minified_esm(components):
    built = bundler(components).build([ref("public/apps/counter.tsx")])
    (component,) = built.values()
    assert re.fullmatch(r"assets/apps/counter\.[0-9a-f]{8}\.js", component.url_path)
    assert list(component.files) == [component.url_path]  # no source map outside `serve`
    code = component.files[component.url_path].decode()
    assert "Hello, " in code  # the sibling module is bundled in
    assert "import " not in code and "require(" not in code  # nothing to fetch at run time
    assert not code.startswith(("(()=>", "(function", '"use strict"'))  # ESM, not an IIFE
    assert code.count("\n") <= 2  # minified
    assert "createElement" in code  # the built-in JSX runtime, bundled in
    sources = [file for file in component.inputs if file.endswith((".ts", ".tsx"))]
    assert sources == ["public/apps/counter.tsx", "public/apps/greet.ts"]
    # and the config files that would apply, present or not (see the tsconfig.json test)
    assert {"tsconfig.json", "public/tsconfig.json", "public/apps/package.json"} <= set(
        component.inputs
    )


def test_same_file_twice_is_one_bundle(components):
    compiler = bundler(components)
    built = compiler.build(
        [
            ref("public/apps/counter.tsx", mount="a"),
            ref("public/apps/counter.tsx", mount="b", source="content/posts/other.md"),
        ]
    )
    assert list(built) == [COUNTER_KEY]
    assert compiler.compiler_runs == 1


def test_all_components_share_one_esbuild_run(components):
    compiler = bundler(components)
    built = compiler.build(
        [
            ref("public/apps/counter.tsx"),
            ref("public/apps/semantics.tsx"),
            ref(code="console.log('inline');\n", mount=""),
        ]
    )
    assert len(built) == 3
    assert compiler.compiler_runs == 1
    assert len({component.url_path for component in built.values()}) == 3


def test_path_is_normalised_before_naming_the_output(components):
    (component,) = bundler(components).build([ref("public/../public/apps/counter.tsx")]).values()
    assert re.fullmatch(r"assets/apps/counter\.[0-9a-f]{8}\.js", component.url_path)


def test_inline_code_with_blank_lines_and_its_output_path(project):
    code = "const parts: string[] = [];\n\nparts.push('a');\n\n\nconsole.log(parts.join());\n"
    (component,) = bundler(project).build([ref(code=code, mount="")]).values()
    assert re.fullmatch(r"assets/inline/[0-9a-f]{8}\.js", component.url_path)
    assert "console.log" in component.files[component.url_path].decode()
    # no module of the project's (the code lives in the page), only the root's config files
    assert component.inputs == ("jsconfig.json", "package.json", "tsconfig.json")


def test_dev_adds_a_source_map_named_after_the_published_file(components):
    (component,) = bundler(components, dev=True).build([ref("public/apps/counter.tsx")]).values()
    script, source_map = component.url_path, component.url_path + ".map"
    assert sorted(component.files) == [script, source_map]
    published = script.rsplit("/", 1)[1]
    assert component.files[script].decode().rstrip().endswith(f"sourceMappingURL={published}.map")
    data = json.loads(component.files[source_map])
    assert {"public/apps/counter.tsx", "public/apps/greet.ts"} <= set(data["sources"])
    assert "shinmun-jsx/jsx-runtime.ts" in data["sources"]
    assert any("Hello, " in text for text in data["sourcesContent"])


def test_importing_css_is_refused(components):
    components.write("public/apps/look.css", "p { color: red }\n")
    components.write("public/apps/styled.ts", 'import "./look.css";\n')
    with pytest.raises(CompileError, match="imports CSS"):
        bundler(components).build([ref("public/apps/styled.ts")])


# --- cache
def test_unchanged_components_are_not_recompiled_and_edits_are_noticed(components):
    refs = [ref("public/apps/counter.tsx")]
    url = bundler(components).build(refs)[COUNTER_KEY].url_path
    again = bundler(components)  # a new bundler, as in a new process
    assert again.build(refs)[COUNTER_KEY].url_path == url
    assert again.compiler_runs == 0
    components.write("public/apps/greet.ts", GREET.replace("Hello", "Hi"))  # a sibling
    edited = bundler(components)
    rebuilt = edited.build(refs)[COUNTER_KEY]
    assert rebuilt.url_path != url
    assert "Hi, " in rebuilt.files[rebuilt.url_path].decode()
    assert edited.compiler_runs == 1


def test_an_edit_of_a_module_that_adds_no_bytes_of_its_own_is_noticed(project):
    """An inlined constant or a re-export is not among esbuild's per-output inputs, but its
    edit changes the bundle."""
    project.write("public/c/a.ts", 'import { msg } from "./util";\ndocument.title = msg;\n')
    project.write("public/c/util.ts", 'export const msg = "ONE";\n')
    refs = [ref("public/c/a.ts")]
    first = bundler(project).build(refs)["file:public/c/a.ts"]
    assert "public/c/util.ts" in first.inputs
    project.write("public/c/util.ts", 'export const msg = "TWO";\n')
    again = bundler(project).build(refs)["file:public/c/a.ts"]
    assert "TWO" in again.files[again.url_path].decode()


def test_a_change_of_tsconfig_json_rebuilds_the_bundle(project):
    project.write("public/c/v1.ts", 'export const v = "V1";\n')
    project.write("public/c/v2.ts", 'export const v = "V2";\n')
    project.write("public/c/a.ts", 'import { v } from "@v";\ndocument.title = v;\n')
    config = {"compilerOptions": {"baseUrl": ".", "paths": {"@v": ["public/c/v1.ts"]}}}
    project.write("tsconfig.json", json.dumps(config))
    refs = [ref("public/c/a.ts")]
    first = bundler(project).build(refs)["file:public/c/a.ts"]
    assert "V1" in first.files[first.url_path].decode()
    config["compilerOptions"]["paths"]["@v"] = ["public/c/v2.ts"]
    project.write("tsconfig.json", json.dumps(config))
    again = bundler(project).build(refs)["file:public/c/a.ts"]
    assert "V2" in again.files[again.url_path].decode()


@pytest.mark.parametrize("how", ["absolute", "relative"])
def test_an_import_from_outside_the_project_is_refused(project, tmp_path, how):
    """The directive's path is checked; what it imports must stay inside the project too, or
    a component could publish any file of the building machine."""
    private = tmp_path / "private.ts"
    private.write_text('export const notes = "PRIVATE-NOTES";\n')
    target = str(private) if how == "absolute" else "../../../private.ts"
    project.write("public/c/a.ts", f'import {{ notes }} from "{target}";\nconsole.log(notes);\n')
    with pytest.raises(CompileError) as caught:
        bundler(project).build([ref("public/c/a.ts")])
    assert "outside the project" in str(caught.value) and str(private) in str(caught.value)
    assert caught.value.file == "content/pages/demo.md"


@pytest.mark.parametrize("url", ["https://cdn.example/lib.js", "//cdn.example/lib.js"])
def test_an_import_from_a_url_is_refused(project, url):
    """It would stay a request to another site at run time: no CDN, whatever the CSP."""
    project.write("public/c/a.ts", f'import {{ f }} from "{url}";\nf();\n')
    with pytest.raises(CompileError) as caught:
        bundler(project).build([ref("public/c/a.ts")])
    assert f"it imports {url}; components are bundled whole" in str(caught.value)


def test_build_and_serve_bundles_are_cached_side_by_side(components):
    refs = [ref("public/apps/counter.tsx")]
    bundler(components).build(refs)
    bundler(components, dev=True).build(refs)
    for dev in (False, True):
        again = bundler(components, dev=dev)
        (component,) = again.build(refs).values()
        assert again.compiler_runs == 0
        assert (component.url_path + ".map" in component.files) is dev


def test_cache_keeps_only_blobs_it_needs(components):
    refs = [ref("public/apps/counter.tsx")]
    bundler(components).build(refs)
    components.write("public/apps/greet.ts", GREET.replace("Hello", "Hi"))
    bundler(components).build(refs)
    assert len(list((components.root / ".cache").glob("blob-*"))) == 1


# --- errors
def test_syntax_error_names_file_line_column_and_embedding_post(components):
    components.write("public/apps/broken.ts", "export const a = 1;\nlet b = = 2;\n")
    with pytest.raises(CompileError) as caught:
        bundler(components).build([ref("public/apps/broken.ts", line=12)])
    error = caught.value
    assert (error.file, error.line) == ("content/pages/demo.md", 12)
    assert re.search(r"public/apps/broken\.ts:2:9: Unexpected \"=\"", error.message), error


def test_unresolved_import_is_an_error(components):
    components.write(
        "public/apps/lonely.ts", 'import { x } from "./missing.ts";\nconsole.log(x);\n'
    )
    with pytest.raises(CompileError, match=r"lonely\.ts:1:19: Could not resolve"):
        bundler(components).build([ref("public/apps/lonely.ts")])


def test_failing_component_among_several_is_the_one_named(components):
    components.write("public/apps/broken.ts", "let = ;\n")
    refs = [ref("public/apps/counter.tsx", line=2), ref("public/apps/broken.ts", line=7)]
    with pytest.raises(CompileError) as caught:
        bundler(components).build(refs)
    assert caught.value.line == 7
    assert "broken.ts:1:" in caught.value.message


def test_not_strict_collects_errors_and_builds_the_rest(components):
    components.write("public/apps/broken.ts", "let = ;\n")
    compiler = bundler(components)
    refs = [ref("public/apps/counter.tsx"), ref("public/apps/broken.ts", line=7)]
    built = compiler.build(refs, strict=False)
    assert list(built) == [COUNTER_KEY]
    assert list(compiler.errors) == ["file:public/apps/broken.ts"]
    assert compiler.errors["file:public/apps/broken.ts"].line == 7
    assert compiler.compiler_runs == 2  # all together, then without the broken one


def test_inline_syntax_error_points_at_the_line_in_the_content_file(project):
    code = "const a = 1;\n\nconst b = = 2;\n"
    project.write(
        "content/pages/demo.md",
        "---\ntitle: Demo\n---\nIntro.\n\n    @@typescript[box]\n\n"
        + "".join(f"    {line}\n" if line else "\n" for line in code.splitlines()),
    )
    with pytest.raises(CompileError) as caught:
        bundler(project).build([ref(code=code, line=6)])
    assert caught.value.line == 10  # the directive is line 6, the code starts on line 8
    assert "line 3, column 11 of the code" in caught.value.message


def test_inline_code_cannot_import_relative_files(components):
    code = 'import { greet } from "./public/apps/greet.ts";\nconsole.log(greet("x"));\n'
    with pytest.raises(CompileError) as caught:
        bundler(components).build([ref(code=code)])
    assert "Could not resolve" in caught.value.message
    assert "@@typescript-file" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../outside.ts", "leaves the project folder"),
        ("public/../../outside.ts", "leaves the project folder"),
        ("public/apps/link.ts", "leaves the project folder"),  # a symlink pointing out
        ("/etc/passwd.ts", "relative to the project root"),
        ("C:/Users/x.ts", "relative to the project root"),
        ("public/apps/nope.ts", "does not exist"),
        ("public/apps", "is a folder"),
    ],
)
def test_paths_outside_the_project_or_missing_are_refused(components, path, message):
    outside = components.root.parent / "outside.ts"
    outside.write_text("export {}")
    (components.root / "public/apps/link.ts").symlink_to(outside)
    compiler = bundler(components)
    with pytest.raises(BuildError) as caught:
        compiler.build([ref("public/apps/counter.tsx"), ref(path, line=5)])
    assert message in caught.value.message
    assert (caught.value.file, caught.value.line) == ("content/pages/demo.md", 5)
    assert compiler.compiler_runs == 0  # refused before any work


# --- type checking
def test_typical_tsx_passes_the_checker(components):
    refs = [ref("public/apps/counter.tsx"), ref("public/apps/semantics.tsx")]
    assert typecheck(components.root, refs) == 2


def test_type_error_is_reported_by_the_checker(components):
    components.write(
        "public/apps/typed.ts", 'const count: number = "three";\nexport default count;\n'
    )
    with pytest.raises(BuildError) as caught:
        typecheck(
            components.root, [ref("public/apps/counter.tsx"), ref("public/apps/typed.ts", line=8)]
        )
    error = caught.value
    assert "public/apps/typed.ts:1:7: TS2322" in error.message
    assert (error.file, error.line) == ("content/pages/demo.md", 8)


def test_the_checker_resolves_imports_as_the_bundler_does(project):
    """Extension-less relative imports and the project's node_modules build with esbuild:
    the checker must not fail on them (and must still find the real error)."""
    project.write("node_modules/fakepkg/package.json", '{"name": "fakepkg", "types": "i.d.ts"}')
    project.write("node_modules/fakepkg/i.d.ts", "export declare function g(): number;\n")
    project.write("node_modules/fakepkg/index.js", "exports.g = () => 2;\n")
    project.write("public/c/mod.ts", "export const f = (): number => 1;\n")
    project.write(
        "public/c/a.ts",
        'import { f } from "./mod";\nimport { g } from "fakepkg";\nconsole.log(f() + g());\n',
    )
    assert typecheck(project.root, [ref("public/c/a.ts")]) == 1
    project.write("public/c/a.ts", 'import { f } from "./mod";\nconst s: string = f();\n')
    with pytest.raises(BuildError) as caught:
        typecheck(project.root, [ref("public/c/a.ts")])
    assert "public/c/a.ts:2:7: TS2322" in caught.value.message


def test_a_type_error_in_an_imported_module_names_that_module(project):
    """Not an unrelated page that embeds some other component."""
    project.write("public/c/other.ts", "console.log(1);\n")
    project.write("public/c/mod.ts", 'export const f = (): number => "one";\n')
    project.write("public/c/a.ts", 'import { f } from "./mod.ts";\nconsole.log(f());\n')
    with pytest.raises(BuildError) as caught:
        typecheck(project.root, [ref("public/c/other.ts", line=11), ref("public/c/a.ts", line=4)])
    assert (caught.value.file, caught.value.line) == ("public/c/mod.ts", 1)
    assert "type error in public/c/mod.ts:1:" in caught.value.message


def test_type_errors_in_jsx_are_caught(components):
    components.write(
        "public/apps/wrong.tsx",
        "export default (): Node => <button onClick={(n: number) => n + 1}>x</button>;\n",
    )
    with pytest.raises(BuildError, match=r"wrong\.tsx:1:\d+: TS2322"):
        typecheck(components.root, ["public/apps/wrong.tsx"])


def test_inline_type_error_points_at_the_content_file(project):
    project.write(
        "content/pages/demo.md", "Intro.\n\n@@typescript\n\n    const n: number = 'one';\n"
    )
    with pytest.raises(BuildError) as caught:
        typecheck(project.root, [ref(code="const n: number = 'one';\n", line=3)])
    assert (caught.value.file, caught.value.line) == ("content/pages/demo.md", 5)
    assert "TS2322" in caught.value.message


def test_typecheck_accepts_paths_and_refuses_bad_ones(components):
    assert typecheck(components.root, ["public/apps/greet.ts", Path("public/apps/counter.tsx")])
    with pytest.raises(BuildError, match="leaves the project folder"):
        typecheck(components.root, ["../elsewhere.ts"])


# --- through the engine
def test_build_fails_on_compile_error_unless_not_strict(components, monkeypatch):
    components.write("public/apps/broken.ts", "let = ;\n")
    components.page(
        "demo", title="Demo", body="Intro.\n\n@@typescript-file[x](public/apps/broken.ts)\n"
    )
    with pytest.raises(BuildError) as caught:
        components.build()
    assert "content/pages/demo.md:6:" in str(caught.value)  # ---, title, ---, Intro., blank
    assert "public/apps/broken.ts:1:" in str(caught.value)
    monkeypatch.setenv("SHINMUN_STRICT_TYPESCRIPT", "0")
    result = components.build()
    assert any("broken.ts" in w for w in result.warnings)
    html = components.read("demo/index.html")
    assert 'class="typescript-error"' in html
    assert '<script type="module"' not in html


def test_a_strict_build_after_a_lenient_one_fails_as_a_fresh_one_would(components, monkeypatch):
    """SHINMUN_STRICT_TYPESCRIPT=0 then a normal build: not 'nothing to do' with the error
    boxes kept, but the error a fresh build reports."""
    from shinmun_hf.cli import main

    components.write("public/apps/broken.ts", "let = ;\n")
    components.page(
        "demo", title="Demo", body="Intro.\n\n@@typescript-file[x](public/apps/broken.ts)\n"
    )
    command = ["--project", str(components.root), "build"]
    settle()
    monkeypatch.setenv("SHINMUN_STRICT_TYPESCRIPT", "0")
    assert main(command) == 0
    assert 'class="typescript-error"' in components.read("demo/index.html")
    monkeypatch.delenv("SHINMUN_STRICT_TYPESCRIPT")
    assert main(command) == 1
    monkeypatch.setenv("SHINMUN_STRICT_TYPESCRIPT", "0")
    assert main(command) == 0


def test_the_script_url_is_html_escaped():
    """Whatever a component's URL holds, it stays inside the src attribute."""
    from types import SimpleNamespace

    from shinmun_hf.components import script_placeholder
    from shinmun_hf.render.outputs import link_components
    from shinmun_hf.urls import Urls

    site = SimpleNamespace(
        urls=Urls("https://blog.example", "/blog", "/{slug}/"),
        component_urls={"file:x.ts": 'assets/x"><script>alert(1)</script>&y.js'},
        component_errors={},
        fact=lambda key: None,
    )
    head = '<head><meta name="referrer" content="no-referrer"></head>'  # a policy: none added
    page = link_components(head + "<p>a</p>" + script_placeholder("file:x.ts"), site)
    html = page.removeprefix(head)
    assert html == (
        '<p>a</p><script type="module" '
        'src="/blog/assets/x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;y.js"></script>'
    )


def test_edited_component_reaches_the_page_that_embeds_it(components):
    """A bundle's URL is a fact every page embedding it shares: editing a module it imports
    renders those pages again, though no content file changed."""
    components.page(
        "demo", title="Demo", body="Intro.\n\n@@typescript-file[app](public/apps/counter.tsx)\n"
    )
    components.post("hello", title="Hello", date="2024-01-02")
    components.build()

    def script_url() -> str:
        page = components.read("demo/index.html")
        return re.search(r'<script type="module" src="([^"]+)"', page).group(1)

    before = script_url()
    settle()
    components.write("public/apps/greet.ts", GREET.replace("Hello", "Hi"))
    result = components.build()
    assert result.rendered_files == ["demo/index.html"]
    after = script_url()
    assert after != before
    assert "Hi, " in (components.out / after.lstrip("/")).read_text()


def test_a_component_whose_file_name_holds_markup_characters_is_still_loaded(project):
    """The page's placeholder for the script is an HTML comment: '>' in the key ended it."""
    project.write("public/apps/a>b.ts", "document.title = 'loaded';\n")
    project.page("demo", title="Demo", body="@@typescript-file[app](public/apps/a>b.ts)\n")
    project.build()
    page = project.read("demo/index.html")
    assert "<!--shinmun-component" not in page
    script = re.search(r'<script type="module" src="/([^"]+)"', page)[1]
    assert "loaded" in (project.out / script).read_text()
