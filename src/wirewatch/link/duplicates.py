"""Near-duplicate articles: syndicated wire copies, re-publications on a second domain, updated versions.

Each article's text becomes a set of word 5-gram shingles (lower-case ``\\w+`` tokens). Candidates come from
datasketch's MinHash LSH, twice: ``MinHashLSH`` for Jaccard similarity and ``MinHashLSHEnsemble`` for
*containment* (how much of the shorter text is inside the longer one), because a shortened copy of a long
report ("the first 40% of the assessment, republished") has a low Jaccard similarity with it. Every
candidate pair is then checked on the exact shingle sets: a copy is a pair with Jaccard ≥
:data:`JACCARD` or containment ≥ :data:`CONTAINMENT`. The canonical article of a group of copies is the
longest (then the earliest published, then the smallest id); the others are its copies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CONTAINMENT", "JACCARD", "MIN_SHINGLES", "Copy", "find_copies", "shingles"]

JACCARD = 0.5
CONTAINMENT = 0.8
MIN_SHINGLES = 20  # shorter texts (a headline, a caption) are never called copies
SHINGLE = 5
NUM_PERM = 128
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Copy:
    """``article`` is a copy of ``canonical``: the exact Jaccard similarity and containment of their
    shingle sets (containment: the share of the shorter text's shingles found in the longer)."""

    article: str
    canonical: str
    jaccard: float
    containment: float


def shingles(text: str, n: int = SHINGLE) -> frozenset[str]:
    """The word ``n``-gram shingles of ``text`` (lower-case word tokens joined by a space)."""
    words = _WORD.findall(text.lower())
    return frozenset(" ".join(words[i : i + n]) for i in range(max(len(words) - n + 1, 0)))


def find_copies(articles: Sequence[tuple[str, str, str | None]]) -> list[Copy]:
    """The copies among ``(id, text, published)`` articles, each pointing at its group's canonical
    article, in input order."""
    from datasketch import MinHash, MinHashLSH, MinHashLSHEnsemble

    sets = {aid: shingles(text) for aid, text, _ in articles}
    kept = [a for a in articles if len(sets[a[0]]) >= MIN_SHINGLES]
    if len(kept) < 2:
        return []
    signatures = MinHash.bulk(
        [[s.encode("utf-8") for s in sets[aid]] for aid, _, _ in kept], num_perm=NUM_PERM
    )
    hashes: dict[str, MinHash] = {aid: m for (aid, _, _), m in zip(kept, signatures, strict=True)}
    jaccard_index = MinHashLSH(threshold=JACCARD, num_perm=NUM_PERM)
    ensemble = MinHashLSHEnsemble(threshold=CONTAINMENT, num_perm=NUM_PERM, num_part=8)
    for aid, _, _ in kept:
        jaccard_index.insert(aid, hashes[aid])
    ensemble.index([(aid, hashes[aid], len(sets[aid])) for aid, _, _ in kept])
    pairs: set[tuple[str, str]] = set()
    for aid, _, _ in kept:
        found = set(jaccard_index.query(hashes[aid])) | set(ensemble.query(hashes[aid], len(sets[aid])))
        pairs.update((min(aid, o), max(aid, o)) for o in found if o != aid)
    parent = {aid: aid for aid, _, _ in kept}

    def root(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    scores: dict[tuple[str, str], tuple[float, float]] = {}
    for a, b in sorted(pairs):
        sa, sb = sets[a], sets[b]
        inter = len(sa & sb)
        jac = inter / len(sa | sb)
        cont = inter / min(len(sa), len(sb))
        if jac >= JACCARD or cont >= CONTAINMENT:
            scores[(a, b)] = (jac, cont)
            parent[root(a)] = root(b)
    order = {aid: n for n, (aid, _, _) in enumerate(articles)}
    published = {aid: pub or "9999" for aid, _, pub in articles}
    groups: dict[str, list[str]] = {}
    for aid, _, _ in kept:
        groups.setdefault(root(aid), []).append(aid)
    out: list[Copy] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        canonical = min(members, key=lambda a: (-len(sets[a]), published[a], a))
        for m in members:
            if m == canonical:
                continue
            sa, sc = sets[m], sets[canonical]
            inter = len(sa & sc)
            out.append(
                Copy(m, canonical, round(inter / len(sa | sc), 4), round(inter / min(len(sa), len(sc)), 4))
            )
    return sorted(out, key=lambda c: order[c.article])
