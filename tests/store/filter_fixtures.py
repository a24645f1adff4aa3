"""A small database for the shared list filters (issue 8), made by hand through the store API (no model).

Three articles, each with its own date, places, claims (sources, relays, certainty) and events (types, dates,
holders), and two stories:

- ``A`` (published 2025-03-10): a depot fire in Kharkiv Oblast. Place ``Balakliia`` (UA, Kharkiv Oblast).
  Claim ``c1``: held by a regional governor (official), relayed by Ukrinform (outlet), reported; claim
  ``c2``: held by a defence ministry (military), alleged. Event ``e1`` ASSAULT on 2025-03-09 at Balakliia,
  a Russian actor, held by ``c1``; event ``e2`` ACCUSE on 2025-03-10, no place, held by ``c2``.
- ``B`` (published 2025-04-02): a march in Madrid. Place ``Madrid`` (ES, Comunidad de Madrid). Claim
  ``c1``: no source, asserted. Event ``e1`` PROTEST on 2025-04-01 at Madrid, held by ``c1``.
- ``C`` (no publication date): talks. Place ``Lviv`` (UA, Lviv Oblast, no coordinates). Claim ``c1``: held
  by anonymous officials (anonymous), speculated. Event ``e1`` CONSULT, undated, at Lviv, held by ``c1``.

Story ``S1`` holds ``A`` (3 independent origins); story ``S2`` holds ``B`` (1). ``C`` is in no story.
"""

from __future__ import annotations

from typing import Any

from wirewatch.records import Analysis, Article, RawDocument
from wirewatch.store import open_store

A, B, C = "f1a0000000000001", "f1b0000000000002", "f1c0000000000003"
S1, S2 = "s00000000000f001", "s00000000000f002"

TEXTS = {
    A: "A fire broke out at a fuel depot after an overnight drone attack, the quartermaster reported.",
    B: "Several thousand people marched through the centre carrying banners and flags.",
    C: "Negotiators met again behind closed doors, according to people briefed on the talks.",
}


def _span(text: str, word: str) -> dict[str, Any]:
    start = text.index(word)
    return {"start": start, "end": start + len(word), "text": word}


def _place(
    aid: str, n: int, name: str, country: str, admin1: str, lat: float | None, lon: float | None
) -> dict[str, Any]:
    return {
        "id": f"{aid}:p{n}",
        "mention": {"start": 0, "end": len(name), "text": name},
        "name": name,
        "geonameid": None,
        "level": "populated",
        "country": country,
        "admin1": admin1,
        "lat": lat,
        "lon": lon,
        "relative": None,
        "score": 0.9,
        "candidates": [],
    }


def _who(name: str, kind: str) -> dict[str, Any]:
    return {"name": name, "kind": kind, "country": None, "span": None}


def _claim(aid: str, n: int, evidential: str, sources: list[Any], via: list[Any]) -> dict[str, Any]:
    return {
        "id": f"{aid}:c{n}",
        "content": {"start": 0, "end": 1, "text": "x"},
        "content_parts": [],
        "cue": None,
        "sources": sources,
        "via": via,
        "asked_by": None,
        "quote": "indirect",
        "certainty": {
            "evidential": evidential,
            "strength": "unknown",
            "polarity": "positive",
            "term": None,
            "probability": None,
        },
        "kind": "statement",
        "denies": None,
    }


def _event(
    aid: str,
    n: int,
    type: str,
    trigger: str,
    day: str | None,
    places: list[str],
    claims: list[str],
    actors: list[tuple[str, str | None]] | None = None,
) -> dict[str, Any]:
    span = _span(TEXTS[aid], trigger)
    return {
        "id": f"{aid}:e{n}",
        "type": type,
        "mode": None,
        "acled": None,
        "trigger": span,
        "mentions": [span],
        "actors": [
            {"role": "actor", "name": name, "country": cc, "sector": None, "span": None}
            for name, cc in actors or []
        ],
        "size": None,
        "fatalities": None,
        "injuries": None,
        "when": {"start": day, "end": day, "precision": "day" if day else "unknown", "text": None},
        "time_precision": 1 if day else 3,
        "where": [
            {"place": p, "relation": "in", "distance_km": None, "from": None, "geo_precision": 1}
            for p in places
        ],
        "claims": claims,
        "negated": False,
        "hypothetical": False,
        "future": False,
        "allegation": False,
    }


def analyses() -> list[Analysis]:
    def article(aid: str, title: str, published: str | None) -> Article:
        return Article(
            id=aid, text=TEXTS[aid], title=title, url=f"https://desk.example/{aid}", outlet="Desk",
            published=published, language="en",
        )  # fmt: skip

    a = Analysis(
        article=article(A, "Depot fire", "2025-03-10"),
        places=(_place(A, 1, "Balakliia", "UA", "Kharkiv Oblast", 49.46, 36.86),),
        claims=(
            _claim(A, 1, "reported", [_who("Regional governor", "official")], [_who("Ukrinform", "outlet")]),
            _claim(A, 2, "alleged", [_who("Defence ministry", "military")], []),
        ),
        events=(
            _event(A, 1, "ASSAULT", "attack", "2025-03-09", [f"{A}:p1"], [f"{A}:c1"], [("Russia", "RU")]),
            _event(A, 2, "ACCUSE", "reported", "2025-03-10", [], [f"{A}:c2"]),
        ),
        producer={"wirewatch": "test"},
    )
    b = Analysis(
        article=article(B, "March", "2025-04-02"),
        places=(_place(B, 1, "Madrid", "ES", "Comunidad de Madrid", 40.42, -3.70),),
        claims=(_claim(B, 1, "asserted", [], []),),
        events=(_event(B, 1, "PROTEST", "marched", "2025-04-01", [f"{B}:p1"], [f"{B}:c1"]),),
        producer={"wirewatch": "test"},
    )
    c = Analysis(
        article=article(C, "Talks", None),
        places=(_place(C, 1, "Lviv", "UA", "Lviv Oblast", None, None),),
        claims=(_claim(C, 1, "speculated", [_who("anonymous officials", "anonymous")], []),),
        events=(_event(C, 1, "CONSULT", "met", None, [f"{C}:p1"], [f"{C}:c1"]),),
        producer={"wirewatch": "test"},
    )
    return [a, b, c]


def build(path: str) -> str:
    """Store the three analyses (in the order A, B, C) and the two stories in a new database at ``path``."""
    with open_store(path) as store:
        run_id = store.start_run("ingest", {"wirewatch": "test"}, {})
        for analysis in analyses():
            raw = RawDocument(name=analysis.article.id, data=analysis.article.text.encode(), kind="text")
            store.save_analysis(analysis, raw, run_id)
        stories = [
            {"id": S1, "articles": [A], "first_seen": "2025-03-10", "last_seen": "2025-03-10",
             "outlets": ["Desk"], "independent_origins": 3, "contested": False},
            {"id": S2, "articles": [B], "first_seen": "2025-04-02", "last_seen": "2025-04-02",
             "outlets": ["Desk"], "independent_origins": 1, "contested": False},
        ]  # fmt: skip
        store.save_block("2025-test", stories, [])
    return path
