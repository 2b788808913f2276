"""Short stable digests: the currency of every cache key, fact and fingerprint."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

__all__ = ["digest_of"]


def digest_of(parts: Iterable[str]) -> str:
    """A short stable digest of a sequence of strings (none of which contains NUL)."""
    return hashlib.blake2b("\x00".join(parts).encode(), digest_size=12).hexdigest()
