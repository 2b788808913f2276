"""Bundling embedded components: one esbuild run for every stale component, cached by content.

Each component gets a small generated entry module that imports the user's file *where it is*
(so relative imports and sibling modules resolve) and mounts it: when the module's default export
is a function, it is called with each element ``[data-shinmun-component="<key>"]`` of the page
(a returned Node is appended to it); otherwise the module simply runs, as Shinmun's did.

The cache is keyed by the bytes of every file the bundle read (from esbuild's metafile), the
esbuild version and the options, so an unchanged component is never recompiled, across builds
and processes. ``compiler_runs`` counts esbuild invocations (tests prove nothing was compiled).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..components import BuiltComponent, ComponentRef
from ..errors import BuildError
from .esbuild import ESBUILD_VERSION, find_esbuild

__all__ = ["JSX_RUNTIME_DIR", "CompileError", "ComponentBundler"]

JSX_RUNTIME_DIR = Path(__file__).resolve().parent / "jsx"
JSX_IMPORT_SOURCE = "shinmun-jsx"
OPTIONS = (
    "--bundle",
    "--format=esm",
    "--target=es2020",
    "--minify",
    "--charset=utf8",
    "--legal-comments=none",
    "--jsx=automatic",
    f"--jsx-import-source={JSX_IMPORT_SOURCE}",
    f"--alias:{JSX_IMPORT_SOURCE}={JSX_RUNTIME_DIR}",
    "--log-level=error",
    "--color=false",
)
ERROR_LINE = re.compile(r"\[ERROR\]\s*(?P<message>.+)")
LOCATION = re.compile(r"^\s+(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<column>\d+):\s*$", re.M)


class CompileError(BuildError):
    """esbuild rejected a component (syntax error, unresolved import, ...)."""


class ComponentBundler:
    def __init__(self, project_root: Path, cache_dir: Path, *, dev: bool = False) -> None:
        self.project = project_root.resolve()
        self.cache_dir = cache_dir
        self.dev = dev
        self.compiler_runs = 0
        self.errors: dict[str, CompileError] = {}
        """With ``strict=False``: components that failed, by key."""
        self._index_path = cache_dir / "index.json"

    # --- public API
    def build(
        self, refs: Iterable[ComponentRef], *, strict: bool = True
    ) -> dict[str, BuiltComponent]:
        """Bundle every distinct component of ``refs``; the first embed of each is the one
        named in errors. ``strict=False`` records failures in ``errors`` instead of raising."""
        unique: dict[str, ComponentRef] = {}
        for ref in refs:
            unique.setdefault(ref.key, ref)
        for ref in unique.values():
            if ref.path is not None:
                self.source_path(ref)  # validate before any work
        index = self._load_index()
        options = self._options_digest()
        built: dict[str, BuiltComponent] = {}
        stale: list[ComponentRef] = []
        for key, ref in unique.items():
            cached = self._from_cache(index.get(key), options)
            if cached is None:
                stale.append(ref)
            else:
                built[key] = cached
        if stale:
            for key, (component, record) in self._compile(stale, strict).items():
                built[key] = component
                index[key] = {**record, "options": options}
            self._save_index(index)
        return built

    def source_path(self, ref: ComponentRef) -> Path:
        """The file a ``@@typescript-file`` names, checked to lie inside the project."""
        assert ref.path is not None
        written = ref.path.replace("\\", "/")
        if Path(written).is_absolute() or written.startswith("/"):
            raise BuildError(
                f"component path {ref.path!r} must be relative to the project root",
                file=ref.source,
                line=ref.line,
                hint="write it like public/apps/widget.tsx",
            )
        path = (self.project / written).resolve()
        if not path.is_relative_to(self.project):
            raise BuildError(
                f"component path {ref.path!r} leaves the project folder",
                file=ref.source,
                line=ref.line,
                hint="components must live inside the project (e.g. in public/apps/)",
            )
        if not path.is_file():
            raise BuildError(
                f"component file {ref.path} does not exist",
                file=ref.source,
                line=ref.line,
                hint="check the path after @@typescript-file",
            )
        return path

    # --- cache
    def _options_digest(self) -> str:
        override = os.environ.get("ESBUILD_BINARY_PATH") or shutil.which("esbuild") or ""
        text = "\0".join((ESBUILD_VERSION, override, str(self.dev), *OPTIONS, "mount-v1"))
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()

    def _load_index(self) -> dict[str, dict]:
        try:
            return json.loads(self._index_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _save_index(self, index: dict[str, dict]) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        temporary = self._index_path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(index, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self._index_path)

    def _from_cache(self, record: dict | None, options: str) -> BuiltComponent | None:
        if not record or record.get("options") != options:
            return None
        for path, digest in record["inputs"].items():
            if _digest_file(Path(path)) != digest:
                return None
        files = {}
        for site_path, blob in record["files"].items():
            try:
                files[site_path] = (self.cache_dir / blob).read_bytes()
            except OSError:
                return None
        return BuiltComponent(
            record["key"], record["url_path"], files, tuple(record["project_inputs"])
        )

    # --- compiling
    def _compile(
        self, refs: list[ComponentRef], strict: bool
    ) -> dict[str, tuple[BuiltComponent, dict]]:
        try:
            return self._run_esbuild(refs)
        except CompileError as error:
            if len(refs) == 1:
                if strict:
                    raise
                self.errors[refs[0].key] = error
                return {}
        # Several components and a failure: compile each alone to name the one at fault.
        done: dict[str, tuple[BuiltComponent, dict]] = {}
        for ref in refs:
            try:
                done.update(self._run_esbuild([ref]))
            except CompileError as error:
                if strict:
                    raise
                self.errors[ref.key] = error
        return done

    def _run_esbuild(self, refs: list[ComponentRef]) -> dict[str, tuple[BuiltComponent, dict]]:
        esbuild = find_esbuild()
        work = self.cache_dir / "entries"
        work.mkdir(parents=True, exist_ok=True)
        out = Path(tempfile.mkdtemp(prefix="out-", dir=self.cache_dir))
        try:
            names: dict[str, str] = {}
            arguments: list[str] = []
            for ref in refs:
                name = _unique(_output_name(ref), names.values())
                names[ref.key] = name
                entry = work / (
                    hashlib.blake2b(ref.key.encode(), digest_size=8).hexdigest() + ".ts"
                )
                entry.write_text(self._entry_module(ref, work), encoding="utf-8")
                arguments.append(f"{name}={entry}")
            arguments += [*OPTIONS, f"--outdir={out}", f"--metafile={out / 'meta.json'}"]
            if self.dev:
                arguments.append("--sourcemap")
            self.compiler_runs += 1
            done = esbuild.run(arguments, cwd=str(self.project))
            if done.returncode != 0:
                raise self._compile_error(done.stderr or done.stdout, refs)
            meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
            return {ref.key: self._collect(ref, names[ref.key], out, meta) for ref in refs}
        finally:
            shutil.rmtree(out, ignore_errors=True)

    def _entry_module(self, ref: ComponentRef, work: Path) -> str:
        if ref.path is not None:
            target = self.source_path(ref)
        else:
            digest = hashlib.blake2b((ref.code or "").encode(), digest_size=8).hexdigest()
            target = work / f"inline-{digest}.tsx"
            target.write_text(ref.code or "", encoding="utf-8")
        key = json.dumps(ref.key)
        return (
            f"import * as component from {json.dumps(str(target))};\n"
            "const mount = (component as { default?: unknown }).default;\n"
            'if (typeof mount === "function") {\n'
            '  for (const element of document.querySelectorAll("[data-shinmun-component]")) {\n'
            f"    if ((element as HTMLElement).dataset.shinmunComponent !== {key}) continue;\n"
            "    const node = mount(element);\n"
            "    if (node instanceof Node) element.append(node);\n"
            "  }\n"
            "}\n"
        )

    def _collect(
        self, ref: ComponentRef, name: str, out: Path, meta: dict
    ) -> tuple[BuiltComponent, dict]:
        code = (out / f"{name}.js").read_bytes()
        digest = hashlib.blake2b(code, digest_size=4).hexdigest()
        url_path = f"assets/{name}.{digest}.js"
        files = {url_path: code}
        source_map = out / f"{name}.js.map"
        if source_map.exists():
            final_name = url_path.rsplit("/", 1)[1]
            files[url_path] = code.replace(
                f"sourceMappingURL={Path(name).name}.js.map".encode(),
                f"sourceMappingURL={final_name}.map".encode(),
            )
            files[url_path + ".map"] = source_map.read_bytes()
        output_meta = next(
            (v for k, v in meta["outputs"].items() if k.endswith(f"{name}.js")), {"inputs": {}}
        )
        inputs = {}
        project_inputs = []
        for written in output_meta["inputs"]:
            path = (self.project / written).resolve()
            inputs[str(path)] = _digest_file(path)
            if path.is_relative_to(self.project) and not path.is_relative_to(self.cache_dir):
                project_inputs.append(path.relative_to(self.project).as_posix())
        blobs = {}
        for site_path, data in files.items():
            blob = "blob-" + hashlib.blake2b(data, digest_size=16).hexdigest()
            (self.cache_dir / blob).write_bytes(data)
            blobs[site_path] = blob
        component = BuiltComponent(ref.key, url_path, files, tuple(sorted(project_inputs)))
        record = {
            "key": ref.key,
            "url_path": url_path,
            "files": blobs,
            "inputs": inputs,
            "project_inputs": sorted(project_inputs),
        }
        return component, record

    def _compile_error(self, output: str, refs: list[ComponentRef]) -> CompileError:
        message_match = ERROR_LINE.search(output)
        message = message_match.group("message").strip() if message_match else output.strip()
        location = LOCATION.search(output)
        where = ""
        if location:
            file = location.group("file")
            path = (self.project / file).resolve()
            if path.is_relative_to(self.project):
                file = path.relative_to(self.project).as_posix()
            where = f"{file}:{location.group('line')}:{location.group('column')}: "
        ref = refs[0]
        what = ref.path or "the inline @@typescript block"
        return CompileError(
            f"cannot compile {what}: {where}{message}", file=ref.source, line=ref.line
        )


def _output_name(ref: ComponentRef) -> str:
    if ref.path is None:
        digest = hashlib.blake2b((ref.code or "").encode(), digest_size=8).hexdigest()
        return f"inline/{digest}"
    path = ref.path.replace("\\", "/").removeprefix("./").removeprefix("public/")
    return re.sub(r"\.(tsx?|mts|cts)$", "", path)


def _unique(name: str, taken: Iterable[str]) -> str:
    taken = set(taken)
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{name}-{number}"
        number += 1
    return candidate


def _digest_file(path: Path) -> str:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return "missing"
