"""Related posts: the indexed search returns exactly what scoring every pair would."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from shinmun_hf.related import RelatedIndex


@dataclass
class FakePost:
    source: str
    category: str | None
    tags: tuple[str, ...]


def brute_force(posts: list[FakePost], post: FakePost, limit: int) -> list[int]:
    scored = []
    for index, other in enumerate(posts):
        if other.source == post.source:
            continue
        shared = len(set(post.tags) & set(other.tags))
        score = 2 * shared + (3 if post.category and post.category == other.category else 0)
        if score > 0:
            scored.append((-score, index))
    return [index for _, index in sorted(scored)[:limit]]


@pytest.mark.parametrize("seed", range(8))
def test_matches_brute_force_on_random_blogs(seed):
    rng = random.Random(seed)
    vocabulary = [f"tag{i}" for i in range(rng.randint(3, 12))]
    categories = [None, "a", "b", "c"]
    posts = [
        FakePost(
            f"p{i}",
            rng.choice(categories),
            tuple(rng.sample(vocabulary, rng.randint(0, min(6, len(vocabulary))))),
        )
        for i in range(200)
    ]
    index = RelatedIndex(posts)
    for post in posts:
        for limit in (1, 5):
            assert index.related(post, limit) == brute_force(posts, post, limit), post


def test_no_relation_no_result():
    posts = [FakePost("a", None, ("x",)), FakePost("b", None, ("y",))]
    assert RelatedIndex(posts).related(posts[0]) == []
