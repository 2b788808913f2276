"""``shinmun new post|page "Title"``: a new content file with its front matter filled in.

Posts go to ``content/posts/<year>/<slug>.md`` (a folder per year keeps a long-running blog
browsable), pages to ``content/pages/<slug>.md``. The slug comes from the title, transliterated
to ASCII ("Ünïcödé straße" -> ``unicode-strasse``), and the date is now, with the offset of the
config's time zone written out so the post keeps its moment if the time zone setting changes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

__all__ = ["add_entry_arguments", "new_entry", "register"]

KINDS = ("post", "page")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "new",
        help="create a post or a page",
        description="Create content/posts/<year>/<slug>.md or content/pages/<slug>.md with its "
        "front matter filled in; never overwrites a file.",
    )
    parser.add_argument("kind", choices=KINDS, help="post or page")
    add_entry_arguments(parser)
    parser.set_defaults(run=run)


def add_entry_arguments(parser: argparse.ArgumentParser) -> None:
    """The title and options of a new entry (``new post|page`` and Shinmun's ``post``, ``page``)."""
    parser.add_argument("title", help="the title, in quotes")
    parser.add_argument(
        "--slug", help="the file name (and URL) to use instead of one from the title"
    )
    parser.add_argument("--draft", action="store_true", help="mark it draft: true (posts)")


def run(args: argparse.Namespace) -> int:
    import sys

    from ..project.config import load_config
    from .build import shown_path

    project = args.project.resolve()
    _require_blog(project)
    warnings: list[str] = []
    config = load_config(project, warnings=warnings)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    path = new_entry(
        project,
        args.kind,
        args.title,
        timezone=config.timezone,
        slug=args.slug,
        draft=args.draft,
    )
    print(shown_path(path))
    return 0


def new_entry(
    project: Path,
    kind: str,
    title: str,
    *,
    timezone: str = "UTC",
    slug: str | None = None,
    draft: bool = False,
    now: dt.datetime | None = None,
) -> Path:
    """Write the new file and return its path; refuses to replace an existing one."""
    from ..content.slugs import is_url_safe, slugify
    from ..errors import ShinmunError

    title = " ".join(title.split())
    if not title:
        raise ShinmunError(
            "the title is empty", hint='write it in quotes: shinmun new post "Title"'
        )
    if slug is None:
        if not re.search(r"\w", title):
            raise ShinmunError(
                f"cannot make a file name from the title {title!r}",
                hint="give one with --slug, e.g. --slug my-post",
            )
        slug = slugify(title)
    elif not is_url_safe(slug) or "/" in slug:
        raise ShinmunError(
            f"--slug {slug!r} is not URL-safe",
            hint="use lowercase letters, digits and '-', e.g. --slug my-post",
        )

    moment = (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(timezone)).replace(microsecond=0)
    if kind == "post":
        relative = Path("content", "posts", str(moment.year), f"{slug}.md")
        front: dict[str, object] = {"title": title, "date": moment.isoformat(sep=" ")}
        if draft:
            front["draft"] = True
        text = _front_matter(front, POST_COMMENTS) + POST_BODY
    else:
        relative = Path("content", "pages", f"{slug}.md")
        front = {"title": title}
        if draft:
            front["draft"] = True
        text = _front_matter(front) + PAGE_BODY

    path = project / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:  # "x": fails instead of overwriting
            file.write(text)
    except FileExistsError:
        raise ShinmunError(
            "the file already exists",
            file=relative.as_posix(),
            hint="pick another title, or give another file name with --slug",
        ) from None
    return path


def _front_matter(front: dict[str, object], comments: tuple[str, ...] = ()) -> str:
    """YAML front matter in the order given, then ``comments`` (keys to fill in if wanted);
    the date unquoted so YAML reads a timestamp."""
    import yaml

    lines = []
    for key, value in front.items():
        if key == "date":
            lines.append(f"{key}: {value}")
        else:
            dumped = yaml.safe_dump({key: value}, allow_unicode=True, width=1_000_000)
            lines.append(dumped.rstrip("\n"))
    lines.extend(f"# {comment}" for comment in comments)
    return "---\n" + "\n".join(lines) + "\n---\n\n"


POST_COMMENTS = (
    "Optional, remove the # to use one:",
    "category: Guides",
    "tags: [python, static sites]",
    "description: One sentence for feeds and search engines, instead of the first paragraph",
)
"""Optional keys, shown but commented out: an empty ``category:`` would be an error waiting."""

POST_BODY = """\
The first paragraph is the post's summary: the home page, the feeds and search results show
it. Replace it with yours.

## A heading

Write in Markdown: *emphasis*, **strong**, [links](https://example.com), lists and code.

```python
print("Hello")
```

Preview with `shinmun serve`; publish with `shinmun build`.
"""

PAGE_BODY = """\
What this page is about, in a sentence or two. Pages are not dated and not listed with the
posts: link to this one from `nav:` in config.yml, or from a post.

## A heading

Write in Markdown, as in posts.
"""


def _require_blog(project: Path) -> None:
    from ..errors import ShinmunError

    if not (project / "config.yml").exists() and not (project / "content").is_dir():
        raise ShinmunError(
            f"{project} is not a blog (it has no config.yml and no content/ folder)",
            hint="run it inside your blog, pass --project DIR, or create one with shinmun init DIR",
        )
