"""Claims in the store: the claims / claim_sources tables, Store.claims filters, and migration 0002."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from wirewatch.errors import StoreError, UsageError
from wirewatch.records import Analysis, RawDocument
from wirewatch.store import SqliteStore, open_store
from wirewatch.store.base import dumps_json, utc_now
from wirewatch.store.schema import known_migrations, split_statements

from .conftest import PRODUCER, Make, claim, claimed_pair, source, with_claims

Pair = tuple[Analysis, RawDocument]


@pytest.fixture
def stored(store: SqliteStore, run_id: int, make: Make) -> tuple[Pair, Pair]:
    pair_a, pair_b = claimed_pair(make)
    assert store.save_analysis(*pair_a, run_id) == "new"
    assert store.save_analysis(*pair_b, run_id) == "new"
    return pair_a, pair_b


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in rows]


def _sources(store: SqliteStore, claim_id: str) -> list[tuple[Any, ...]]:
    rows = store.connection.execute(
        "SELECT role, position, name, kind, country, span_start, span_end, span_text FROM claim_sources "
        "WHERE claim_id = ? ORDER BY role, position",
        (claim_id,),
    )
    return [tuple(r) for r in rows]


def _table(conn: sqlite3.Connection, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.execute(sql)]


CLAIM_COLUMNS = (
    "SELECT id, article_id, seq, kind, quote, content_start, content_end, content_text, cue_start, cue_end, "
    "cue_text, evidential, strength, polarity, term, probability, denies, record FROM claims ORDER BY id"
)
SOURCE_COLUMNS = "SELECT * FROM claim_sources ORDER BY claim_id, role, position"


# --- storing ------------------------------------------------------------------------------------------------


def test_round_trip_full_records_with_article_in_order(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    (a, _), (b, _) = stored
    rows = store.claims()
    expected = [{**c, "article": a.article.id} for c in a.claims]
    expected += [{**c, "article": b.article.id} for c in b.claims]
    assert rows == expected
    assert store.counts()["claims"] == 5


def test_columns_copy_the_claim_fields(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    (a, _), _ = stored
    aid = a.article.id
    row = store.connection.execute("SELECT * FROM claims WHERE id = ?", (f"{aid}:c1",)).fetchone()
    assert row["article_id"] == aid and row["seq"] == 0 and row["kind"] == "statement"
    assert (row["content_start"], row["content_end"]) == (
        10,
        10 + len("Russian soldiers deserted near Donetsk"),
    )
    assert row["content_text"] == "Russian soldiers deserted near Donetsk"
    assert (row["cue_start"], row["cue_end"], row["cue_text"]) == (5, 9, "said")
    assert (row["evidential"], row["strength"], row["polarity"]) == ("reported", "probable", "positive")
    assert row["term"] == "highly likely" and json.loads(row["probability"]) == [0.8, 0.9]
    assert row["denies"] is None and json.loads(row["record"]) == a.claims[0]
    denial = store.connection.execute("SELECT * FROM claims WHERE id = ?", (f"{aid}:c2",)).fetchone()
    assert denial["denies"] == f"{aid}:c1" and denial["probability"] is None and denial["seq"] == 1
    # the via rows, by position, are the chain the claim travelled along
    assert _sources(store, f"{aid}:c1") == [
        (
            "source",
            0,
            "Ukrainian intelligence officials",
            "intelligence",
            "UA",
            0,
            32,
            "Ukrainian intelligence officials",
        ),
        ("via", 0, "Suspilne", "outlet", "UA", 43, 51, "Suspilne"),
        ("via", 1, "Kyiv Independent", "outlet", "UA", None, None, None),
    ]


def test_no_comment_keeps_who_asked(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    _, (b, _) = stored
    assert _sources(store, f"{b.article.id}:c2") == [
        ("asked_by", 0, "Reuters", "outlet", None, None, None, None),
        ("source", 0, "Ministry of Defence", "government", "GB", None, None, None),
    ]
    assert _sources(store, f"{b.article.id}:c3") == []  # asserted by the article: no one named


def test_update_replaces_claims_and_unchanged_writes_nothing(
    store: SqliteStore, run_id: int, stored: tuple[Pair, Pair]
) -> None:
    (a, raw_a), (b, _) = stored
    before_b = _ids(store.claims(article=b.article.id))
    assert store.save_analysis(a, raw_a, run_id) == "unchanged"
    assert _ids(store.claims(article=a.article.id)) == [f"{a.article.id}:c1", f"{a.article.id}:c2"]

    aid = a.article.id
    changed = with_claims(
        a, claim(aid, 1, "Soldiers left", sources=[source("Interfax-Ukraine", "outlet", "UA")])
    )
    assert store.save_analysis(changed, raw_a, run_id) == "updated"
    rows = store.claims(article=aid)
    assert [r["content"]["text"] for r in rows] == ["Soldiers left"]
    assert _sources(store, f"{aid}:c1") == [
        ("source", 0, "Interfax-Ukraine", "outlet", "UA", None, None, None)
    ]
    assert _sources(store, f"{aid}:c2") == []  # the dropped denial's source rows went with it
    assert store.claims(source="suspilne") == []
    assert _ids(store.claims(article=b.article.id)) == before_b  # the other article is untouched

    none = with_claims(a)
    assert store.save_analysis(none, raw_a, run_id) == "updated"
    assert store.claims(article=aid) == []
    orphans = "SELECT count(*) FROM claim_sources WHERE claim_id NOT IN (SELECT id FROM claims)"
    assert store.connection.execute(orphans).fetchone()[0] == 0


def test_deleting_an_article_deletes_its_claims(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    (a, _), _ = stored
    store.connection.execute("DELETE FROM articles WHERE id = ?", (a.article.id,))
    assert store.connection.execute("SELECT count(*) FROM claims").fetchone()[0] == 3
    assert store.connection.execute("SELECT count(*) FROM claim_sources").fetchone()[0] == 3


def test_repeated_claim_id_is_a_store_error_and_nothing_is_written(
    store: SqliteStore, run_id: int, make: Make
) -> None:
    a, raw = make(7)
    twice = with_claims(a, claim(a.article.id, 1, "x"), claim(a.article.id, 1, "y"))
    with pytest.raises(StoreError, match="appears twice"):
        store.save_analysis(twice, raw, run_id)
    assert store.counts()["articles"] == 0 and store.counts()["claims"] == 0


def test_claim_id_of_another_article_is_refused(store: SqliteStore, run_id: int, make: Make) -> None:
    a, raw_a = make(8)
    b, raw_b = make(9)
    store.save_analysis(with_claims(a, claim(a.article.id, 1, "x")), raw_a, run_id)
    with pytest.raises(StoreError, match="already stored for article"):
        store.save_analysis(with_claims(b, claim(a.article.id, 1, "y")), raw_b, run_id)
    assert store.article(b.article.id) is None


# --- filters ------------------------------------------------------------------------------------------------


def test_filter_by_source_or_relay_name_ignoring_case(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    (a, _), (b, _) = stored
    aid, bid = a.article.id, b.article.id
    assert _ids(store.claims(source="suspilne")) == [f"{aid}:c1"]  # a relay
    assert _ids(store.claims(source="KYIV indep")) == [f"{aid}:c1"]  # the last relay, substring
    assert _ids(store.claims(source="kremlin")) == [f"{aid}:c2"]
    assert _ids(store.claims(source="élysée")) == [f"{bid}:c1"]  # non-ASCII case folding
    assert _ids(store.claims(source="reuters")) == []  # who asked is neither source nor relay
    assert _ids(store.claims(source="Kyiv_Independent")) == []  # no LIKE wildcards
    assert store.claims(source="%") == []


def test_filter_by_claim_kind_or_source_kind(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    (a, _), (b, _) = stored
    aid, bid = a.article.id, b.article.id
    assert _ids(store.claims(kind="denial")) == [f"{aid}:c2"]
    assert _ids(store.claims(kind="no_comment")) == [f"{bid}:c2"]
    assert _ids(store.claims(kind="statement")) == [f"{aid}:c1", f"{bid}:c1", f"{bid}:c3"]
    assert _ids(store.claims(kind="intelligence")) == [f"{aid}:c1"]
    assert _ids(store.claims(kind="government")) == [f"{aid}:c2", f"{bid}:c1", f"{bid}:c2"]
    assert store.claims(kind="outlet") == []  # relays and askers are outlets here, but no source is


def test_filter_by_evidential_denied_article_and_limit(store: SqliteStore, stored: tuple[Pair, Pair]) -> None:
    (a, _), (b, _) = stored
    aid, bid = a.article.id, b.article.id
    assert _ids(store.claims(evidential="alleged")) == [f"{bid}:c1"]
    assert _ids(store.claims(evidential="asserted")) == [f"{bid}:c2", f"{bid}:c3"]
    assert store.claims(evidential="speculated") == []
    assert _ids(store.claims(denied=True)) == [f"{aid}:c1"]
    assert _ids(store.claims(article=bid[:8])) == [f"{bid}:c1", f"{bid}:c2", f"{bid}:c3"]
    assert store.claims(article="nonexistent") == []
    assert _ids(store.claims(limit=2)) == [f"{aid}:c1", f"{aid}:c2"]
    assert store.claims(limit=0) == []
    # filters combine
    assert _ids(store.claims(kind="government", evidential="reported")) == [f"{aid}:c2"]
    assert store.claims(source="suspilne", evidential="alleged") == []
    assert _ids(store.claims(source="suspilne", denied=True)) == [f"{aid}:c1"]


def test_denied_needs_a_stored_denial(store: SqliteStore, run_id: int, make: Make) -> None:
    a, raw = make(3)
    aid = a.article.id
    only_statement = with_claims(a, claim(aid, 1, "x"), claim(aid, 2, "y", denies=f"{aid}:c1"))
    store.save_analysis(only_statement, raw, run_id)  # "denies" on a statement is not a denial
    assert store.claims(denied=True) == []


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"kind": "rumour"}, ("statement", "no_comment", "outlet", "intelligence", "unknown", "'rumour'")),
        ({"evidential": "certain"}, ("asserted", "reported", "alleged", "speculated", "'certain'")),
        ({"limit": -1}, ("limit",)),
    ],
)
def test_bad_filters_are_usage_errors(
    store: SqliteStore, kwargs: dict[str, Any], words: tuple[str, ...]
) -> None:
    with pytest.raises(UsageError) as info:
        store.claims(**kwargs)
    assert all(w in str(info.value) for w in words) and "\n" not in str(info.value)


# --- migration ----------------------------------------------------------------------------------------------


def _schema_1_database(path: Path, analyses: list[Analysis]) -> None:
    """A database as wirewatch wrote it before 0002: only migration 1, articles with analysis JSON."""
    conn = sqlite3.connect(path, isolation_level=None)
    first = known_migrations()[0]
    assert first.version == 1
    conn.execute("BEGIN")
    for statement in split_statements(first.sql):
        conn.execute(statement)
    conn.execute(
        "CREATE TABLE schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    conn.execute("INSERT INTO schema_migrations VALUES (1, ?, ?)", (first.name, utc_now()))
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


def test_schema_1_database_is_migrated_and_its_claims_backfilled(tmp_path: Path, make: Make) -> None:
    (a, raw_a), (b, raw_b) = claimed_pair(make)
    old = tmp_path / "old.db"
    _schema_1_database(old, [a, b])
    with sqlite3.connect(old) as conn:
        assert "claims" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()

    with open_store(str(old)) as migrated, open_store(str(tmp_path / "fresh.db")) as fresh:
        assert isinstance(migrated, SqliteStore) and isinstance(fresh, SqliteStore)
        versions = migrated.connection.execute("SELECT version FROM schema_migrations ORDER BY version")
        assert [r[0] for r in versions] == [m.version for m in known_migrations()]
        # the backfill writes exactly what save_analysis writes for the same analyses
        run = fresh.start_run("ingest", PRODUCER, {})
        fresh.save_analysis(a, raw_a, run)
        fresh.save_analysis(b, raw_b, run)
        got, want = _table(migrated.connection, CLAIM_COLUMNS), _table(fresh.connection, CLAIM_COLUMNS)
        assert [r[:-1] for r in got] == [r[:-1] for r in want] and len(got) == 5
        assert [json.loads(r[-1]) for r in got] == [json.loads(r[-1]) for r in want]
        assert _table(migrated.connection, SOURCE_COLUMNS) == _table(fresh.connection, SOURCE_COLUMNS)
        assert migrated.claims(source="suspilne") == fresh.claims(source="suspilne") != []
        assert migrated.claims() == fresh.claims()


def test_backfill_numbers_claims_without_an_id(tmp_path: Path, make: Make) -> None:
    a, _ = make(4)
    aid = a.article.id
    loose = with_claims(
        a, {"kind": "statement", "content": {"start": 0, "end": 3, "text": "Ukr"}}, claim(aid, 2, "x")
    )
    old = tmp_path / "old.db"
    _schema_1_database(old, [loose])
    with open_store(str(old)) as s:
        rows = s.claims()
    assert [r["id"] for r in rows] == [f"{aid}:c1", f"{aid}:c2"]  # from its position, as the pipeline does
    assert rows[0]["content"]["text"] == "Ukr" and rows[0]["article"] == aid
