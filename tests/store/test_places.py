"""Places in the store: the places table, Store.places filters, migration 0003, and the GeoJSON export."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from wirewatch.errors import StoreError, UsageError
from wirewatch.export.geojson import feature_collection, is_mappable
from wirewatch.records import Analysis, RawDocument
from wirewatch.store import SqliteStore, open_store
from wirewatch.store.base import dumps_json, utc_now
from wirewatch.store.schema import known_migrations, split_statements

from .conftest import PRODUCER, Make, index_names

Pair = tuple[Analysis, RawDocument]


def place(
    article_id: str,
    n: int,
    mention: str,
    name: str,
    *,
    level: str = "populated",
    country: str | None = "UA",
    admin1: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    geonameid: int | None = None,
    relative: dict[str, Any] | None = None,
    score: float = 0.9,
    candidates: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A ``Place`` dict of the interchange format, id ``ARTICLEID:p<n>`` (spans of made-up text)."""
    return {
        "id": f"{article_id}:p{n}",
        "mention": {"start": 10 * n, "end": 10 * n + len(mention), "text": mention},
        "name": name,
        "geonameid": geonameid,
        "level": level,
        "country": country,
        "admin1": admin1,
        "lat": lat,
        "lon": lon,
        "relative": relative,
        "score": score,
        "candidates": candidates or [],
        "metonymy": None,
    }


def with_places(analysis: Analysis, *places: dict[str, Any]) -> Analysis:
    return replace(analysis, places=tuple(places))


NEAR = {"relation": "near", "distance_km": None, "from": "place", "direction": None, "text": "near Donetsk"}
CANDIDATE = {
    "name": "Donetsk",
    "geonameid": 569591,
    "country": "RU",
    "admin1": "Rostov",
    "lat": 48.35,
    "lon": 39.96,
    "score": 0.1,
}


def placed_pair(make: Make) -> tuple[Pair, Pair]:
    """A: Donetsk (near, two candidates), Ukraine (country), an unresolved village. B: Madrid (negative
    longitude, ES) and Kharkiv (admin1)."""
    a, raw_a = make(1)
    b, raw_b = make(2)
    aid, bid = a.article.id, b.article.id
    a = with_places(
        a,
        place(
            aid,
            1,
            "Donetsk",
            "Donetsk",
            admin1="Donetsk Oblast",
            lat=48.0159,
            lon=37.8028,
            geonameid=709717,
            relative=NEAR,
            candidates=[{**CANDIDATE, "geonameid": 709717, "country": "UA", "score": 0.9}, CANDIDATE],
        ),
        place(aid, 2, "Ukrainian", "Ukraine", level="country", lat=49.0, lon=32.0, geonameid=690791),
        place(aid, 3, "Novoselivka", "Novoselivka", score=0.0),
    )
    b = with_places(
        b,
        place(bid, 1, "Madrid", "Madrid", country="ES", lat=40.4165, lon=-3.70256, geonameid=3117735),
        place(bid, 2, "Kharkiv region", "Kharkiv Oblast", level="admin1", lat=49.5, lon=36.5),
    )
    return (a, raw_a), (b, raw_b)


@pytest.fixture
def stored(store: SqliteStore, run_id: int, make: Make) -> tuple[Pair, Pair]:
    pair_a, pair_b = placed_pair(make)
    assert store.save_analysis(*pair_a, run_id) == "new"
    assert store.save_analysis(*pair_b, run_id) == "new"
    return pair_a, pair_b


def _names(rows: list[dict[str, Any]]) -> list[str]:
    return [r["name"] for r in rows]


# --- storing ------------------------------------------------------------------------------------------------


def test_round_trip_full_records_with_article_in_order(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    (a, _), (b, _) = stored
    expected = [{**p, "article": a.article.id} for p in a.places]
    expected += [{**p, "article": b.article.id} for p in b.places]
    assert store.places() == expected
    assert _names(store.places()) == ["Donetsk", "Ukraine", "Novoselivka", "Madrid", "Kharkiv Oblast"]


def test_columns_copy_the_place_fields(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    (a, _), _ = stored
    aid = a.article.id
    row = store.connection.execute("SELECT * FROM places WHERE id = ?", (f"{aid}:p1",)).fetchone()
    assert (row["article_id"], row["idx"]) == (aid, 0)
    assert (row["mention_start"], row["mention_end"], row["mention_text"]) == (10, 17, "Donetsk")
    assert (row["name"], row["geonameid"], row["level"]) == ("Donetsk", 709717, "populated")
    assert (row["country"], row["admin1"]) == ("UA", "Donetsk Oblast")
    assert (row["lat"], row["lon"], row["relation"], row["score"]) == (48.0159, 37.8028, "near", 0.9)
    assert json.loads(row["record"]) == a.places[0]
    loose = store.connection.execute("SELECT * FROM places WHERE id = ?", (f"{aid}:p3",)).fetchone()
    assert loose["lat"] is None and loose["geonameid"] is None and loose["relation"] is None
    indexes = index_names(store, "places")
    assert {"places_article_id", "places_country", "places_geonameid"} <= indexes


def test_resave_replaces_places_and_unchanged_writes_nothing(
    store: SqliteStore, run_id: int, stored: tuple[Pair, Pair]
) -> None:
    (a, raw_a), (b, _) = stored
    aid = a.article.id
    assert store.save_analysis(a, raw_a, run_id) == "unchanged"
    changed = with_places(a, place(aid, 1, "Kyiv", "Kyiv", lat=50.45, lon=30.52))
    assert store.save_analysis(changed, raw_a, run_id) == "updated"
    assert _names(store.places(article=aid)) == ["Kyiv"]
    assert store.places(level="country") == []  # Ukraine went with the old analysis
    assert _names(store.places(article=b.article.id)) == ["Madrid", "Kharkiv Oblast"]  # untouched
    assert store.save_analysis(with_places(a), raw_a, run_id) == "updated"
    assert store.places(article=aid) == []


def test_deleting_an_article_deletes_its_places(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    (a, _), _ = stored
    store.connection.execute("DELETE FROM articles WHERE id = ?", (a.article.id,))
    assert store.connection.execute("SELECT count(*) FROM places").fetchone()[0] == 2


def test_place_without_id_gets_one_from_its_position(store: SqliteStore, run_id: int, make: Make) -> None:
    a, raw = make(5)
    loose = place(a.article.id, 1, "Kyiv", "Kyiv")
    del loose["id"]
    store.save_analysis(with_places(a, place(a.article.id, 9, "Lviv", "Lviv"), loose), raw, run_id)
    assert [p["id"] for p in store.places()] == [f"{a.article.id}:p9", f"{a.article.id}:p2"]


def test_repeated_or_foreign_place_id_is_a_store_error(store: SqliteStore, run_id: int, make: Make) -> None:
    a, raw_a = make(7)
    b, raw_b = make(8)
    twice = with_places(a, place(a.article.id, 1, "x", "x"), place(a.article.id, 1, "y", "y"))
    with pytest.raises(StoreError, match="appears twice"):
        store.save_analysis(twice, raw_a, run_id)
    assert store.counts()["articles"] == 0
    store.save_analysis(with_places(a, place(a.article.id, 1, "x", "x")), raw_a, run_id)
    with pytest.raises(StoreError, match="already stored for article"):
        store.save_analysis(with_places(b, place(a.article.id, 1, "y", "y")), raw_b, run_id)
    assert store.article(b.article.id) is None


# --- filters ------------------------------------------------------------------------------------------------


def test_filters(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    _, (b, _) = stored
    assert _names(store.places(country="ES")) == ["Madrid"]
    assert _names(store.places(country=" es ")) == ["Madrid"]  # any case, spaces trimmed
    assert store.places(country="RU") == []  # a candidate's country does not count
    assert _names(store.places(level="admin1")) == ["Kharkiv Oblast"]
    assert _names(store.places(level="country")) == ["Ukraine"]
    assert _names(store.places(article=b.article.id[:7])) == ["Madrid", "Kharkiv Oblast"]
    assert store.places(article="nonexistent") == []
    assert _names(store.places(resolved=False)) == ["Novoselivka"]
    assert len(store.places(resolved=True)) == 4
    assert _names(store.places(limit=2)) == ["Donetsk", "Ukraine"]
    assert store.places(limit=0) == []
    # filters combine
    assert _names(store.places(country="ua", level="populated")) == ["Donetsk", "Novoselivka"]
    assert _names(store.places(country="ua", level="populated", resolved=True)) == ["Donetsk"]
    assert store.places(country="UA", article=b.article.id) == [{**b.places[1], "article": b.article.id}]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"country": "UKR"}, ("two-letter", "'UKR'")),
        ({"country": "U1"}, ("two-letter", "'U1'")),
        ({"country": ""}, ("two-letter",)),
        ({"level": "city"}, ("continent", "populated", "feature", "'city'")),
        ({"limit": -1}, ("limit",)),
    ],
)
def test_bad_filters_are_usage_errors(
    store: SqliteStore, kwargs: dict[str, Any], words: tuple[str, ...]
) -> None:
    with pytest.raises(UsageError) as info:
        store.places(**kwargs)
    assert all(w in str(info.value) for w in words) and "\n" not in str(info.value)


# --- GeoJSON ------------------------------------------------------------------------------------------------


def test_geojson_feature_collection(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    (a, _), _ = stored
    rows = store.places()
    fc = feature_collection(rows)
    assert fc["type"] == "FeatureCollection"
    assert json.loads(json.dumps(fc, allow_nan=False)) == fc  # plain JSON
    features = fc["features"]
    assert [f["properties"]["name"] for f in features] == ["Donetsk", "Ukraine", "Madrid", "Kharkiv Oblast"]
    donetsk, _, madrid, _ = features
    assert donetsk["type"] == "Feature" and donetsk["id"] == f"{a.article.id}:p1"
    assert donetsk["geometry"] == {"type": "Point", "coordinates": [37.8028, 48.0159]}  # [lon, lat]
    assert madrid["geometry"]["coordinates"] == [-3.70256, 40.4165]
    props = donetsk["properties"]
    assert "lat" not in props and "lon" not in props
    assert props["candidates"] == 2 and props["article"] == a.article.id
    assert props["relative"] == NEAR and props["mention"]["text"] == "Donetsk"
    assert madrid["properties"]["candidates"] == 0


def test_geojson_leaves_out_places_without_usable_coordinates() -> None:
    good = place("x", 1, "Kyiv", "Kyiv", lat=50.45, lon=30.52)
    bad = [
        place("x", 2, "a", "a"),  # unresolved
        place("x", 3, "b", "b", lat=50.0),  # half
        place("x", 4, "c", "c", lat=95.0, lon=30.0),  # out of range
        {**place("x", 5, "d", "d"), "lat": "50", "lon": "30"},  # not numbers
        {**place("x", 6, "e", "e"), "lat": True, "lon": False},
    ]
    assert is_mappable(good) and not any(is_mappable(p) for p in bad)
    fc = feature_collection([bad[0], good, *bad[1:]])
    assert [f["id"] for f in fc["features"]] == ["x:p1"]
    assert feature_collection([]) == {"type": "FeatureCollection", "features": []}


# --- migration ----------------------------------------------------------------------------------------------


def _schema_2_database(path: Path, analyses: list[Analysis]) -> None:
    """A database as wirewatch wrote it before 0003: migrations 1 and 2, articles with analysis JSON."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute(
        "CREATE TABLE schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    for migration in known_migrations()[:2]:
        for statement in split_statements(migration.sql):
            conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?)", (migration.version, migration.name, utc_now())
        )
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
    conn.execute("COMMIT")
    conn.close()


PLACE_COLUMNS = (
    "SELECT id, article_id, idx, mention_start, mention_end, mention_text, name, geonameid, level, country, "
    "admin1, lat, lon, relation, score, record FROM places ORDER BY id"
)


def test_schema_2_database_is_migrated_and_its_places_backfilled(tmp_path: Path, make: Make) -> None:
    (a, raw_a), (b, raw_b) = placed_pair(make)
    loose = place(a.article.id, 4, "Avdiivka", "Avdiivka", lat=48.14, lon=37.74)
    del loose["id"]
    a = with_places(a, *a.places, loose)
    old = tmp_path / "old.db"
    _schema_2_database(old, [a, b])
    with open_store(str(old)) as migrated, open_store(str(tmp_path / "fresh.db")) as fresh:
        assert isinstance(migrated, SqliteStore) and isinstance(fresh, SqliteStore)
        versions = migrated.connection.execute("SELECT version FROM schema_migrations ORDER BY version")
        assert [r[0] for r in versions] == [m.version for m in known_migrations()]
        run = fresh.start_run("ingest", PRODUCER, {})
        fresh.save_analysis(a, raw_a, run)
        fresh.save_analysis(b, raw_b, run)
        got = [tuple(r) for r in migrated.connection.execute(PLACE_COLUMNS)]
        want = [tuple(r) for r in fresh.connection.execute(PLACE_COLUMNS)]
        assert len(got) == 6 and [r[:-1] for r in got] == [r[:-1] for r in want]
        assert [json.loads(r[-1]) for r in got] == [json.loads(r[-1]) for r in want]
        assert migrated.places() == fresh.places()
        assert migrated.places()[3]["id"] == f"{a.article.id}:p4"  # numbered from its position
