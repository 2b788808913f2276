"""Related posts: exactly what scoring every pair would return, without scoring every pair."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from shinmun_hf.site.related import RelatedIndex


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


def test_work_per_post_does_not_grow_with_the_blog():
    """No quadratic work: the posts scored to find one post's related posts stay a handful
    however many posts the blog has (scoring every pair would score 8 times more per post
    on a blog 8 times larger). The blogs are shaped like the benchmark's: 40 tags, 2 or 3
    per post, 4 categories."""

    def scored_per_post(count: int) -> float:
        rng = random.Random(count)
        tags = [f"topic-{i}" for i in range(40)]
        posts = [
            FakePost(f"p{i}", rng.choice("abcd"), tuple(rng.sample(tags, rng.randint(2, 3))))
            for i in range(count)
        ]
        index = RelatedIndex(posts)
        index.scored = 0  # (building the index scores nothing; this says so)
        for post in posts:
            assert len(index.related(post, 5)) == 5
        return index.scored / count

    small, large = scored_per_post(500), scored_per_post(4000)
    assert large < 1.5 * small, (small, large)
