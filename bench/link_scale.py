#!/usr/bin/env python3
"""How the link stage scales: synthetic analyses at 10k, 100k and 1M events, linked block by block.

A synthetic world: stories (incidents) of 2-8 reports each, every report an Analysis-shaped dict with two
events, 120 words of text (60 from a 5,000-word background vocabulary, the rest from its story's own
words), three named entities of its story, and two claims (the lead, sourced to anonymous sources relayed
by a wire agency, and a second one). Stories are dated: each publication week carries
``--per-week`` reports (default 1,000, a heavy conflict-news feed), so a 10× larger database spans 10× the
weeks, as a growing archive does. Analyses are generated one week at a time and dropped once linked, so
memory holds one block.

Phases (each in this process, timed with perf_counter):
  (1) for each scale, link every block (:func:`wirewatch.link.run.link_block`: copies, story clusters, claim
      clusters and origins) and report the time, the time ratio to the previous scale and the peak RSS;
  (2) incremental: a 100k-event archive held by an in-memory store, fully linked with
      :func:`wirewatch.link.run.link_store`; then 1,000 new reports of the latest week arrive and
      ``link_store`` links again: only the blocks that got new reports (``incremental_share`` = that time /
      the full link's time; the target is ≤ 0.05).

Targets (issue 7): time grows ≤ 12× per 10× of data; the 1M run fits in 4 GB RSS; incremental ≤ 5%.
``--scales 10000,100000`` runs a subset (quick check). Prints one JSON object with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from collections.abc import Iterator
from typing import Any

EVENTS_PER_REPORT = 2
VOCAB = 5000


def _word(rng: random.Random, n: int = 7) -> str:
    return "".join(rng.choice("abcdefghijklmnoprstuvyz") for _ in range(n))


class World:
    def __init__(self, seed: int, per_week: int) -> None:
        self.rng = random.Random(seed)
        self.vocab = [_word(self.rng) for _ in range(VOCAB)]
        self.per_week = per_week
        self.n = 0

    def week(self, w: int, reports: int) -> list[dict[str, Any]]:
        rng = self.rng
        out: list[dict[str, Any]] = []
        day = f"2020-01-{1 + (w % 28):02d}" if w < 0 else _date(w)
        while len(out) < reports:
            words = [_word(rng, 9) for _ in range(30)]
            names = [_word(rng, 6).title() + " " + _word(rng, 8).title() for _ in range(3)]
            for _ in range(min(rng.randint(2, 8), reports - len(out))):
                self.n += 1
                aid = f"{self.n:016x}"
                own = [x for x in words if rng.random() < 0.7] + rng.sample(self.vocab, 60)
                rng.shuffle(own)
                lead = " ".join(own[:12])
                text = f"{lead}. " + " ".join(own[12:]) + ". " + ". ".join(names) + "."
                out.append(_analysis(aid, day, text, lead, names, rng))
        return out


def _date(week: int) -> str:
    import datetime as dt

    return (dt.date(2020, 1, 6) + dt.timedelta(weeks=week)).isoformat()


def _analysis(
    aid: str, day: str, text: str, lead: str, names: list[str], rng: random.Random
) -> dict[str, Any]:
    def claim(n: int, content: str, source: str, kind: str) -> dict[str, Any]:
        start = text.index(content)
        return {
            "id": f"{aid}:c{n}",
            "content": {"start": start, "end": start + len(content), "text": content},
            "sources": [{"name": source, "kind": kind}],
            "via": [],
            "kind": "statement",
            "denies": None,
        }

    second = " ".join(text.split()[14:26])
    return {
        "article": {
            "id": aid,
            "url": f"https://outlet{rng.randint(1, 300)}.example/{aid}",
            "outlet": f"outlet{rng.randint(1, 300)}.example",
            "published": day,
            "text": text,
        },
        "entities": [{"label": "PERSON", "text": n} for n in names],
        "claims": [claim(0, lead, "two sources", "anonymous"), claim(1, second, names[0], "official")],
        "events": [{"id": f"{aid}:e{k}"} for k in range(EVENTS_PER_REPORT)],
        "places": [],
    }


def _blocks(n_events: int, per_week: int, seed: int) -> Iterator[list[dict[str, Any]]]:
    world = World(seed, per_week)
    reports = n_events // EVENTS_PER_REPORT
    week = 0
    while reports > 0:
        size = min(per_week, reports)
        yield world.week(week, size)
        reports -= size
        week += 1


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MemoryStore:
    """The three methods :func:`link_store` uses, over analyses held in memory (no database cost)."""

    def __init__(self) -> None:
        self.analyses: dict[str, dict[str, Any]] = {}
        self.linked: dict[str, str] = {}  # article -> block
        self.stories: dict[str, list[dict[str, Any]]] = {}

    def add(self, analyses: list[dict[str, Any]]) -> None:
        for a in analyses:
            self.analyses[a["article"]["id"]] = a

    def link_articles(self) -> list[dict[str, Any]]:
        return [
            {"id": aid, "published": a["article"]["published"], "block": self.linked.get(aid)}
            for aid, a in self.analyses.items()
        ]

    def analysis(self, aid: str) -> Any:
        a = self.analyses[aid]
        return type("A", (), {"to_dict": lambda self_: a})()

    def block_stories(self, block: str) -> list[dict[str, Any]]:
        return self.stories.get(block, [])

    def save_block(self, block: str, stories: list[dict[str, Any]], copies: list[Any]) -> None:
        self.stories[block] = stories
        for s in stories:
            for aid in s["articles"]:
                self.linked[aid] = block


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="10000,100000,1000000", help="event counts, comma-separated")
    parser.add_argument("--per-week", type=int, default=1000, help="reports per publication week")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-incremental", action="store_true", help="skip phase (2)")
    args = parser.parse_args()

    from wirewatch.link.run import link_block, link_store
    from wirewatch.settings import load_settings

    threshold = load_settings().link_threshold
    log = sys.stderr
    result: dict[str, Any] = {"per_week": args.per_week, "scales": {}}
    previous: float | None = None
    for n_events in [int(x) for x in args.scales.split(",")]:
        started = time.perf_counter()
        n_blocks = n_stories = 0
        for block in _blocks(n_events, args.per_week, seed=n_events):
            stories, _ = link_block(block, threshold=threshold)
            n_blocks += 1
            n_stories += len(stories)
        seconds = time.perf_counter() - started
        row = {
            "seconds": round(seconds, 2),
            "blocks": n_blocks,
            "stories": n_stories,
            "peak_rss_mb": round(_rss_mb(), 1),
        }
        if previous:
            row["growth"] = round(seconds / previous, 2)
        previous = seconds
        result["scales"][str(n_events)] = row
        print(
            f"{n_events:>9} events: {seconds:8.1f}s  {n_blocks} blocks  {n_stories} stories  "
            f"peak RSS {row['peak_rss_mb']} MB" + (f"  ×{row['growth']}" if "growth" in row else ""),
            file=log,
        )
    if not args.no_incremental:
        store = MemoryStore()
        for block in _blocks(100_000, args.per_week, seed=7):
            store.add(block)
        started = time.perf_counter()
        link_store(store, threshold=threshold)  # type: ignore[arg-type]
        full = time.perf_counter() - started
        world = World(8, args.per_week)
        last_week = max(a["article"]["published"] for a in store.analyses.values())
        new = world.week(0, 1000)
        for a in new:
            a["article"]["id"] = "n" + a["article"]["id"][1:]
            a["article"]["published"] = last_week
        store.add(new)
        started = time.perf_counter()
        report = link_store(store, threshold=threshold)  # type: ignore[arg-type]
        incremental = time.perf_counter() - started
        result["incremental"] = {
            "full_seconds": round(full, 2),
            "incremental_seconds": round(incremental, 2),
            "incremental_share": round(incremental / full, 4),
            "blocks_relinked": len(report.blocks),
        }
        print(
            f"incremental: full link {full:.1f}s, 1,000 new reports {incremental:.2f}s "
            f"({incremental / full:.1%}, {len(report.blocks)} block(s))",
            file=log,
        )
    result["peak_rss_mb"] = round(_rss_mb(), 1)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
