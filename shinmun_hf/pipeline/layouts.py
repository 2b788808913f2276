"""The layouts stage: the Jinja2 layouts, parsed once per Builder while no layout file
changes (``serve`` keeps them between builds)."""

from __future__ import annotations

import time
from pathlib import Path

from ..digests import digest_of
from ..incremental.freshness import RACY_MARGIN_NS
from ..project.sources import file_stats, tree_files
from ..render.template_api import make_filters, make_globals
from ..render.templates import Layouts
from ..site.model import Site

__all__ = ["KeptLayouts"]


class KeptLayouts:
    """The layouts of a project, kept between the builds of one Builder while the files
    they were read from are unchanged."""

    def __init__(self, project: Path, cache_dir: Path) -> None:
        self.project = project
        self.cache_dir = cache_dir
        self.layouts: Layouts | None = None
        """The layouts last read (None before the first build)."""
        self.key = ""
        """The signature of the layout files they were read from."""
        self._read_ns = 0

    def for_site(self, site: Site) -> Layouts:
        """The layouts, parsed once per Builder while no layout file changes (``serve``);
        only the globals, which are bound to this build's site, are replaced."""
        kept, key = self.kept()
        if self.layouts is None or not kept:
            self._read_ns = time.time_ns()
            self.layouts = Layouts(
                self.project, make_globals(site), make_filters(), cache_dir=self.cache_dir
            )
            self.key = key
        else:
            self.layouts.env.globals.update(make_globals(site))
            # The cache folder may have been deleted since (serve runs for hours).
            (self.cache_dir / "layouts").mkdir(parents=True, exist_ok=True)
        return self.layouts

    def kept(self) -> tuple[bool, str]:
        """Whether the layouts this Builder read are still those on disk, and the key of
        those on disk."""
        key, newest = _tree_signature(self.project / "layouts")
        # One written again soon after they were read may hold other text under the same
        # stat ("racily clean", as for content files): then they are read again.
        clean = newest < self._read_ns - RACY_MARGIN_NS
        return self.layouts is not None and key == self.key and clean, key


def _tree_signature(root: Path) -> tuple[str, int]:
    """Digest of the paths, sizes and change times of every file below ``root``, and the
    newest of the times."""
    parts, newest = file_stats(tree_files(root))
    return digest_of(parts), newest
