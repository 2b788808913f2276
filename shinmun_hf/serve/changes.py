"""Which open pages a build affects, from the files it wrote.

A page must reload when its own file changed, or when a file it may load as a subresource
(script, image, font...) changed. Stylesheets are swapped in place instead. Files a page never
loads (other pages, feeds, the sitemap, the search index, source maps) leave it alone, so
editing one post does not reload every open tab.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..pipeline.builder import BuildResult

__all__ = ["Change", "classify"]

DOCUMENTS = (".html", ".htm", ".xml", ".rss", ".atom", ".json", ".txt", ".map")
"""Files open as pages of their own, never loaded by another page as a subresource."""
STYLESHEETS = (".css",)
MAX_LISTED = 500
"""More changed files than this (a config change on a large site): every page reloads."""


@dataclass(frozen=True, slots=True)
class Change:
    files: tuple[str, ...]
    """Changed output files, relative to the site root (empty when ``everything``)."""
    everything: bool
    """Every open page must reload."""

    def as_data(self) -> dict[str, object]:
        return {"files": list(self.files), "everything": self.everything}


def classify(result: BuildResult) -> Change | None:
    """The change a build made, or None when it changed no file."""
    written = result.written_files
    if not written and not result.removed:
        return None
    # Removed files are only counted; a page showing one must learn that it is gone.
    everything = bool(result.removed) or len(written) > MAX_LISTED
    if not everything:
        everything = any(not f.endswith((*DOCUMENTS, *STYLESHEETS)) for f in written)
    return Change(() if everything else tuple(written), everything)
