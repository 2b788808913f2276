"""One build engine for full builds, cached builds and the dev server: :meth:`Builder._build`
runs the stages top to bottom, each a call into the module of its stage.

survey (config and sources) -> previous build's record -> entries (cached by content hash,
rendered in parallel) -> site model -> components -> layouts -> reuse -> plan -> render
(outputs skipped when the facts they read are unchanged) -> copies -> record -> commit
(staging beside the target, committed only when everything succeeded).
"""

from __future__ import annotations

import gc
import time
from pathlib import Path

from ..content.entry import Entry, EntryOutline
from ..incremental.entry_codec import EncodedOutline
from ..incremental.freshness import Survey, survey, unchanged_result
from ..incremental.manifest import CACHE_DIR, Manifest, load_manifest, save_manifest
from ..markup.highlight_cache import counts as highlight_counts
from ..project.options import BuildOptions, BuildResult
from ..project.sources import discover
from ..site.model import Site
from ..version import ENGINE
from ..writer import FileFolderClash, SiteWriter
from .bundling import bundle_components
from .clashes import Maker, explained_clash
from .copies import copy_bundles, copy_public
from .entries import EntryStore
from .layouts import KeptLayouts
from .planning import find_reuse, plan_files
from .recording import record_build, removed_files
from .rendering import render_outputs
from .site_model import make_site_model

__all__ = ["BuildOptions", "BuildResult", "build", "discover", "inputs_of", "sources_of"]


class Builder:
    """Builds one project into one output directory: :meth:`build` runs the stages, and
    keeps what ``serve``'s next build may reuse (entries, layouts, the site model)."""

    def __init__(self, project: Path, out: Path, options: BuildOptions | None = None) -> None:
        self.project = project.resolve()
        self.out = out if out.is_absolute() else self.project / out
        self.options = options or BuildOptions()
        self.cache_dir = self.project / CACHE_DIR
        self._component_inputs: list[str] = []
        # Kept between builds of one Builder (``serve``): no reloading from disk.
        self.entries = EntryStore(self.project, self.cache_dir, self.options)
        self.layouts = KeptLayouts(self.project, self.cache_dir)
        self.last_manifest: Manifest | None = None
        self.last_site: Site | None = None
        """The previous build's site model (``serve``'s fast render renders from it)."""
        self.fast_rendered: set[str] = set()
        """Files :func:`~shinmun_hf.pipeline.fast_render.render_edited_first` rendered since
        the last full build."""
        self._collecting = True
        """Whether the garbage collector was on when the build started."""

    def build(self, looked: Survey | None = None) -> BuildResult:
        """Build the site; ``looked`` is the survey ``shinmun build`` made to find out
        whether there was anything to do (made here otherwise)."""
        # Loading the manifest, the entries and the site model makes hundreds of thousands of
        # long-lived objects and next to no garbage: collections in the middle of it would
        # only walk them again and again. The collector is back on, with those objects
        # frozen out of its reach, for rendering.
        self._collecting = gc.isenabled()
        gc.disable()
        try:
            if looked is None:
                looked = survey(self.project, self.out, self.options)
            elif (looked.project, looked.out, looked.options) != (
                self.project,
                self.out,
                self.options,
            ):
                raise ValueError("the survey was made for another project, output or options")
            highlighted, reused = highlight_counts()
            result = self._build(looked)
            now_highlighted, now_reused = highlight_counts()
            result.work.code_blocks_highlighted = now_highlighted - highlighted
            result.work.code_blocks_reused = now_reused - reused
            return result
        finally:
            gc.unfreeze()  # a long-lived process (serve) must be able to free old models
            if self._collecting:
                gc.enable()

    def _build(self, looked: Survey) -> BuildResult:
        """The stages of a build, top to bottom. The survey (:func:`survey`) has loaded the
        configuration and found the sources; ``[incremental]`` marks where the previous
        build's record (the manifest) lets a stage skip work, and a cold build has none."""
        result, config = looked.result, looked.config
        previous, done = self._previous_build(looked)  # [incremental] the last build's record
        if done is not None:
            return done  # nothing changed since: not even the manifest is read
        trusted = previous is not None and (  # a new engine or config invalidates every record
            previous.engine == ENGINE and previous.config_digest == config.digest
        )
        # Entries [incremental: cached by content hash; unchanged files known by outline].
        entries, digests, stats = self.entries.load(
            looked.sources, config, previous, trusted, result, edited=self.fast_rendered
        )
        # The site model [incremental: laid out as recorded when every file kept its place].
        site, entries = self._site_model(looked, entries, digests, previous, trusted)
        writer = SiteWriter(
            self.out, protected=sources_of(self.project), inputs=inputs_of(self.project)
        )
        makers: dict[str, Maker] = {}  # what makes each file, for errors
        try:
            manifest = Manifest(writer.build_id, ENGINE, config.digest, sources=stats)
            assets, inputs = bundle_components(
                self.project, self.cache_dir, self.options, site, result
            )
            self._component_inputs = inputs  # (for serve to watch)
            layouts = self.layouts.for_site(site)
            # [incremental] which outputs are known fresh, and which documents' pages to plan
            changed, gone = self.entries.changed, self.entries.removed
            reuse = find_reuse(site, layouts, previous, trusted, changed, gone)
            outputs = plan_files(self.project, site, layouts, assets, reuse, makers, result)
            render_outputs(  # [incremental] only the outputs not proven fresh
                outputs, reuse, layouts, site, manifest, writer, result, assets, self.options
            )
            copy_public(self.project, self.out, previous, manifest, writer, result, makers)
            bundles = looked.bundles  # the files of post folders
            copy_bundles(
                self.project, self.out, bundles, site, previous, manifest, writer, result, makers
            )
            # [incremental] what the next build reuses, or checks before reusing
            record_build(manifest, looked, site, layouts, entries, previous, self.entries, inputs)
            removed = removed_files(previous, manifest)
            writer.commit(complete=previous is None, removed=removed)
            result.removed = len(removed)
            result.removed_files = removed
        except FileFolderClash as clash:
            writer.abort()
            raise explained_clash(clash.path, makers, site, self.project, self.out) from None
        except BaseException:
            writer.abort()
            raise
        save_manifest(self.cache_dir, self.out, manifest, base=previous)
        self.fast_rendered.clear()
        self.last_manifest = manifest
        self.last_site = site
        result.outputs = len(manifest.outputs) + len(manifest.copies)
        result.seconds = time.perf_counter() - looked.started
        return result

    def site_model(self) -> Site:
        """The site model as a cold build makes it, by the same stages (config and sources,
        entries, site model) and nothing after them: ``shinmun check`` after a build that had
        nothing to do, and so no model to hand over."""
        looked = survey(self.project, self.out, self.options)
        entries, digests, _ = self.entries.load(
            looked.sources, looked.config, None, False, looked.result, edited=self.fast_rendered
        )
        site, _ = self._site_model(looked, entries, digests, None, False)
        return site

    def _previous_build(self, looked: Survey) -> tuple[Manifest | None, BuildResult | None]:
        """The previous build's manifest (kept in memory by ``serve``, else read from the
        cache), or the result of a build with nothing to do, told by the summary alone."""
        kept = self.last_manifest
        in_memory = kept if kept is not None and kept.build_id == looked.marker else None
        if not self.fast_rendered:
            done = unchanged_result(looked, in_memory.summary() if in_memory else None)
            if done is not None:
                return None, done
        looked.result.work.manifests_read += in_memory is None
        return in_memory or load_manifest(self.cache_dir, self.out, looked.marker), None

    def _site_model(
        self,
        looked: Survey,
        entries: list[Entry | EntryOutline | EncodedOutline],
        digests: dict[str, str],
        previous: Manifest | None,
        trusted: bool,
    ) -> tuple[Site, list[Entry | EntryOutline | EncodedOutline]]:
        """The site model (:func:`make_site_model`), then moved out of the collector's way."""
        site, entries = make_site_model(looked, entries, digests, previous, trusted, self.entries)
        # The entries and the site model live for the whole build: move them out of the
        # collector's reach, or every collection walks them again. Objects made while
        # rendering are still collected as usual.
        gc.freeze()
        if self._collecting:
            gc.enable()
        return site, entries

    @property
    def component_inputs(self) -> list[str]:
        """Project-relative files the last build's components read (to watch them)."""
        return self._component_inputs


def inputs_of(project: Path) -> tuple[Path, ...]:
    """The folders a build reads: an output folder inside one would be copied into the next
    build (``serve`` keeps its output in the cache, which no build reads)."""
    return (project / "content", project / "layouts", project / "public")


def sources_of(project: Path) -> tuple[Path, ...]:
    """What an output folder must never hold (or be): the project's sources and cache."""
    return (*inputs_of(project), project / "config.yml", project / CACHE_DIR)


def build(
    project: Path, out: Path | None = None, options: BuildOptions | None = None
) -> BuildResult:
    """Build ``project`` into ``out`` (default ``project/_site``)."""
    return Builder(project, out or Path("_site"), options).build()
