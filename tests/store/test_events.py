"""Events in the store: the events, event_actors and event_places tables, Store.events filters (with the
places each event points at), and migration 0004's backfill."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from wirewatch.errors import StoreError, UsageError
from wirewatch.records import Analysis, RawDocument
from wirewatch.store import SqliteStore, open_store
from wirewatch.store.base import EVENT_TYPES, check_event_filters, dumps_json, utc_now
from wirewatch.store.schema import known_migrations, split_statements

from .conftest import PRODUCER, Make, claim, index_names, source
from .test_places import place

Pair = tuple[Analysis, RawDocument]


def actor(
    role: str,
    name: str,
    country: str | None,
    sector: str | None = None,
    *,
    acled_name: str | None = None,
    inter: int | None = None,
) -> dict[str, Any]:
    return {
        "role": role,
        "name": name,
        "country": country,
        "sector": sector,
        "span": None,
        "acled_name": acled_name,
        "inter": inter,
    }


def event(
    article_id: str,
    n: int,
    type: str,
    trigger: str,
    *,
    mode: str | None = None,
    acled: tuple[str, str] | None = None,
    actors: list[dict[str, Any]] | None = None,
    when: tuple[str | None, str | None, str] | None = None,
    where: list[dict[str, Any]] | None = None,
    claims: list[str] | None = None,
    fatalities: int | None = None,
    size: int | None = None,
    allegation: bool = False,
    negated: bool = False,
) -> dict[str, Any]:
    """An ``Event`` dict of the interchange format, id ``ARTICLEID:e<n>`` (spans of made-up text)."""
    span = {"start": 10 * n, "end": 10 * n + len(trigger), "text": trigger}
    start, end, precision = when or (None, None, "unknown")
    return {
        "id": f"{article_id}:e{n}",
        "type": type,
        "mode": mode,
        "acled": None if acled is None else {"event_type": acled[0], "sub_event_type": acled[1]},
        "trigger": span,
        "mentions": [span],
        "actors": actors or [],
        "size": size,
        "fatalities": fatalities,
        "injuries": None,
        "when": {"start": start, "end": end, "precision": precision, "text": None},
        "time_precision": {"day": 1, "week": 2}.get(precision, 3),
        "where": where or [],
        "claims": claims or [],
        "negated": negated,
        "hypothetical": False,
        "future": False,
        "allegation": allegation,
    }


def at(place_id: str, relation: str = "in", geo_precision: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "place": place_id,
        "relation": relation,
        "distance_km": extra.get("distance_km"),
        "from": extra.get("from"),
        "geo_precision": geo_precision,
    }


def evented_pair(make: Make) -> tuple[Pair, Pair]:
    """A: an air strike near Donetsk (Russia → Ukrainian civilians, 3 dead, held by a relayed intelligence
    claim) and a Kremlin accusation in an unresolved village (an allegation, dated by its end only).
    B: a protest in Madrid (month precision) and an undated THREATEN by an actor from France, no place."""
    a, raw_a = make(1)
    b, raw_b = make(2)
    aid, bid = a.article.id, b.article.id
    a = replace(
        a,
        places=(
            place(aid, 1, "Donetsk", "Donetsk", admin1="Donetsk Oblast", lat=48.0159, lon=37.8028),
            place(aid, 2, "Ukraine", "Ukraine", level="country", lat=49.0, lon=32.0),
            place(aid, 3, "Novoselivka", "Novoselivka", country=None),
        ),
        claims=(
            claim(
                aid,
                1,
                "Russian drones struck near Donetsk",
                sources=[source("Ukrainian intelligence officials", "intelligence", "UA")],
                via=[source("Suspilne", "outlet", "UA")],
            ),
            claim(
                aid,
                2,
                "Kyiv staged it",
                sources=[source("Kremlin", "government", "RU")],
                evidential="alleged",
            ),
        ),
        events=(
            event(
                aid,
                1,
                "ASSAULT",
                "struck",
                mode="aerial",
                acled=("Explosions/Remote violence", "Air/drone strike"),
                actors=[
                    actor(
                        "actor", "Russia", "RU", "military", acled_name="Military Forces of Russia", inter=8
                    ),
                    actor(
                        "recipient", "civilians", "UA", "civilians", acled_name="Civilians (Ukraine)", inter=7
                    ),
                ],
                when=("2024-06-01", "2024-06-01", "day"),
                where=[at(f"{aid}:p1", "near", 2), at(f"{aid}:p2", "in", 3), at(f"{aid}:p1", "in", 1)],
                claims=[f"{aid}:c1"],
                fatalities=3,
            ),
            event(
                aid,
                2,
                "ACCUSE",
                "staged",
                actors=[actor("actor", "Kremlin", "RU", "government")],
                when=(None, "2024-06-03", "week"),
                where=[at(f"{aid}:p3"), at(f"{aid}:p9")],  # p9: no such place
                claims=[f"{aid}:c2"],
                allegation=True,
            ),
        ),
    )
    b = replace(
        b,
        places=(place(bid, 1, "Madrid", "Madrid", country="ES", lat=40.4165, lon=-3.70256),),
        events=(
            event(
                bid,
                1,
                "PROTEST",
                "rallied",
                mode="demonstrate",
                acled=("Protests", "Peaceful protest"),
                actors=[
                    actor("actor", "Protesters", "ES", "civilians", acled_name="Protesters (Spain)", inter=6)
                ],
                when=("2024-05-01", "2024-05-31", "month"),
                where=[at(f"{bid}:p1")],
                size=2000,
            ),
            event(bid, 2, "threaten", "warned", actors=[actor("actor", "Élysée", "FR", "government")]),
        ),
    )
    return (a, raw_a), (b, raw_b)


@pytest.fixture
def stored(store: SqliteStore, run_id: int, make: Make) -> tuple[Pair, Pair]:
    pair_a, pair_b = evented_pair(make)
    assert store.save_analysis(*pair_a, run_id) == "new"
    assert store.save_analysis(*pair_b, run_id) == "new"
    return pair_a, pair_b


def _short(rows: list[dict[str, Any]], a: Analysis, b: Analysis) -> list[str]:
    """Events as ``A:e1``, ``B:e2``: which article, which event."""
    names = {a.article.id: "A", b.article.id: "B"}
    return [f"{names[r['article']]}:{r['id'].split(':')[1]}" for r in rows]


# --- storing ------------------------------------------------------------------------------------------------


def test_round_trip_full_records_with_article_and_places(
    store: SqliteStore, stored: tuple[Pair, Pair]
) -> None:
    (a, _), (b, _) = stored
    rows = store.events()
    assert _short(rows, a, b) == ["A:e1", "A:e2", "B:e1", "B:e2"]
    e1 = rows[0]
    assert {k: v for k, v in e1.items() if k not in ("article", "places")} == a.events[0]
    assert e1["article"] == a.article.id
    # the places its `where` points at, in that order, each once (p1 twice in `where`)
    assert e1["places"] == [a.places[0], a.places[1]]
    assert rows[1]["places"] == [a.places[2]]  # p9 names no place: skipped
    assert rows[2]["places"] == [b.places[0]] and rows[3]["places"] == []


def test_columns_copy_the_event_fields(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    (a, _), (b, _) = stored
    aid = a.article.id
    conn = store.connection
    row = conn.execute("SELECT * FROM events WHERE id = ?", (f"{aid}:e1",)).fetchone()
    assert (row["article_id"], row["idx"], row["type"], row["mode"]) == (aid, 0, "ASSAULT", "aerial")
    assert (row["acled_event_type"], row["acled_sub_event_type"]) == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )
    assert (row["trigger_start"], row["trigger_end"], row["trigger_text"]) == (10, 16, "struck")
    assert (row["start_date"], row["end_date"], row["precision"]) == ("2024-06-01", "2024-06-01", "day")
    assert (row["fatalities"], row["size"]) == (3, None)
    assert (row["negated"], row["hypothetical"], row["future"], row["allegation"]) == (0, 0, 0, 0)
    assert json.loads(row["record"]) == a.events[0]
    actors = conn.execute(
        "SELECT idx, role, name, country, sector FROM event_actors WHERE event_id = ? ORDER BY idx",
        (f"{aid}:e1",),
    ).fetchall()
    assert [tuple(r) for r in actors] == [
        (0, "actor", "Russia", "RU", "military"),
        (1, "recipient", "civilians", "UA", "civilians"),
    ]
    places = conn.execute(
        'SELECT idx, place_id, relation, distance_km, "from", geo_precision FROM event_places '
        "WHERE event_id = ? ORDER BY idx",
        (f"{aid}:e1",),
    ).fetchall()
    assert [tuple(r) for r in places] == [
        (0, f"{aid}:p1", "near", None, None, 2),
        (1, f"{aid}:p2", "in", None, None, 3),
        (2, f"{aid}:p1", "in", None, None, 1),
    ]
    accuse = conn.execute("SELECT * FROM events WHERE id = ?", (f"{aid}:e2",)).fetchone()
    assert accuse["allegation"] == 1 and accuse["start_date"] is None and accuse["end_date"] == "2024-06-03"
    assert conn.execute("SELECT size FROM events WHERE id = ?", (f"{b.article.id}:e1",)).fetchone()[0] == 2000
    indexes = index_names(store, "events")
    assert {"events_article_id", "events_type", "events_start_date"} <= indexes
    assert "event_actors_country" in index_names(store, "event_actors")


def test_resave_replaces_events_and_unchanged_writes_nothing(
    store: SqliteStore, run_id: int, stored: tuple[Pair, Pair]
) -> None:
    (a, raw_a), (b, _) = stored
    aid = a.article.id
    assert store.save_analysis(a, raw_a, run_id) == "unchanged"
    changed = replace(a, events=(event(aid, 1, "RETREAT", "withdrew", actors=[actor("actor", "x", "BY")]),))
    assert store.save_analysis(changed, raw_a, run_id) == "updated"
    assert [r["type"] for r in store.events(article=aid)] == ["RETREAT"]
    assert store.events(type="ACCUSE") == []  # went with the old analysis
    assert store.connection.execute("SELECT count(*) FROM event_actors").fetchone()[0] == 3  # 1 + B's 2
    assert [r["type"] for r in store.events(article=b.article.id)] == ["PROTEST", "threaten"]  # untouched
    assert store.save_analysis(replace(a, events=()), raw_a, run_id) == "updated"
    assert store.events(article=aid) == [] and store.counts()["events"] == 2


def test_deleting_an_article_deletes_its_events(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    (a, _), _ = stored
    store.connection.execute("DELETE FROM articles WHERE id = ?", (a.article.id,))
    conn = store.connection
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 2
    assert conn.execute("SELECT count(*) FROM event_actors").fetchone()[0] == 2
    assert conn.execute("SELECT count(*) FROM event_places").fetchone()[0] == 1


def test_event_without_id_gets_one_from_its_position(store: SqliteStore, run_id: int, make: Make) -> None:
    a, raw = make(5)
    loose = event(a.article.id, 1, "AID", "sent")
    del loose["id"]
    store.save_analysis(replace(a, events=(event(a.article.id, 9, "AID", "x"), loose)), raw, run_id)
    assert [e["id"] for e in store.events()] == [f"{a.article.id}:e9", f"{a.article.id}:e2"]


def test_repeated_or_foreign_event_id_is_a_store_error(store: SqliteStore, run_id: int, make: Make) -> None:
    a, raw_a = make(7)
    b, raw_b = make(8)
    twice = replace(a, events=(event(a.article.id, 1, "AID", "x"), event(a.article.id, 1, "AID", "y")))
    with pytest.raises(StoreError, match="appears twice"):
        store.save_analysis(twice, raw_a, run_id)
    assert store.counts()["articles"] == 0
    store.save_analysis(replace(a, events=(event(a.article.id, 1, "AID", "x"),)), raw_a, run_id)
    with pytest.raises(StoreError, match="already stored for article"):
        store.save_analysis(replace(b, events=(event(a.article.id, 1, "AID", "y"),)), raw_b, run_id)
    assert store.article(b.article.id) is None


def test_not_an_object_is_a_store_error(store: SqliteStore, run_id: int, make: Make) -> None:
    a, raw = make(9)
    with pytest.raises(StoreError, match="event 1 of article"):
        store.save_analysis(replace(a, events=("ASSAULT",)), raw, run_id)  # type: ignore[arg-type]


# --- filters ------------------------------------------------------------------------------------------------


def test_filters(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    (a, _), (b, _) = stored

    def ids(**kwargs: Any) -> list[str]:
        return _short(store.events(**kwargs), a, b)

    assert ids(type="assault") == ["A:e1"]
    assert ids(type=" Threaten ") == ["B:e2"]  # any case: stored "threaten" matches too
    assert ids(type="AGREE") == []
    # an actor's country or a linked place's country
    assert ids(country="ua") == ["A:e1"]
    assert ids(country="RU") == ["A:e1", "A:e2"]
    assert ids(country="ES") == ["B:e1"]  # actor and place
    assert ids(country="FR") == ["B:e2"]  # actor only, no place
    # the event date: when.start, else when.end; inclusive; undated events only without date filters
    assert ids(since="2024-06-01") == ["A:e1", "A:e2"]
    assert ids(since="2024-06-02") == ["A:e2"]
    assert ids(until="2024-05-31") == ["B:e1"]
    assert ids(since="2024-06-03", until="2024-06-03") == ["A:e2"]
    assert ids(since="2024-05-01", until="2024-06-01") == ["A:e1", "B:e1"]
    assert ids(article=b.article.id[:7]) == ["B:e1", "B:e2"]
    assert store.events(article="nonexistent") == []
    assert ids(limit=3) == ["A:e1", "A:e2", "B:e1"]
    assert store.events(limit=0) == []
    assert ids(country="RU", type="ACCUSE", since="2024-06-02", article=a.article.id) == ["A:e2"]


def test_timestamps_filter_by_their_day(store: SqliteStore, run_id: int, make: Make) -> None:
    a, raw = make(11)
    e = event(a.article.id, 1, "ASSAULT", "hit", when=("2024-06-01T23:30:00", None, "day"))
    store.save_analysis(replace(a, events=(e,)), raw, run_id)
    assert len(store.events(since="2024-06-01", until="2024-06-01")) == 1


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"type": "BOMBING"}, ("PLOVER", "ASSAULT", "'BOMBING'")),
        ({"country": "UKR"}, ("two-letter", "'UKR'")),
        ({"since": "2024-13-01"}, ("since", "YYYY-MM-DD", "'2024-13-01'")),
        ({"until": "June 2024"}, ("until", "YYYY-MM-DD")),
        ({"since": "2024-6-1"}, ("since", "YYYY-MM-DD")),
        ({"since": "2024-06-02", "until": "2024-06-01"}, ("after",)),
        ({"limit": -1}, ("limit",)),
    ],
)
def test_bad_filters_are_usage_errors(
    store: SqliteStore, kwargs: dict[str, Any], words: tuple[str, ...]
) -> None:
    with pytest.raises(UsageError) as info:
        store.events(**kwargs)
    assert all(w in str(info.value) for w in words) and "\n" not in str(info.value)


def test_event_types_are_plover_and_filters_normalise() -> None:
    assert len(EVENT_TYPES) == len(set(EVENT_TYPES)) == 16 and "ASSAULT" in EVENT_TYPES
    checked = check_event_filters(type="coerce", country="by", since=" 2024-01-01 ")
    assert (checked.type, checked.country, checked.since, checked.until) == (
        "COERCE",
        "BY",
        "2024-01-01",
        None,
    )


# --- migration ----------------------------------------------------------------------------------------------


def _schema_3_database(path: Path, analyses: list[Analysis]) -> None:
    """A database as wirewatch wrote it before 0004: articles with analysis JSON, at schema 3 (migrations 1
    and 2 applied, the articles stored, then 0003 applied, so their places rows are filled)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute(
        "CREATE TABLE schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )

    def apply(migration: Any) -> None:
        for statement in split_statements(migration.sql):
            conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?)", (migration.version, migration.name, utc_now())
        )

    migrations = known_migrations()
    for migration in migrations[:2]:
        apply(migration)
    for n, analysis in enumerate(analyses):
        conn.execute(
            "INSERT INTO articles (id, text, status, analysis, producer, ingested_at, updated_at) "
            "VALUES (?, ?, 'ok', ?, ?, ?, ?)",
            (
                analysis.article.id,
                analysis.article.text,
                dumps_json(analysis.to_dict()),
                dumps_json(PRODUCER),
                f"2024-06-01T00:00:0{n}.000000Z",
                utc_now(),
            ),
        )
    conn.execute(
        "INSERT INTO articles (id, status, ingested_at, updated_at) VALUES ('f', 'failed', 'x', 'x')"
    )
    apply(migrations[2])
    conn.execute("COMMIT")
    conn.close()


QUERIES = (
    "SELECT id, article_id, idx, type, mode, acled_event_type, acled_sub_event_type, trigger_start, "
    "trigger_end, trigger_text, start_date, end_date, precision, fatalities, size, negated, hypothetical, "
    "future, allegation, record FROM events ORDER BY id",
    "SELECT event_id, idx, role, name, country, sector FROM event_actors ORDER BY event_id, idx",
    'SELECT event_id, idx, place_id, relation, distance_km, "from", geo_precision FROM event_places '
    "ORDER BY event_id, idx",
)


def test_schema_3_database_is_migrated_and_its_events_backfilled(tmp_path: Path, make: Make) -> None:
    (a, raw_a), (b, raw_b) = evented_pair(make)
    loose = event(
        a.article.id,
        3,
        "COERCE",
        "blocked",
        where=[at(f"{a.article.id}:p2", "distance", 2, distance_km=6.4, **{"from": "border"})],
    )
    del loose["id"]
    a = replace(a, events=(*a.events, loose))
    old = tmp_path / "old.db"
    _schema_3_database(old, [a, b])
    with open_store(str(old)) as migrated, open_store(str(tmp_path / "fresh.db")) as fresh:
        assert isinstance(migrated, SqliteStore) and isinstance(fresh, SqliteStore)
        versions = migrated.connection.execute("SELECT version FROM schema_migrations ORDER BY version")
        assert [r[0] for r in versions] == [m.version for m in known_migrations()]
        run = fresh.start_run("ingest", PRODUCER, {})
        fresh.save_analysis(a, raw_a, run)
        fresh.save_analysis(b, raw_b, run)
        for query in QUERIES:
            got = [tuple(r) for r in migrated.connection.execute(query)]
            want = [tuple(r) for r in fresh.connection.execute(query)]
            assert (got and got == want) or (
                [r[:-1] for r in got] == [r[:-1] for r in want]
                and [json.loads(r[-1]) for r in got] == [json.loads(r[-1]) for r in want]
            ), query
        assert migrated.events() == fresh.events()
        assert len(migrated.events()) == 5
        assert migrated.events(article=a.article.id)[2]["id"] == f"{a.article.id}:e3"  # from its position
        assert migrated.events(since="2024-06-01", country="ru") == fresh.events(
            since="2024-06-01", country="ru"
        )
