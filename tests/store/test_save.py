"""Saving analyses and failures: new / updated / unchanged, entities, blobs, provenance."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from wirewatch.errors import ExtractionError, FetchError, StoreError
from wirewatch.records import Entity, RawDocument
from wirewatch.store import SqliteStore, failure_article_id

from .conftest import PRODUCER, Make


def _entities(store: SqliteStore, article_id: str) -> list[tuple[object, ...]]:
    rows = store.connection.execute(
        'SELECT seq, label, start, "end", text, kind, country, name FROM entities '
        "WHERE article_id = ? ORDER BY seq",
        (article_id,),
    )
    return [tuple(r) for r in rows]


def test_new_then_unchanged_then_updated(store: SqliteStore, run_id: int, make: Make) -> None:
    analysis, raw = make(1)
    assert store.save_analysis(analysis, raw, run_id) == "new"
    assert store.save_analysis(analysis, raw, run_id) == "unchanged"
    changed = replace(analysis, article=replace(analysis.article, title="Report 1, corrected"))
    assert store.save_analysis(changed, raw, run_id) == "updated"
    assert store.save_analysis(changed, raw, run_id) == "unchanged"
    stored = store.analysis(analysis.article.id)
    assert stored == changed


@pytest.mark.sqlite_only  # SQLite's own pragmas, functions or files
def test_unchanged_writes_nothing(store: SqliteStore, db_path: Path, run_id: int, make: Make) -> None:
    analysis, raw = make(1)
    store.save_analysis(analysis, raw, run_id)
    before_row = store.connection.execute("SELECT * FROM articles").fetchone()
    watcher = sqlite3.connect(db_path)  # PRAGMA data_version moves when another connection commits
    version = watcher.execute("PRAGMA data_version").fetchone()[0]
    wal = db_path.with_name(db_path.name + "-wal")
    wal_bytes = wal.read_bytes() if wal.exists() else b""
    changes = store.connection.total_changes

    assert store.save_analysis(analysis, raw, run_id) == "unchanged"

    assert store.connection.total_changes == changes
    assert watcher.execute("PRAGMA data_version").fetchone()[0] == version
    assert (wal.read_bytes() if wal.exists() else b"") == wal_bytes
    assert tuple(store.connection.execute("SELECT * FROM articles").fetchone()) == tuple(before_row)
    watcher.close()


def test_update_replaces_entities_and_keeps_ingested_at(store: SqliteStore, run_id: int, make: Make) -> None:
    analysis, raw = make(1)
    store.save_analysis(analysis, raw, run_id)
    first = store.articles()[0]
    assert [e[4] for e in _entities(store, analysis.article.id)] == ["Suspilne", "Donetsk"]
    only = (Entity("ORG", 0, 9, analysis.article.text[0:9]),)
    assert store.save_analysis(replace(analysis, entities=only), raw, run_id) == "updated"
    assert _entities(store, analysis.article.id) == [(0, "ORG", 0, 9, "Ukrainian", None, None, None)]
    again = store.articles()[0]
    assert again["ingested_at"] == first["ingested_at"]
    updated_at = store.connection.execute("SELECT updated_at FROM articles").fetchone()[0]
    assert updated_at > first["ingested_at"]


def test_skipped_status_and_stages(store: SqliteStore, run_id: int, make: Make) -> None:
    analysis, raw = make(2, skipped={"nlp": "language ru"}, entities=())
    assert store.save_analysis(analysis, raw, run_id) == "new"
    row = store.connection.execute("SELECT status, skipped_stages FROM articles").fetchone()
    assert row["status"] == "skipped"
    assert json.loads(row["skipped_stages"]) == {"nlp": "language ru"}
    assert store.known_raw(raw.sha256) == analysis.article.id


def test_article_row_columns_and_provenance(store: SqliteStore, run_id: int, make: Make) -> None:
    analysis, raw = make(3)
    store.save_analysis(analysis, raw, run_id)
    row = dict(store.connection.execute("SELECT * FROM articles").fetchone())
    assert row["id"] == analysis.article.id
    assert row["text"] == analysis.article.text
    assert json.loads(row["authors"]) == ["A. Writer"]
    assert json.loads(row["producer"]) == PRODUCER
    assert json.loads(row["analysis"]) == json.loads(json.dumps(analysis.to_dict()))
    assert row["run_id"] == run_id and row["raw_sha256"] == raw.sha256
    assert row["ingested_at"].endswith("Z") and "T" in row["ingested_at"]
    from wirewatch.store.postgres import PostgresStore

    if isinstance(store, PostgresStore):
        return  # PostgreSQL's JSON columns are jsonb: valid by their type
    # every JSON column holds valid JSON, so Datasette can render it
    bad = store.connection.execute(
        "SELECT count(*) FROM articles WHERE NOT (json_valid(authors) AND json_valid(skipped_stages) "
        "AND json_valid(analysis) AND json_valid(producer) AND json_valid(input))"
    ).fetchone()[0]
    assert bad == 0


def test_producer_falls_back_to_the_run(store: SqliteStore, make: Make) -> None:
    run = store.start_run("ingest", {"wirewatch": "9.9"}, {})
    analysis, raw = make(4)
    store.save_analysis(replace(analysis, producer={}), raw, run)
    assert json.loads(store.connection.execute("SELECT producer FROM articles").fetchone()[0]) == {
        "wirewatch": "9.9"
    }


def test_unknown_run_is_a_store_error_and_leaves_nothing(store: SqliteStore, make: Make) -> None:
    analysis, raw = make(5)
    with pytest.raises(StoreError):
        store.save_analysis(analysis, raw, 12345)
    assert store.counts()["articles"] == 0 and store.counts()["raw_blobs"] == 0


def test_runs_record_producer_settings_counts(store: SqliteStore) -> None:
    run = store.start_run("ingest", PRODUCER, {"db": Path("x.db"), "workers": 2})
    store.finish_run(run, {"new": 1, "failed": 0})
    row = store.connection.execute("SELECT * FROM runs WHERE id = ?", (run,)).fetchone()
    assert row["command"] == "ingest" and row["finished_at"] >= row["started_at"]
    assert json.loads(row["settings"]) == {"db": "x.db", "workers": 2}
    assert json.loads(row["counts"]) == {"new": 1, "failed": 0}
    with pytest.raises(StoreError, match="no run"):
        store.finish_run(999, {})


def test_raw_blobs_are_deduplicated(store: SqliteStore, run_id: int, make: Make) -> None:
    same = b"<html><p>The same wire copy, published twice.</p></html>"
    a1, r1 = make(10, data=same)
    a2, r2 = make(11, data=same)
    assert r1.sha256 == r2.sha256 and a1.article.id != a2.article.id
    store.save_analysis(a1, r1, run_id)
    store.save_analysis(a2, r2, run_id)
    counts = store.counts()
    assert counts["raw_blobs"] == 1 and counts["ok"] == 2
    blob = store.connection.execute("SELECT size, kind, first_name, url FROM raw_blobs").fetchone()
    assert tuple(blob) == (len(same), "html", "page10.html", "https://news.example/10")
    # both inputs come back for reprocess, each with its own URL
    assert sorted(d.url or "" for d in store.raw_documents()) == [r1.url, r2.url]


def test_raw_documents_round_trip(store: SqliteStore, run_id: int, make: Make) -> None:
    a1, r1 = make(20)
    record = RawDocument(
        name="feed.jsonl:3",
        data=b"Plain text body of a record.",
        kind="record",
        url=None,
        external_id="X-3",
        title="A record",
        published="2024-06-02",
        outlet="Wire",
        record_format="text",
    )
    a2, _ = make(21, url=None, text="Plain text body of a record.", entities=())
    store.save_analysis(a1, r1, run_id)
    store.save_analysis(a2, record, run_id)
    broken = RawDocument(name="broken.html", data=b"<html></html>", kind="html")
    store.save_failure("broken.html", ExtractionError("no text"), broken.data, run_id, raw=broken)
    # rejected by the reader before it was a RawDocument: kept, but not replayed (its kind is a guess)
    store.save_failure("cut.html.gz", ExtractionError("truncated gzip"), b"\x1f\x8b\x08", run_id)
    docs = list(store.raw_documents())
    assert docs == [r1, record, broken]


def test_known_raw(store: SqliteStore, run_id: int, make: Make) -> None:
    analysis, raw = make(30)
    assert store.known_raw(raw.sha256) is None
    store.save_analysis(analysis, raw, run_id)
    assert store.known_raw(raw.sha256) == analysis.article.id
    store.save_failure("bad.html", ExtractionError("no text"), b"<p>", run_id)
    assert store.known_raw(RawDocument("x", b"<p>", "html").sha256) is None  # failed is not "known"


def test_failure_is_stored_with_error_and_raw_blob(store: SqliteStore, run_id: int) -> None:
    data = b"<html><body>menu only</body></html>"
    err = ExtractionError("no article text found; is this an index page?", input="menu.html")
    store.save_failure("menu.html", err, data, run_id)
    expected_id = failure_article_id("menu.html", data, None)
    row = store.connection.execute("SELECT * FROM errors").fetchone()
    assert (row["input_name"], row["code"], row["run_id"]) == ("menu.html", "W300", run_id)
    assert row["message"] == err.message and row["article_id"] == expected_id
    blob = store.connection.execute("SELECT data FROM raw_blobs WHERE sha256 = ?", (row["raw_sha256"],))
    assert blob.fetchone()[0] == data
    [listed] = store.articles(status="failed")
    assert listed["id"] == expected_id and listed["error"] == str(err)
    assert store.analysis(expected_id) is None
    assert store.article(expected_id) == listed


def test_failure_ids_url_then_bytes_then_name(store: SqliteStore, run_id: int) -> None:
    import hashlib

    def h(b: bytes) -> str:
        return hashlib.sha256(b).hexdigest()[:16]

    assert failure_article_id("n", b"data", "https://x.example/a") == h(b"https://x.example/a")
    assert failure_article_id("n", b"data", None) == h(b"data")
    assert failure_article_id("n", None, None) == h(b"n")
    store.save_failure(
        "https://x.example/a", FetchError("timed out"), None, run_id, url="https://x.example/a"
    )
    assert store.counts()["raw_blobs"] == 0
    assert store.articles()[0]["url"] == "https://x.example/a"


def test_failure_never_clobbers_an_ok_article(store: SqliteStore, run_id: int, make: Make) -> None:
    analysis, raw = make(40)
    store.save_analysis(analysis, raw, run_id)
    before = dict(store.connection.execute("SELECT * FROM articles").fetchone())
    store.save_failure(raw.name, FetchError("timed out"), b"partial", run_id, url=raw.url)
    after = dict(store.connection.execute("SELECT * FROM articles").fetchone())
    assert after == before
    assert store.counts()["errors"] == 1 and store.counts()["failed"] == 0
    assert store.counts()["raw_blobs"] == 2  # the failed bytes are kept too


def test_failed_then_ok_is_new_and_repeat_failure_changes_nothing(
    store: SqliteStore, run_id: int, make: Make
) -> None:
    analysis, raw = make(41)
    err = FetchError("timed out")
    store.save_failure(raw.name, err, None, run_id, url=raw.url)
    row = tuple(store.connection.execute("SELECT * FROM articles").fetchone())
    store.save_failure(raw.name, err, None, run_id, url=raw.url)
    assert tuple(store.connection.execute("SELECT * FROM articles").fetchone()) == row
    assert store.counts()["errors"] == 2  # the log keeps both attempts
    assert store.save_analysis(analysis, raw, run_id) == "new"
    assert store.articles()[0]["status"] == "ok" and store.articles()[0]["error"] is None


def test_counts(store: SqliteStore, run_id: int, make: Make) -> None:
    for n in range(3):
        analysis, raw = make(n)
        if n == 0:  # one event, with one actor and no place
            event = {"id": f"{analysis.article.id}:e1", "type": "ASSAULT", "actors": [{"role": "actor"}]}
            analysis = replace(analysis, events=(event,))
        store.save_analysis(analysis, raw, run_id)
    store.save_failure("x", ExtractionError("no text"), b"x", run_id)
    assert store.counts() == {
        "articles": 4,
        "ok": 3,
        "failed": 1,
        "skipped": 0,
        "raw_blobs": 4,
        "entities": 6,
        "claims": 3,
        "places": 0,
        "events": 1,
        "errors": 1,
        "runs": 1,
    }


def test_id_prefix_lookup(store: SqliteStore, run_id: int, make: Make) -> None:
    analysis, raw = make(50)
    store.save_analysis(analysis, raw, run_id)
    aid = analysis.article.id
    assert store.analysis(aid[:6]) == analysis
    assert store.analysis(aid[:5]) is None  # too short to be a prefix
    assert store.analysis("ffffffffffffffff0") is None
    assert store.analysis("") is None


def test_ambiguous_prefix(store: SqliteStore, run_id: int, make: Make) -> None:
    a, r = make(60)
    b_id, c_id = a.article.id[:8] + "00000000", a.article.id[:8] + "11111111"
    b = replace(a, article=replace(a.article, id=b_id), claims=({"id": f"{b_id}:c1", "kind": "statement"},))
    c = replace(a, article=replace(a.article, id=c_id), claims=({"id": f"{c_id}:c1", "kind": "statement"},))
    store.save_analysis(b, r, run_id)
    store.save_analysis(c, r, run_id)
    with pytest.raises(StoreError, match="ambiguous"):
        store.analysis(a.article.id[:8])
    assert store.analysis(a.article.id[:8] + "0000") == b


@pytest.mark.sqlite_only  # SQLite's own pragmas, functions or files
def test_vacuum_keeps_search_in_step(store: SqliteStore, run_id: int, make: Make) -> None:
    for n in range(6):
        store.save_analysis(*make(n, title=f"Title{n}"), run_id)
    store.connection.execute("DELETE FROM articles WHERE title IN ('Title1', 'Title3')")
    store.connection.execute("VACUUM")
    assert [a["title"] for a in store.articles(search="Title4")] == ["Title4"]
    store.connection.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")


def test_known_raw_with_the_input_tells_syndicated_records_apart(
    store: SqliteStore, run_id: int, make: Make
) -> None:
    body = b"The same wire copy, carried by two outlets."
    first = RawDocument("feed.jsonl:1", body, "record", url="https://a.example/1", record_format="text")
    second = replace(first, name="feed.jsonl:2", url="https://b.example/9")
    analysis, _ = make(70, url=first.url, entities=())
    store.save_analysis(analysis, first, run_id)
    assert store.known_raw(first.sha256) == analysis.article.id  # bytes only: any article from them
    assert store.known_raw(first) == analysis.article.id
    assert store.known_raw(replace(first, name="moved/feed.jsonl:1")) == analysis.article.id  # name ignored
    assert store.known_raw(second) is None  # same bytes, another article: must be analysed


def test_two_versions_of_one_article_never_flip_back(store: SqliteStore, run_id: int, make: Make) -> None:
    """Two inputs with the same canonical URL (an article and its later edit): re-ingesting both is unchanged,
    and reprocess replays only the version that is stored."""
    first, raw1 = make(40)
    second = replace(first, article=replace(first.article, text=first.article.text + " Updated."))
    raw2 = replace(raw1, name="copy.html", data=raw1.data + b"<!-- v2 -->")
    assert store.save_analysis(first, raw1, run_id) == "new"
    assert store.save_analysis(second, raw2, run_id) == "updated"
    assert store.known_raw(raw1) == first.article.id  # seen before: nothing to do, no flip back
    assert store.known_raw(raw2) == first.article.id
    assert [d.data for d in store.raw_documents()] == [raw2.data]
