"""Story clusters: which articles report the same real-world story.

An article is a bag of features taken from its Analysis: its content words (lower-case, stop words and
one-letter tokens left out), its named entities (people, organisations, places, groups, events, works,
laws, products: ``E:<name>``, counted :data:`ENTITY_WEIGHT` times) and the numbers of its counts and
quantities (``N:<digits>``). Weighted by (1 + ln tf) · ln(N / df) and L2-normalised, two articles are as
similar as the cosine of their vectors; articles are merged bottom-up, the two clusters with the highest
*average* pairwise similarity first, while that average is at least the threshold (the ``link_threshold``
setting).

The weights and the threshold were chosen on the ECB+ story set's ``dev`` split only (docs/link.md): named
entities are what tell two earthquakes, two Oscar hosts or two hit-and-runs of one kind apart, and weighting
them three times the words beat every other combination of entities, places, years and numbers tried there.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["DEFAULT_THRESHOLD", "ENTITY_WEIGHT", "StoryFeatures", "cluster", "features"]

DEFAULT_THRESHOLD = 0.14
ENTITY_WEIGHT = 3
NUMBER_WEIGHT = 1
_NAMED = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT", "LOC"})
_COUNTS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
_WORD = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"\d+(?:\.\s?\d+)?")
_STOP = frozenset(
    """the a an of to in and or for on at by with from as is was are were be been has have had it its this
    that these those he she they his her their we our you i not but said says will would can could after
    before over than into about also more most up out new one two""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class StoryFeatures:
    """An article's id and its feature counts."""

    article: str
    counts: Counter[str]


def features(analysis: Mapping[str, Any]) -> StoryFeatures:
    """The story features of an Analysis dict (``article.text`` and ``entities``)."""
    article = analysis.get("article") or {}
    text = str(article.get("text") or "")
    counts: Counter[str] = Counter(w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1)
    for e in analysis.get("entities") or ():
        label = e.get("label")
        if label in _NAMED:
            counts["E:" + str(e.get("text", "")).lower()] += ENTITY_WEIGHT
        elif label in _COUNTS:
            for n in _DIGITS.findall(str(e.get("text", ""))):
                counts["N:" + n.replace(" ", "")] += NUMBER_WEIGHT
    return StoryFeatures(str(article.get("id") or ""), counts)


def _idf(n: int, d: int, *, smooth: bool) -> float:
    if smooth:
        return math.log((n + 1) / (d + 1)) + 1.0
    return math.log(n / d) if n > d else 0.0


def _vectors(
    items: Sequence[StoryFeatures], df: Mapping[str, int] | None, n_docs: int | None, *, smooth: bool = False
) -> Any:
    """The L2-normalised TF-IDF matrix (scipy CSR) of ``items``; document frequencies from ``df`` and
    ``n_docs`` when given (a store's running counts), else from ``items`` themselves. ``smooth`` uses
    ln((N + 1) / (df + 1)) + 1, so words every item shares still count (a handful of claims)."""
    from scipy.sparse import csr_matrix

    if df is None:
        df = Counter(w for it in items for w in it.counts)
        n_docs = len(items)
    n = max(n_docs or len(items), 1)
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, it in enumerate(items):
        for w, c in it.counts.items():
            d = df.get(w, 0) or 1
            idf = _idf(n, d, smooth=smooth)
            if idf <= 0.0 or c <= 0:
                continue
            rows.append(r)
            cols.append(vocab.setdefault(w, len(vocab)))
            vals.append((1.0 + math.log(c)) * idf)
    x = csr_matrix((vals, (rows, cols)), shape=(len(items), max(len(vocab), 1)), dtype=np.float64)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return csr_matrix(x.multiply(1.0 / norms[:, None]))


def cluster(
    items: Sequence[StoryFeatures],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    df: Mapping[str, int] | None = None,
    n_docs: int | None = None,
    smooth: bool = False,
) -> list[list[str]]:
    """Group articles into stories by average-link clustering at ``threshold`` (cosine similarity).

    Returns the stories as lists of article ids, each in input order, the stories ordered by their first
    article. Cost: the block's pairwise similarities, so callers cluster one block (time window) at a time.
    """
    if not items:
        return []
    if len(items) == 1:
        return [[items[0].article]]
    from scipy.cluster.hierarchy import fcluster, linkage

    x = _vectors(items, df, n_docs, smooth=smooth)
    sim = (x @ x.T).toarray()
    dist = np.clip(1.0 - sim, 0.0, 2.0)
    condensed = dist[np.triu_indices(len(items), k=1)]
    z = linkage(condensed, method="average")
    labels = fcluster(z, t=1.0 - threshold, criterion="distance")
    groups: dict[int, list[str]] = {}
    for it, label in zip(items, labels, strict=True):
        groups.setdefault(int(label), []).append(it.article)
    return list(groups.values())
