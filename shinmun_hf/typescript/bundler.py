"""Bundling embedded components: one esbuild run for every stale component, cached by content.

Mounting. esbuild's entry points are small generated modules (in ``<cache>/entries/``), one per
component, that import the user's file *where it is*, so relative imports, sibling modules and
the project's ``node_modules`` resolve as they would for any bundler, and then mount it:

* if the module's default export is a function, it is called once for every element
  ``[data-shinmun-component="<key>"]`` of the page, with that element; a ``Node`` it returns
  is appended to the element (a component embedded twice on a page mounts twice);
* elements added later (content swapped in without a reload) are mounted when the page
  dispatches ``shinmun:content`` on ``window``; each element is mounted once;
* otherwise the module simply runs, so a plain script using ``document.getElementById(id)``
  works as in Shinmun. Module scripts run after the page is parsed, so the element exists.

Inline ``@@typescript`` code is written to ``<cache>/entries/inline-<digest>.tsx`` (TSX, so the
JSX runtime is available there too) and bundled from there: it may import packages but not
relative files; shared code belongs in a file embedded with ``@@typescript-file``.

Output: ``assets/<path without public/ and extension>.<hash8>.js`` (``assets/inline/<hash8>.js``
for inline code; the hash is of the bundle's bytes), minified ESM for es2020, plus a ``.map``
when ``dev`` (``shinmun serve``).

Caching (see :mod:`.cache`): keyed by the bytes of every file the bundle read, the esbuild
version and the options. ``compiler_runs`` counts esbuild invocations, so a test can prove an
unchanged build compiled nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..components import BuiltComponent, ComponentRef
from ..errors import BuildError
from .cache import BundleCache, digest_file
from .esbuild import Esbuild, find_esbuild
from .jsx_runtime import jsx_import_source, missing_react_hint
from .sources import component_path, inline_digest, inline_position, output_name

__all__ = [
    "JSX_IMPORT_SOURCE",
    "JSX_RUNTIME_DIR",
    "REMOUNT_EVENT",
    "CompileError",
    "ComponentBundler",
    "readable_source_map",
]

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
    f"--alias:{JSX_IMPORT_SOURCE}={JSX_RUNTIME_DIR}",
    "--log-level=error",
    "--log-limit=20",
    "--color=false",
)
MOUNT_VERSION = "mount-4"  # bump when the generated entry module changes
REMOUNT_EVENT = "shinmun:content"
"""Dispatched on ``window`` by pages that swap content in without a reload (Material for
MkDocs' instant navigation): every component mounts on its new elements, once each."""
ERROR = re.compile(r"\[ERROR\]\s*(?P<message>.+)")
LOCATION = re.compile(r"^\s+(?P<file>\S[^\n]*?):(?P<line>\d+):(?P<column>\d+):\s*$", re.M)


class CompileError(BuildError):
    """esbuild rejected a component (syntax error, unresolved import, ...)."""


@dataclass(frozen=True)
class _Failure:
    """esbuild's first error: the message, where it is (absolute path), and how many more."""

    message: str
    path: Path | None
    line: int
    column: int
    more: int


class _Failed(Exception):
    def __init__(self, failure: _Failure) -> None:
        self.failure = failure


def readable_source_map(
    path: Path, root: Path, *, entries: Path | None = None, source_root: str
) -> bytes:
    """The map at ``path`` with readable source names (``public/apps/x.tsx``,
    ``shinmun-jsx/...``, ``shinmun/<entry>``) instead of paths relative to a temporary folder,
    so two builds of the same sources give the same bytes."""
    data = json.loads(path.read_text(encoding="utf-8"))
    sources = []
    for source in data.get("sources", []):
        absolute = (path.parent / source).resolve()
        if absolute.is_relative_to(JSX_RUNTIME_DIR):
            shown = f"{JSX_IMPORT_SOURCE}/{absolute.relative_to(JSX_RUNTIME_DIR).as_posix()}"
        elif entries is not None and absolute.is_relative_to(entries):
            shown = f"shinmun/{absolute.name}"
        elif absolute.is_relative_to(root):
            shown = absolute.relative_to(root).as_posix()
        else:
            shown = absolute.name
        sources.append(shown)
    data["sources"] = sources
    data["sourceRoot"] = source_root
    return json.dumps(data, separators=(",", ":")).encode()


class ComponentBundler:
    """Turns :class:`ComponentRef` records into published, content-hashed modules."""

    def __init__(self, project_root: Path, cache_dir: Path, *, dev: bool = False) -> None:
        self.project = project_root.resolve()
        self.cache_dir = cache_dir.resolve()
        self.dev = dev
        self.compiler_runs = 0
        """esbuild invocations made by this bundler (0 when everything came from the cache)."""
        self.errors: dict[str, CompileError] = {}
        """With ``strict=False``: the components that failed, by key."""
        self._entries = self.cache_dir / "entries"

    def build(
        self, refs: Iterable[ComponentRef], *, strict: bool = True
    ) -> dict[str, BuiltComponent]:
        """Bundle every distinct component of ``refs`` (by key; errors name the first embed).

        Raises :class:`BuildError` for a bad path and :class:`CompileError` for code esbuild
        rejects; with ``strict=False`` compile errors are collected in :attr:`errors` instead
        and the other components are still built.
        """
        unique: dict[str, ComponentRef] = {}
        for ref in refs:
            unique.setdefault(ref.key, ref)
        if not unique:
            return {}
        for ref in unique.values():
            if ref.path is not None:
                component_path(self.project, ref)  # refuse bad paths before any work
        esbuild = find_esbuild()
        cache = BundleCache(self.cache_dir)
        built: dict[str, BuiltComponent] = {}
        stale: dict[str, list[ComponentRef]] = {}  # by JSX runtime: one esbuild run each
        for key, ref in unique.items():
            runtime = jsx_import_source(self.project, ref, JSX_IMPORT_SOURCE)
            cached = cache.get(self._options_digest(esbuild, runtime), key)
            if cached is None:
                stale.setdefault(runtime, []).append(ref)
            else:
                built[key] = cached
        for runtime, refs in stale.items():
            options = self._options_digest(esbuild, runtime)
            for ref, component, inputs in self._compile(esbuild, refs, strict, runtime):
                built[ref.key] = component
                cache.put(options, component, inputs)
        cache.save()
        return built

    def source_path(self, ref: ComponentRef) -> Path:
        """The file a ``@@typescript-file`` names, checked to be inside the project."""
        return component_path(self.project, ref)

    def _options_digest(self, esbuild: Esbuild, runtime: str) -> str:
        text = "\0".join((esbuild.identity, str(self.dev), *OPTIONS, runtime, MOUNT_VERSION))
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()

    # --- compiling
    def _compile(
        self, esbuild: Esbuild, refs: list[ComponentRef], strict: bool, runtime: str
    ) -> list[tuple[ComponentRef, BuiltComponent, dict[str, str]]]:
        """All of ``refs`` in one esbuild run, their JSX compiled for ``runtime``; on an
        error, the run is repeated without the component at fault (found from the error's
        file, else by compiling them one by one)."""
        pending = list(refs)
        while pending:
            try:
                return self._run(esbuild, pending, runtime)
            except _Failed as failed:
                culprit = self._culprit(failed.failure, pending)
                if culprit is None:
                    return self._one_by_one(esbuild, pending, strict, runtime)
                error = self._compile_error(failed.failure, culprit)
                if strict:
                    raise error from None
                self.errors[culprit.key] = error
                pending.remove(culprit)
        return []

    def _one_by_one(
        self, esbuild: Esbuild, refs: list[ComponentRef], strict: bool, runtime: str
    ) -> list[tuple[ComponentRef, BuiltComponent, dict[str, str]]]:
        done = []
        for ref in refs:
            try:
                done += self._run(esbuild, [ref], runtime)
            except _Failed as failed:
                error = self._compile_error(failed.failure, ref)
                if strict:
                    raise error from None
                self.errors[ref.key] = error
        return done

    def _run(
        self, esbuild: Esbuild, refs: list[ComponentRef], runtime: str
    ) -> list[tuple[ComponentRef, BuiltComponent, dict[str, str]]]:
        self._entries.mkdir(parents=True, exist_ok=True)
        out = Path(tempfile.mkdtemp(prefix="out-", dir=self.cache_dir))
        try:
            names: dict[str, str] = {}
            arguments: list[str] = []
            for ref in refs:
                name = _unique(output_name(self.project, ref), set(names.values()))
                names[ref.key] = name
                arguments.append(f"{name}={self._entry_module(ref)}")
            arguments += [*OPTIONS, f"--jsx-import-source={runtime}"]
            arguments += [f"--outdir={out}", f"--metafile={out / 'meta.json'}"]
            if self.dev:
                arguments.append("--sourcemap")
            self.compiler_runs += 1
            done = esbuild.run(arguments, cwd=self.project)
            if done.returncode != 0:
                raise _Failed(self._parse_failure(done.stderr + done.stdout))
            meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
            return [(ref, *self._collect(ref, names[ref.key], out, meta)) for ref in refs]
        finally:
            shutil.rmtree(out, ignore_errors=True)

    def _entry_module(self, ref: ComponentRef) -> Path:
        """Write (if changed) the generated module that imports and mounts ``ref``."""
        target = self._own_file(ref)
        if ref.path is None:
            _write_if_changed(target, ref.code or "")
        # This component's elements not mounted yet: the browser does the matching.
        unmounted = f"[data-shinmun-component={_css_string(ref.key)}]:not([data-shinmun-mounted])"
        code = (
            f"// Generated by shinmun-hf: mounts {ref.key}\n"
            f"import * as component from {json.dumps(target.as_posix())};\n"
            "const mount = (component as { default?: unknown }).default;\n"
            'if (typeof mount === "function") {\n'
            "  const mountAll = () => {\n"
            f"    for (const element of document.querySelectorAll<HTMLElement>(\n"
            f"      {json.dumps(unmounted)},\n"
            "    )) {\n"
            '      element.dataset.shinmunMounted = "1";\n'
            "      const node = mount(element);\n"
            "      if (node instanceof Node) element.append(node);\n"
            "    }\n"
            "  };\n"
            "  mountAll();\n"
            f"  addEventListener({json.dumps(REMOUNT_EVENT)}, mountAll);\n"
            "}\n"
        )
        entry = self._entry_path(ref)
        _write_if_changed(entry, code)
        return entry

    def _collect(
        self, ref: ComponentRef, name: str, out: Path, meta: dict
    ) -> tuple[BuiltComponent, dict[str, str]]:
        """The published files of one entry point, and the digests of every file it read."""
        script = out / f"{name}.js"
        output = next(
            (v for k, v in meta["outputs"].items() if (self.project / k).resolve() == script),
            None,
        )
        if output is None:  # pragma: no cover - esbuild always reports its outputs
            raise BuildError(f"esbuild produced no output for {ref.path or 'inline code'}")
        if "cssBundle" in output:
            raise CompileError(
                f"{ref.path or 'the inline @@typescript block'} imports CSS, which components "
                "cannot publish",
                file=ref.source,
                line=ref.line,
                hint="put the stylesheet in public/ and link it from the layout, or build a "
                "<style> element in code",
            )
        code = script.read_bytes()
        digest = hashlib.blake2b(code, digest_size=4).hexdigest()
        url_path = f"assets/{name}.{digest}.js" if ref.path else f"assets/inline/{digest}.js"
        files = {url_path: code}
        source_map = out / f"{name}.js.map"
        if self.dev and source_map.exists():
            published = url_path.rsplit("/", 1)[1]
            files[url_path] = code.replace(
                f"sourceMappingURL={source_map.name}".encode(),
                f"sourceMappingURL={published}.map".encode(),
            )
            files[url_path + ".map"] = self._source_map(source_map)
        inputs: dict[str, str] = {}
        project_inputs: list[str] = []
        modules = _read_files(meta, output)
        remote = _remote_import(meta, modules)
        if remote:  # (esbuild leaves it to the browser: a CDN the page would depend on)
            raise _Failed(
                _Failure(f"it imports {remote}; components are bundled whole", None, 0, 0, 0)
            )
        read = [(self.project / module).resolve() for module in modules]
        allowed = (self.project, JSX_RUNTIME_DIR, self._entries)  # (the cache may be elsewhere)
        for path in read:
            if not any(path.is_relative_to(root) for root in allowed):
                raise _Failed(
                    _Failure(f"it imports {path}, which is outside the project", None, 0, 0, 0)
                )
        for path in [*read, *_config_files(read, self.project)]:
            inputs[str(path)] = digest_file(path)
            if path.is_relative_to(self.project) and not path.is_relative_to(self.cache_dir):
                project_inputs.append(path.relative_to(self.project).as_posix())
        component = BuiltComponent(ref.key, url_path, files, tuple(sorted(project_inputs)))
        return component, inputs

    def _source_map(self, path: Path) -> bytes:
        return readable_source_map(
            path, self.project, entries=self._entries, source_root="shinmun:///"
        )

    # --- errors
    def _parse_failure(self, output: str) -> _Failure:
        errors = ERROR.findall(output)
        message = errors[0].strip() if errors else output.strip()
        location = LOCATION.search(output)
        if location is None:
            return _Failure(message, None, 0, 0, max(len(errors) - 1, 0))
        return _Failure(
            message,
            (self.project / location.group("file")).resolve(),
            int(location.group("line")),
            int(location.group("column")) + 1,  # esbuild counts from 0, editors from 1
            max(len(errors) - 1, 0),
        )

    def _culprit(self, failure: _Failure, refs: list[ComponentRef]) -> ComponentRef | None:
        """The component whose own file (or generated entry) the error is in; ``None`` when it
        is in a module several of them may import."""
        if len(refs) == 1:
            return refs[0]
        for ref in refs:
            if failure.path in (self._own_file(ref), self._entry_path(ref)):
                return ref
        return None

    def _own_file(self, ref: ComponentRef) -> Path:
        if ref.path is not None:
            return component_path(self.project, ref)
        return self._entries / f"inline-{inline_digest(ref)}.tsx"

    def _entry_path(self, ref: ComponentRef) -> Path:
        digest = hashlib.blake2b(ref.key.encode(), digest_size=8).hexdigest()
        return self._entries / f"{digest}.ts"

    def _compile_error(self, failure: _Failure, ref: ComponentRef) -> CompileError:
        more = f" (and {failure.more} more error{'s' if failure.more > 1 else ''})"
        more = more if failure.more else ""
        if ref.path is None and failure.path == self._own_file(ref):
            hint = missing_react_hint(failure.message)
            if "Could not resolve" in failure.message and '".' in failure.message:
                hint = "inline blocks cannot import relative files: use @@typescript-file"
            return CompileError(
                f"cannot compile the inline @@typescript block: line {failure.line}, "
                f"column {failure.column} of the code: {failure.message}{more}",
                file=ref.source,
                line=inline_position(self.project, ref, failure.line),
                hint=hint,
            )
        hint = missing_react_hint(failure.message)
        where = ""
        if failure.path is not None:
            shown = (
                failure.path.relative_to(self.project).as_posix()
                if failure.path.is_relative_to(self.project)
                else str(failure.path)
            )
            where = f"{shown}:{failure.line}:{failure.column}: "
        what = ref.path or "the inline @@typescript block"
        return CompileError(
            f"cannot compile {what}: {where}{failure.message}{more}",
            file=ref.source,
            line=ref.line,
            hint=hint,
        )


def _read_files(meta: dict, output: dict) -> list[str]:
    """Every file an output's entry point reads, through its imports. The output's own list
    leaves out the files that add no bytes to it (a constant inlined, a re-export), whose
    edits still change it."""
    files = meta["inputs"]
    seen: set[str] = set(output["inputs"])
    pending = [output.get("entryPoint"), *seen]
    while pending:
        file = pending.pop()
        for imported in files.get(file, {}).get("imports", ()):
            path = imported.get("path")
            if path in files and path not in seen and not imported.get("external"):
                seen.add(path)
                pending.append(path)
    return sorted(seen)


def _remote_import(meta: dict, files: list[str]) -> str | None:
    """The first URL that one of ``files`` imports (``https://…``, ``//…``), if any."""
    for file in files:
        for imported in meta["inputs"].get(file, {}).get("imports", ()):
            if imported.get("external") and re.match(r"(?:[a-z]+:)?//", imported["path"]):
                return imported["path"]
    return None


CONFIG_FILES = ("tsconfig.json", "jsconfig.json", "package.json")
"""What esbuild also reads, from each module's folder up (paths, JSX settings, exports)."""


def _config_files(read: list[Path], project: Path) -> list[Path]:
    """The config files that may apply to ``read``, present or not: creating one later
    changes the bundle too. Packages in ``node_modules`` change with their own files."""
    folders: set[Path] = set()
    for path in read:
        if not path.is_relative_to(project) or "node_modules" in path.parts:
            continue
        folder = path.parent
        while folder not in folders and folder.is_relative_to(project):
            folders.add(folder)
            folder = folder.parent
    return [folder / name for folder in sorted(folders) for name in CONFIG_FILES]


def _css_string(text: str) -> str:
    """``text`` as a double-quoted CSS string (CSS Syntax §4.3.5): quotes, backslashes and line
    breaks as hexadecimal escapes, everything else as it is."""
    return '"' + "".join(f"\\{ord(c):x} " if c in '"\\\n\r\f' else c for c in text) + '"'


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{name}-{number}"
        number += 1
    return candidate


def _write_if_changed(path: Path, text: str) -> None:
    """Atomic, and untouched when equal: a concurrent build may be reading it."""
    data = text.encode()
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
