"""Local agglomeration: how the clusterer re-reads one story's members.

When a story reaches a checkpoint size, :func:`partition` clusters its members again with the
link the clusterer uses to join and merge (average pairwise similarity x compatibility, over
the coherence of both sides), bottom-up: the two groups with the best link are merged while
that link reaches the threshold. A story that greedy, one-pass assignment built from two
happenings (the second one's first report arrived when only the first existed) comes out as
two groups, and the clusterer splits it. Only the members of that one story are touched, so the
cost is bounded by ``max_split_size``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from eventwatch.stories.cluster import Profile

SimilaritySum = Callable[["Profile", "Profile"], tuple[float, float, float]]
Compatibility = Callable[["Profile", "Profile"], float]


def weighted_pairs(
    members: Sequence[Profile], similarity: SimilaritySum, compatibility: Compatibility
) -> np.ndarray:
    """Similarity x compatibility of every pair of one-article profiles (diagonal zero)."""
    n = len(members)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            value = similarity(members[i], members[j])[0]
            if value > 0:
                value *= compatibility(members[i], members[j])
            out[i, j] = out[j, i] = value
    return out


def partition(
    sims: np.ndarray, *, threshold: float, coherence: Callable[[float, int], float]
) -> list[list[int]]:
    """Groups of member indices, merged bottom-up (average linkage over coherence) while the
    best link reaches ``threshold``; ``coherence(internal_sum, size)`` as the clusterer's."""
    n = len(sims)
    groups: list[list[int] | None] = [[i] for i in range(n)]
    cross = sims.copy()
    internal = [0.0] * n
    score = np.full((n, n), -np.inf)

    def link(i: int, j: int) -> float:
        gi, gj = groups[i], groups[j]
        assert gi is not None and gj is not None
        norm = math.sqrt(coherence(internal[i], len(gi)) * coherence(internal[j], len(gj)))
        return float(cross[i, j]) / (len(gi) * len(gj)) / norm

    for i in range(n):
        for j in range(i + 1, n):
            score[i, j] = link(i, j)
    while n > 1:
        flat = int(np.argmax(score))
        i, j = divmod(flat, n)
        if not np.isfinite(score[i, j]) or score[i, j] < threshold:
            break
        gi, gj = groups[i], groups[j]
        assert gi is not None and gj is not None
        internal[i] += internal[j] + float(cross[i, j])
        gi.extend(gj)
        groups[j] = None
        cross[i, :] += cross[j, :]
        cross[:, i] += cross[:, j]
        cross[i, i] = 0.0
        score[j, :] = -np.inf
        score[:, j] = -np.inf
        for k in range(n):
            if groups[k] is not None and k != i:
                a, b = min(i, k), max(i, k)
                score[a, b] = link(a, b)
    return [sorted(g) for g in groups if g is not None]


def internal_sum(sims: np.ndarray, indices: Sequence[int]) -> float:
    """The summed value over the pairs of ``indices``."""
    block = sims[np.ix_(list(indices), list(indices))]
    return float(block.sum()) / 2.0
