"""The components stage: the TypeScript components the site's pages embed, bundled."""

from __future__ import annotations

from pathlib import Path

from ..components import BuiltComponent
from ..project.options import BuildOptions, BuildResult, strict_typescript
from ..site.model import Site

__all__ = ["bundle_components"]


def bundle_components(
    project: Path, cache_dir: Path, options: BuildOptions, site: Site, result: BuildResult
) -> tuple[dict[str, bytes], list[str]]:
    """The bundles' files by output path, and the project-relative files the components read
    (a change to any of them must trigger a rebuild); none of either when no page embeds a
    component. Tells ``site`` each component's URL, or its error."""
    refs = site.component_refs()
    if not refs:
        return {}, []
    from ..typescript import ComponentBundler  # only projects with components pay for it

    bundler = ComponentBundler(project, cache_dir / "components", dev=options.dev)
    strict = strict_typescript()  # else Shinmun's error box in the page
    built: dict[str, BuiltComponent] = bundler.build(refs, strict=strict)
    inputs = {i for b in built.values() for i in b.inputs}
    for ref in refs:
        if ref.key in bundler.errors and ref.path:
            inputs.add(ref.path)  # fixing the file must trigger a rebuild
    result.compiled_components = bundler.compiler_runs
    result.warnings.extend(str(error) for error in bundler.errors.values())
    site.component_urls = {key: b.url_path for key, b in built.items()}
    site.component_errors = {key: e.message for key, e in bundler.errors.items()}
    assets: dict[str, bytes] = {}
    for component in built.values():
        assets.update(component.files)
    return assets, sorted(inputs)
