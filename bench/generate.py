"""Generate a deterministic benchmark blog of N posts (about 600 words each).

Each post has headings, a list, a fenced code block, a table, links, two or three tags from a
vocabulary of 40 and one of four categories, as in the issue's comparison with Hugo, Pelican and
MkDocs. The layouts, theme and config come from the example blog at the repository root.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VOCABULARY = (
    "static site generator python markdown blog fast cache build render template layout "
    "feed archive category tag index page post content browser token model inference stream "
    "server client request response library module function value config deploy host domain "
    "the a of to in and is for with on that this it as be are by from at or an"
)
WORDS = VOCABULARY.split()
TAGS = [f"topic-{i:02}" for i in range(40)]
CATEGORIES = ["Guides", "Releases", "Notes", "Research"]


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, words: int) -> str:
    parts, left = [], words
    while left > 0:
        n = min(left, rng.randint(8, 16))
        parts.append(sentence(rng, n))
        left -= n
    return " ".join(parts)


def post_body(rng: random.Random, number: int) -> str:
    return "\n\n".join(
        [
            paragraph(rng, 70),
            "## Background",
            paragraph(rng, 90)
            + f" See [the previous post](/archives/) and [docs](https://example.org/{number}).",
            "- " + sentence(rng, 6) + "\n- " + sentence(rng, 7) + "\n- " + sentence(rng, 5),
            "```python\ndef handler(request):\n    value = request.get('value', 0)\n"
            f"    return {{'post': {number}, 'double': value * 2}}\n```",
            paragraph(rng, 110),
            "## Results",
            "| metric | before | after |\n|---|---|---|\n"
            f"| time | {rng.randint(10, 99)} ms | {rng.randint(1, 9)} ms |\n"
            "| memory | 2 GB | 1 GB |",
            paragraph(rng, 120),
            "### Details",
            paragraph(rng, 100),
            paragraph(rng, 60),
        ]
    )


def generate(target: Path, posts: int, seed: int = 7) -> Path:
    """Write the blog into ``target`` (replacing it) and return it."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    for folder in ("layouts", "public"):
        shutil.copytree(
            REPO / folder, target / folder, ignore=shutil.ignore_patterns("*.ts", "*.tsx", "apps")
        )
    config = (
        (REPO / "config.yml")
        .read_text()
        .replace("  - Guides\n  - Releases\n", "".join(f"  - {c}\n" for c in CATEGORIES))
    )
    (target / "config.yml").write_text(config)
    (target / "content" / "pages").mkdir(parents=True)
    (target / "content" / "pages" / "about.md").write_text("---\ntitle: About\n---\nAbout.\n")
    (target / "content" / "pages" / "hf-oauth-demo.md").write_text(
        "---\ntitle: Demo\n---\nDemo page.\n"
    )
    posts_dir = target / "content" / "posts"
    for number in range(posts):
        year = 2015 + number * 10 // max(posts, 1)
        month = number % 12 + 1
        day = number % 28 + 1
        tags = rng.sample(TAGS, rng.randint(2, 3))
        front = (
            f"---\ntitle: Post number {number}\ndate: {year}-{month:02}-{day:02} "
            f"{number % 24:02}:{number % 60:02}\ncategory: {rng.choice(CATEGORIES)}\n"
            f"tags: [{', '.join(tags)}]\n---\n"
        )
        folder = posts_dir / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"post-{number:05}.md").write_text(front + post_body(rng, number) + "\n")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("posts", type=int)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    generate(args.target, args.posts)


if __name__ == "__main__":
    main()
