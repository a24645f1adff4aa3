"""``wirewatch link``: link a store's articles, one block at a time, incrementally.

A block is the ISO week an article was published in ("2026-W09"), or ``undated``. Linking a block finds its
copies (:mod:`wirewatch.link.duplicates`), clusters its articles into stories (:mod:`wirewatch.link.stories`)
and builds each story's record with its claim clusters and origins (:mod:`wirewatch.link.origins`); the
block's rows are then replaced in one transaction. Only blocks that received an article since they were
last linked are linked again, so adding articles costs the size of their weeks, not of the database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wirewatch.link.duplicates import find_copies
from wirewatch.link.origins import _STOP, _WORD, build_story
from wirewatch.link.stories import cluster, features
from wirewatch.store.base import Store

__all__ = ["LinkReport", "block_of", "link_block", "link_store"]

UNDATED = "undated"


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
    analyses: list[dict[str, Any]], *, threshold: float
) -> tuple[list[dict[str, Any]], list[tuple[str, str, float, float]]]:
    """The Story records and copies ``(article, canonical, jaccard, containment)`` of one block's analyses."""
    by_id = {str(a["article"]["id"]): a for a in analyses}
    found = find_copies(
        [
            (aid, str(a["article"].get("text") or ""), a["article"].get("published"))
            for aid, a in by_id.items()
        ]
    )
    copies = {c.article: c.canonical for c in found}
    groups = cluster([features(a) for a in analyses], threshold=threshold)
    claim_df: Counter[str] = Counter()
    n_claims = 0
    for a in analyses:
        for c in a.get("claims") or ():
            words = {w[:6] for w in _WORD.findall(str((c.get("content") or {}).get("text") or "").lower())}
            claim_df.update(w for w in words if w not in _STOP and len(w) > 1)
            n_claims += 1
    stories = [build_story([by_id[aid] for aid in group], copies, claim_df, n_claims) for group in groups]
    return stories, [(c.article, c.canonical, c.jaccard, c.containment) for c in found]


def link_store(
    store: Store,
    *,
    threshold: float,
    everything: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> LinkReport:
    """Link the blocks of ``store`` that have articles not linked in them yet (every block with
    ``everything``)."""
    rows = store.link_articles()
    by_block: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_block[block_of(row.get("published"))].append(row)
    todo = sorted(
        b for b, members in by_block.items() if everything or any(r.get("block") != b for r in members)
    )
    report = LinkReport(blocks=todo)
    for n, block in enumerate(todo):
        analyses = []
        for row in by_block[block]:
            analysis = store.analysis(str(row["id"]))
            if analysis is not None:
                analyses.append(analysis.to_dict())
        stories, copies = link_block(analyses, threshold=threshold)
        store.save_block(block, stories, copies)
        report.articles += len(analyses)
        report.stories += len(stories)
        report.copies += len(copies)
        if progress is not None:
            progress(n + 1, len(todo))
    return report
