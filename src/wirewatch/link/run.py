"""``wirewatch link``: link a store's articles, one block at a time, incrementally.

A block is the ISO week an article was published in ("2026-W09"), or ``undated``. Linking a block finds its
copies (:mod:`wirewatch.link.duplicates`), clusters its articles into stories (:mod:`wirewatch.link.stories`)
and builds each story's record with its claim clusters and origins (:mod:`wirewatch.link.origins`); the
block's rows are then replaced in one transaction. Only blocks that received an article since they were
last linked are linked again, so adding articles costs the size of their weeks, not of the database.

A week with more than :data:`MAX_BLOCK` articles is linked one day at a time instead (each day a block).
A story that goes on into the next block is a chain: each block's story says which story of the block
before it ``continues`` (week W is compared with week W-1, a day with the day before). When W-1 is linked
again later, W's links are refreshed by the next ``wirewatch link --all``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from wirewatch.link.duplicates import find_copies
from wirewatch.link.origins import _STOP, _WORD, build_story, located_place
from wirewatch.link.stories import cluster, features
from wirewatch.store.base import Store

__all__ = [
    "MAX_BLOCK",
    "LinkReport",
    "apply_overrides",
    "block_before",
    "block_of",
    "blocks_of",
    "link_block",
    "link_store",
]

UNDATED = "undated"
MAX_BLOCK = 3000
"""A publication week with more articles than this is linked one day at a time."""


@dataclass
class LinkReport:
    """What a link run did: blocks linked, the articles in them, and the stories and copies written."""

    blocks: list[str] = field(default_factory=list)
    articles: int = 0
    stories: int = 0
    copies: int = 0


def block_of(published: str | None) -> str:
    """The link block of a publication date: its ISO week ``YYYY-Www``, or ``undated``."""
    if not published or not re.match(r"\d{4}-\d{2}-\d{2}", published):
        return UNDATED
    try:
        year, week, _ = dt.date.fromisoformat(published[:10]).isocalendar()
    except ValueError:
        return UNDATED
    return f"{year}-W{week:02d}"


def link_block(
    analyses: list[dict[str, Any]],
    *,
    threshold: float,
    previous: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None,
    overrides: Sequence[dict[str, Any]] = (),
) -> tuple[list[dict[str, Any]], list[tuple[str, str, float, float]]]:
    """The Story records and copies ``(article, canonical, jaccard, containment)`` of one block's analyses.

    ``previous`` is the previous week's ``(stories, analyses)``: a story continues the one of that week whose
    articles are, on average, at least ``threshold`` similar to its own (the clustering's own criterion),
    the most similar one; its record then says so in ``continues``. ``overrides`` (analysts' merges and
    splits, oldest first) are applied to the clusters before the stories are built."""
    by_id = {str(a["article"]["id"]): a for a in analyses}
    found = find_copies(
        [
            (aid, str(a["article"].get("text") or ""), a["article"].get("published"))
            for aid, a in by_id.items()
        ]
    )
    copies = {c.article: c.canonical for c in found}
    groups = cluster([features(a) for a in analyses], threshold=threshold)
    groups, joined = join_by_incident(groups, by_id)
    groups, decided = apply_overrides(groups, overrides)
    decided = {**joined, **decided}
    claim_df: Counter[str] = Counter()
    n_claims = 0
    for a in analyses:
        for c in a.get("claims") or ():
            words = {w[:6] for w in _WORD.findall(str((c.get("content") or {}).get("text") or "").lower())}
            claim_df.update(w for w in words if w not in _STOP and len(w) > 1)
            n_claims += 1
    stories = [build_story([by_id[aid] for aid in group], copies, claim_df, n_claims) for group in groups]
    for story in stories:
        story["continues"] = None
        why = decided.get(frozenset(story["articles"]))
        if why:
            story["why"].append(why)
    if previous is not None and previous[0]:
        _chain(stories, analyses, previous[0], previous[1], threshold)
    return stories, [(c.article, c.canonical, c.jaccard, c.containment) for c in found]


INCIDENT_TYPES = frozenset({"ASSAULT", "COERCE", "PROTEST", "MOBILIZE", "RETREAT", "SANCTION", "AID"})
"""The material event types two reports can be matched on; what is said (ACCUSE, THREATEN...) is matched by
the claims."""
JOIN_KM = 25.0


def _incident_keys(analysis: dict[str, Any]) -> list[tuple[str, str, float, float, frozenset[str]]]:
    """``(type, day, lat, lon, actor countries)`` of an article's material events dated to a day at a
    resolved place below country level (not negated, not hypothetical)."""
    places = {str(p.get("id")): p for p in analysis.get("places") or ()}
    out = []
    for e in analysis.get("events") or ():
        when = e.get("when") or {}
        if e.get("type") not in INCIDENT_TYPES or e.get("negated") or e.get("hypothetical"):
            continue
        if when.get("precision") != "day" or not when.get("start"):
            continue
        place = located_place(e, places)
        if place is None:
            continue
        countries = frozenset(
            str(a["country"]) for a in e.get("actors") or () if a.get("role") == "actor" and a.get("country")
        )
        out.append(
            (str(e["type"]), str(when["start"])[:10], float(place["lat"]), float(place["lon"]), countries)
        )
    return out


def join_by_incident(
    groups: list[list[str]], by_id: dict[str, dict[str, Any]]
) -> tuple[list[list[str]], dict[frozenset[str], str]]:
    """Join the stories that report one incident: a material event of one type, on one day, at places
    within :data:`JOIN_KM`, by actors of compatible countries (ACLED's own unit: type, location, date),
    whatever their words. Returns the groups and, for each joined group, the ``why`` line that says so."""
    keys = [[k for aid in g for k in _incident_keys(by_id[aid])] for g in groups]
    parent = list(range(len(groups)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    reasons: list[tuple[int, str]] = []
    by_day: dict[tuple[str, str], list[int]] = defaultdict(list)
    for n, ks in enumerate(keys):
        for k in {(t, d) for t, d, *_ in ks}:
            by_day[k].append(n)
    for (
        kind,
        day,
    ), members in by_day.items():  # blocking: only stories with an event of this type on this day
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if root(i) == root(j):
                    continue
                for a in (k for k in keys[i] if k[:2] == (kind, day)):
                    near = [b for b in keys[j] if b[:2] == (kind, day) and _km(a, b) <= JOIN_KM]
                    if any(not a[4] or not b[4] or a[4] & b[4] for b in near):
                        parent[root(i)] = root(j)
                        reasons.append((i, f"joined on one incident: {kind} on {day}"))
                        break
    merged: dict[int, list[str]] = {}
    parts: Counter[int] = Counter()
    for i, group in enumerate(groups):
        merged.setdefault(root(i), []).extend(group)
        parts[root(i)] += 1
    said = {root(i): text for i, text in reasons}
    why = {frozenset(m): said[r] for r, m in merged.items() if parts[r] > 1 and r in said}
    return list(merged.values()), why


def _km(
    a: tuple[str, str, float, float, frozenset[str]], b: tuple[str, str, float, float, frozenset[str]]
) -> float:
    from wirewatch.geo.gazetteer import haversine_km

    return haversine_km(a[2], a[3], b[2], b[3])


def apply_overrides(
    groups: list[list[str]], overrides: Sequence[dict[str, Any]]
) -> tuple[list[list[str]], dict[frozenset[str], str]]:
    """Analysts' decisions over a block's clusters, oldest first: a ``merge`` joins every cluster holding
    one of its articles; a ``split`` takes its articles out of their clusters into a story of their own.
    Articles of other blocks are ignored. Returns the clusters and, for each cluster a decision shaped,
    the ``why`` line that says so."""
    clusters = [list(g) for g in groups]
    decided: dict[frozenset[str], str] = {}
    for o in overrides:
        wanted = set(o.get("articles") or ())
        hit = [g for g in clusters if wanted.intersection(g)]
        if not hit:
            continue
        if o.get("kind") == "merge":
            merged = [a for g in hit for a in g]
            clusters = [g for g in clusters if not wanted.intersection(g)] + [merged]
            decided[frozenset(merged)] = f"merged by an analyst (override {o.get('id')})"
        elif o.get("kind") == "split":
            own = [a for g in hit for a in g if a in wanted]
            rest = [[a for a in g if a not in wanted] for g in hit]
            clusters = [g for g in clusters if not wanted.intersection(g)] + [g for g in rest if g] + [own]
            decided[frozenset(own)] = f"split off by an analyst (override {o.get('id')})"
    return clusters, decided


def _chain(
    stories: list[dict[str, Any]],
    analyses: list[dict[str, Any]],
    before: list[dict[str, Any]],
    before_analyses: list[dict[str, Any]],
    threshold: float,
) -> None:
    """Set ``continues`` on the stories that carry on a story of the week before (one TF-IDF space over
    both weeks; the mean pairwise similarity of their articles, as average-link clustering measures it)."""
    import numpy as np

    from wirewatch.link.stories import _vectors

    items = [features(a) for a in analyses] + [features(a) for a in before_analyses]
    row = {it.article: n for n, it in enumerate(items)}
    x = _vectors(items, None, None)
    sim = (x @ x.T).toarray()
    for story in stories:
        mine = [row[a] for a in story["articles"] if a in row]
        best, best_sim = None, threshold
        for old in before:
            theirs = [row[a] for a in old["articles"] if a in row]
            if not mine or not theirs:
                continue
            value = float(np.mean(sim[np.ix_(mine, theirs)]))
            if value >= best_sim:
                best, best_sim = old["id"], value
        story["continues"] = best


def _load(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        analysis = store.analysis(str(row["id"]))
        if analysis is not None:
            out.append(analysis.to_dict())
    return out


def blocks_of(
    rows: Sequence[dict[str, Any]], max_block: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The articles of each block: their publication week, or their day when the week holds more than
    ``max_block`` (:data:`MAX_BLOCK`) articles, so a block's quadratic cost stays bounded on heavy feeds."""
    limit = MAX_BLOCK if max_block is None else max_block
    weeks = Counter(block_of(r.get("published")) for r in rows)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        week = block_of(r.get("published"))
        heavy = week != UNDATED and weeks[week] > limit
        out[str(r.get("published"))[:10] if heavy else week].append(r)
    return out


def block_before(block: str, present: Collection[str]) -> str | None:
    """The block just before ``block`` among ``present`` ones: the day before a day block, the week before a
    week block; either the day's or the week's block, as the heavy weeks were cut. None for ``undated``."""
    week = re.fullmatch(r"(\d{4})-W(\d{2})", block)
    if week is not None:
        day = dt.date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1) - dt.timedelta(days=1)
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", block):
        day = dt.date.fromisoformat(block) - dt.timedelta(days=1)
    else:
        return None
    for candidate in (day.isoformat(), block_of(day.isoformat())):
        if candidate in present and candidate != block:
            return candidate
    return None


def link_store(
    store: Store,
    *,
    threshold: float,
    everything: bool = False,
    blocks: Collection[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> LinkReport:
    """Link the blocks of ``store`` that have articles not linked in them yet, and ``blocks`` (every block
    with ``everything``)."""
    rows = store.link_articles()
    overrides = store.story_overrides()
    by_block = blocks_of(rows)
    todo = sorted(
        b
        for b, members in by_block.items()
        if everything or b in blocks or any(r.get("block") != b for r in members)
    )
    report = LinkReport(blocks=todo)
    for n, block in enumerate(todo):
        analyses = _load(store, by_block[block])
        before = block_before(block, by_block)
        previous = None
        if before is not None:
            previous = (store.block_stories(before), _load(store, by_block[before]))
        stories, copies = link_block(analyses, threshold=threshold, previous=previous, overrides=overrides)
        store.save_block(block, stories, copies)
        report.articles += len(analyses)
        report.stories += len(stories)
        report.copies += len(copies)
        if progress is not None:
            progress(n + 1, len(todo))
    return report
