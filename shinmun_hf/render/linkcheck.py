"""Broken internal links and missing ``#anchors`` in a built site, traced to their source files.

The check reads the *built* HTML (what visitors get, after layouts, ``base_path`` and relative
URLs have all had their say) with the standard library's HTML parser, then reports each problem
where the author can fix it: the line of the Markdown file that holds the link, else the line of
``config.yml`` (navigation) or of the layout that writes it, else the built file itself.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from ..site.model import Site
from .outputs import Output

__all__ = ["LinkChecker", "Problem", "scan_html"]

LINK_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "object": ("data",),
    "form": ("action",),
}
META_URL_PROPERTIES = frozenset({"og:url", "og:image", "twitter:image"})
SKIPPED_RELS = frozenset({"preconnect", "dns-prefetch"})
ALWAYS_PRESENT_FRAGMENTS = frozenset({"", "top"})
"""``#`` and ``#top`` scroll to the top of any page (HTML's "indicated part of the document")."""


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, printed as ``file:line: message`` like a compiler error."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(slots=True)
class Link:
    url: str
    line: int


@dataclass(slots=True)
class HtmlFile:
    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.result = HtmlFile()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.result.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.result.ids.add(values["name"])
        line = self.getpos()[0]
        if tag == "meta":
            if values.get("property", values.get("name")) in META_URL_PROPERTIES:
                self._add(values.get("content"), line)
            return
        if tag == "link" and SKIPPED_RELS & set(values.get("rel", "").lower().split()):
            return
        for attribute in LINK_ATTRIBUTES.get(tag, ()):
            value = values.get(attribute)
            if attribute == "srcset" and value:
                for candidate in value.split(","):
                    self._add(candidate.strip().split(" ")[0], line)
            else:
                self._add(value, line)

    handle_startendtag = handle_starttag

    def _add(self, url: str | None, line: int) -> None:
        if url is not None and url.strip():
            self.result.links.append(Link(url.strip(), line))


def scan_html(text: str) -> HtmlFile:
    """The ids and the link URLs (with their lines) of one HTML document."""
    scanner = _Scanner()
    scanner.feed(text)
    scanner.close()
    return scanner.result


def _host(parts: SplitResult) -> tuple[str, int | None]:
    """Host and port as a browser compares them: ``EXAMPLE.com:443`` is ``example.com``."""
    try:
        port = parts.port
    except ValueError:
        port = -1  # not a port: never this site
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.hostname or "", None if port == default else port)


class LinkChecker:
    """Checks every HTML file of ``out``, a build of ``project`` described by ``site``."""

    def __init__(self, project: Path, out: Path, site: Site, outputs: Iterable[Output]) -> None:
        self.project = project
        self.out = out
        self.site = site
        self.urls = site.urls
        self.host = _host(urlsplit(site.config.site_url))
        self.base_path = site.config.base_path
        self.made_by = {o.file: o for o in outputs}
        self.files = set(_walk(out))
        self.pages: dict[str, HtmlFile] = {}
        self._lines: dict[str, list[str] | None] = {}
        self._summary_links: dict[str, set[str]] | None = None
        self.checked = 0

    def check(self) -> list[Problem]:
        found: dict[tuple[str, int | None, str], list[str]] = {}
        for file in sorted(self.files):
            if not file.endswith(".html"):
                continue
            page_url = self._page_url(file)
            for link in self._page(file).links:
                message = self._check_link(page_url, link.url)
                if message is None:
                    continue
                for origin in self._origins(file, link):
                    found.setdefault((*origin, message), []).append(file)
        problems = []
        for (origin_file, line, message), pages in found.items():
            problems.append(Problem(origin_file, line, message + self._where(origin_file, pages)))
        return sorted(problems)

    # --- one link
    def _check_link(self, page_url: str, link: str) -> str | None:
        """The problem with ``link`` on the page at ``page_url``, or None when it resolves."""
        parts = urlsplit(urljoin(page_url, link))
        if parts.scheme not in ("http", "https") or _host(parts) != self.host:
            return None  # mailto:, data:, another site: not ours to check
        self.checked += 1
        path = unquote(parts.path)
        prefix = self.base_path + "/"
        if not (path + "/").startswith(prefix):
            return (
                f"link {link} points outside the site's base_path {self.base_path}"
                " (write root-relative links as /page/: the base_path is added for you)"
            )
        target = self._target(path[len(prefix) :])
        if target is None:
            return f"broken link {link}: no such page or file in the built site" + self._suggest(
                path[len(prefix) :]
            )
        fragment = unquote(parts.fragment)
        if (
            fragment in ALWAYS_PRESENT_FRAGMENTS
            or fragment.startswith(":~:")  # text fragments
            or not target.endswith(".html")
        ):
            return None
        ids = self._page(target).ids
        if fragment in ids:
            return None
        close = _closest(fragment, sorted(ids))
        hint = f"; did you mean #{close}?" if close else ""
        where = "this page" if link.startswith("#") else self._public_url(target)
        return f"missing anchor #{fragment}: {where} has no element with that id{hint}"

    def _target(self, relative: str) -> str | None:
        if relative == "" or relative.endswith("/"):
            candidates = [relative + "index.html"]
        else:  # a folder without its slash: every static host redirects to the slash
            candidates = [relative, relative + "/index.html"]
        return next((c for c in candidates if c in self.files), None)

    def _suggest(self, relative: str) -> str:
        known = sorted(self._public_path(f) for f in self.files if f.endswith(".html"))
        close = _closest(relative, known)
        return f"; did you mean {self.urls.url(close)}?" if close else ""

    # --- where to report it
    def _origins(self, file: str, link: Link) -> list[tuple[str, int | None]]:
        """Where the author wrote ``link``: the file in public/ it was copied from, or every line
        of the page's source that holds it, else config.yml, else the page's layouts (then any
        layout), else any content file, else the built file itself."""
        output = self.made_by.get(file)
        own = self._made_from(file)
        if own and own.startswith("public/"):
            return [(own, link.line)]  # copied from public/ as is: same lines
        needles = self._needles(link.url)
        if own:
            lines = self._find(own, needles)
            if lines:
                return [(own, line) for line in lines]
        else:  # a listing (index, archive, category, tag): the summaries it shows
            shown = self._summaries_with(link.url)
            if shown:
                return [(source, (self._find(source, needles) or [None])[0]) for source in shown]
        layouts = self._layouts(output.layout if output else None)
        sources = sorted(d.source for d in self.site.by_source.values())
        for candidate in ("config.yml", *layouts, *sources):
            lines = self._find(candidate, needles)
            if lines:
                return [(candidate, lines[0])]
        return [(self._shown_out(file), link.line)]

    def _summaries_with(self, url: str) -> list[str]:
        """The documents whose summary, which listing pages show, holds a link to ``url``."""
        if self._summary_links is None:
            self._summary_links = {
                document.source: {link.url for link in scan_html(str(document.summary)).links}
                for document in self.site.by_source.values()
            }
        return sorted(source for source, urls in self._summary_links.items() if url in urls)

    def _layouts(self, layout: str | None) -> list[str]:
        """Every layout file, those ``layout`` uses first (itself, then what it extends or
        includes), so a link in a shared partial is reported there."""
        root = self.project / "layouts"
        names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        used = _template_closure(root, layout) if layout else []
        return [f"layouts/{name}" for name in (*used, *(n for n in names if n not in used))]

    def _needles(self, link: str) -> list[str]:
        """Spellings of ``link`` an author may have written: as built, without base_path, and as
        a site path (``about/``, the form config.yml's nav and layouts' ``url()`` use)."""
        needles = [link]
        if self.base_path and link.startswith(self.base_path + "/"):
            needles.append(link[len(self.base_path) :])
        for needle in list(needles):
            site_path = needle.lstrip("/")
            # (a bare word is no URL: '/jane' is not written at 'author: jane')
            if needle.startswith("/") and ("/" in site_path or "." in site_path):
                needles.append(site_path)
        return needles

    def _find(self, relative: str, needles: list[str]) -> list[int]:
        lines = self._source_lines(relative)
        if not lines:
            return []
        found = []
        for number, text in enumerate(lines, 1):
            if any(_contains_url(text, needle) for needle in needles):
                found.append(number)
        return found

    def _source_lines(self, relative: str) -> list[str] | None:
        if relative not in self._lines:
            try:
                text = (self.project / relative).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self._lines[relative] = None
            else:
                self._lines[relative] = text.splitlines()
        return self._lines[relative]

    def _where(self, origin: str, pages: list[str]) -> str:
        """Which built pages show the problem, when the origin is not simply the page's own
        source (a layout or config.yml link is broken on every page using it)."""
        if any(self._made_from(page) == origin for page in pages):
            return ""  # broken on the page made from it: that is where the reader looks
        first = self._public_url(pages[0])
        others = len(set(pages)) - 1
        more = f" and {others} other page{'s' if others != 1 else ''}" if others else ""
        return f" (on {first}{more})"

    def _made_from(self, file: str) -> str | None:
        """The content file a built page was rendered from, or the public/ file it copies."""
        output = self.made_by.get(file)
        if output is not None:
            return output.source
        return f"public/{file}" if (self.project / "public" / file).is_file() else None

    # --- paths and URLs
    def _page(self, file: str) -> HtmlFile:
        if file not in self.pages:
            text = (self.out / file).read_text(encoding="utf-8", errors="replace")
            self.pages[file] = scan_html(text)
        return self.pages[file]

    def _public_path(self, file: str) -> str:
        return file.removesuffix("index.html") if file.endswith("index.html") else file

    def _public_url(self, file: str) -> str:
        return self.urls.url(self._public_path(file))

    def _page_url(self, file: str) -> str:
        return self.urls.absolute(self._public_path(file))

    def _shown_out(self, file: str) -> str:
        try:
            return (self.out / file).relative_to(Path.cwd()).as_posix()
        except ValueError:
            return (self.out / file).as_posix()


def _template_closure(root: Path, name: str) -> list[str]:
    """``name`` and the templates it extends, includes or imports, transitively, in order."""
    import jinja2
    from jinja2 import meta

    env = jinja2.Environment()
    order: list[str] = []
    pending = [name]
    while pending:
        current = pending.pop(0)
        if current in order:
            continue
        try:
            source = (root / current).read_text(encoding="utf-8")
            referenced = meta.find_referenced_templates(env.parse(source))
        except (OSError, UnicodeDecodeError, jinja2.TemplateSyntaxError):
            continue
        order.append(current)
        pending.extend(r for r in referenced if r)
    return order


CLOSE = 0.8
"""How alike a suggestion must be: 'secnd' -> 'second' and 'abuot/' -> 'about/', but not
'some-post/' -> 'other-post/'."""


def _closest(word: str, candidates: list[str]) -> str | None:
    """The candidate that differs from ``word`` by a slip of the keyboard, or None: compared
    whole, then past the folders they share (in one month's folder, every post is alike)."""
    for candidate in difflib.get_close_matches(word, candidates, n=5, cutoff=CLOSE):
        ours, theirs = word.split("/"), candidate.split("/")
        shared = 0
        while shared < min(len(ours), len(theirs)) - 1 and ours[shared] == theirs[shared]:
            shared += 1
        rest = "/".join(ours[shared:]), "/".join(theirs[shared:])
        if difflib.SequenceMatcher(None, *rest).ratio() >= CLOSE:
            return candidate
    return None


def _contains_url(text: str, needle: str) -> bool:
    """``needle`` appears in ``text`` as a whole URL (not as part of a longer one)."""
    for match in re.finditer(re.escape(needle), text):
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        if before in "([<\"'= :" and (after in ")]>\"' ,;" or after.isspace()):
            return True
    return False


def _walk(out: Path) -> Iterator[str]:
    for directory, dirnames, filenames in os.walk(out):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith("."):
                yield Path(directory, name).relative_to(out).as_posix()
