"""Related posts without quadratic work.

Score (Shinmun's): +2 for each shared tag, +3 for the same category; ties go to the newer post.
Instead of scoring every pair of posts, candidates come from inverted indexes keyed by
(category or none, subset of tags) and are visited score level by score level, newest first,
stopping as soon as ``limit`` posts are found. A post only reaches a lower level once every
higher-scoring candidate has been taken, which keeps each lookup to a handful of steps.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterator, Sequence
from itertools import combinations
from typing import Protocol

__all__ = ["RelatedIndex"]

MAX_SUBSET = 3
"""Tag subsets up to this size are indexed; posts with more tags are scored exactly."""


class Relatable(Protocol):
    source: str
    category: str | None
    tags: tuple[str, ...]


class RelatedIndex:
    def __init__(self, posts: Sequence[Relatable]) -> None:
        """``posts`` must be sorted newest first; that order breaks ties."""
        self.posts = posts
        self.scored = 0
        """Pairs of posts scored so far: the work :meth:`related` did."""
        self.rank = {post.source: index for index, post in enumerate(posts)}
        self.lists: dict[tuple[str | None, frozenset[str]], list[int]] = defaultdict(list)
        for index, post in enumerate(posts):
            tags = sorted(set(post.tags))
            for size in range(min(len(tags), MAX_SUBSET) + 1):
                for subset in combinations(tags, size):
                    key = frozenset(subset)
                    self.lists[(None, key)].append(index)
                    if post.category:
                        self.lists[(post.category, key)].append(index)

    def score(self, a: Relatable, b: Relatable) -> int:
        self.scored += 1
        shared = len(set(a.tags) & set(b.tags))
        return 2 * shared + (3 if a.category and a.category == b.category else 0)

    def related(self, post: Relatable, limit: int = 5) -> list[int]:
        """Indexes (into ``posts``) of the best ``limit`` posts related to ``post``."""
        me = self.rank.get(post.source)
        tags = sorted(set(post.tags))
        levels = sorted(
            {
                (2 * shared + (3 if same else 0), shared, same)
                for shared in range(len(tags) + 1)
                for same in ((False, True) if post.category else (False,))
            },
            reverse=True,
        )
        chosen: list[int] = []
        taken: set[int] = set()
        for score, shared, same in levels:
            if score == 0:
                break
            for index in self._candidates(tags, shared, post.category if same else None):
                if index in taken or index == me:
                    continue
                if self.score(post, self.posts[index]) != score:
                    continue  # it belongs to another level
                chosen.append(index)
                taken.add(index)
                if len(chosen) == limit:
                    return chosen
        return chosen

    def _candidates(self, tags: list[str], shared: int, category: str | None) -> Iterator[int]:
        """Posts sharing at least ``shared`` tags (and ``category`` if given), newest first."""
        size = min(shared, MAX_SUBSET)
        lists = [
            self.lists.get((category, frozenset(subset)), []) for subset in combinations(tags, size)
        ]
        previous = -1
        for index in heapq.merge(*lists):
            if index != previous:
                previous = index
                yield index
