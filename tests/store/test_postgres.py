"""The PostgreSQL store: its migrations (one history with SQLite), search, the SQL translation, what it keeps
apart from SQLite, and ``wirewatch db copy`` between the two backends. The behaviour both backends share is
tested by every other store test, which runs once per backend (the ``store_url`` fixture)."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.store.conftest import PRODUCER, Make, postgres_schema
from tests.store.filter_fixtures import build

from wirewatch.errors import StoreError, UsageError
from wirewatch.records import RawDocument
from wirewatch.store import Store, open_store
from wirewatch.store.copy import TABLES, copy_database, table_counts
from wirewatch.store.postgres import PostgresStore, translate, ts_query
from wirewatch.store.schema import _read_folder, known_migrations


def test_one_migration_history_for_both_backends() -> None:
    shared = known_migrations()
    own = known_migrations("postgres")
    assert [(m.version, m.name) for m in own] == [(m.version, m.name) for m in shared]
    assert all(m.sql.strip() for m in own)


def test_a_gap_in_the_migrations_is_refused(tmp_path: Path) -> None:
    for name in ("0001_a.sql", "0003_c.sql"):
        (tmp_path / name).write_text("SELECT 1;", encoding="utf-8")
    with pytest.raises(StoreError, match="without gaps"):
        _read_folder(tmp_path, "x")


def test_translate_spells_sqlite_in_postgresql() -> None:
    sql = translate(
        "SELECT c.id FROM articles a CROSS JOIN claims c ON a.id = c.article_id WHERE +c.kind = ? AND "
        "+x.type = ? COLLATE NOCASE AND instr(wirewatch_casefold(s.name), ?) > 0 AND "
        "c.id IN (SELECT value FROM json_each(?)) LIMIT ?"
    )
    assert "CROSS" not in sql and "+" not in sql and "?" not in sql and "NOCASE" not in sql
    assert "JOIN claims c ON" in sql and "upper(x.type) = %s" in sql and "strpos(" in sql
    assert "jsonb_array_elements_text(%s::jsonb)" in sql and sql.endswith("LIMIT NULLIF(%s, -1)")
    assert translate("INSERT INTO runs (command) VALUES (?)").endswith("RETURNING id")
    assert translate("INSERT OR IGNORE INTO t (a) VALUES (?)").endswith("ON CONFLICT DO NOTHING")
    assert translate("SELECT '100%' LIKE ?") == "SELECT '100%%' LIKE %s"


@pytest.mark.parametrize(
    ("search", "query"),
    [
        ("Suspilne desert*", "'suspilne' & 'desert':*"),
        ('"cited by" OR Kremlin', "('cited' <-> 'by') | 'kremlin'"),
        ("title:mayor", "'mayor':A"),
        ("Kyiv's", "('kyiv' & 's')"),
        ("a NOT b", "'a' & !'b'"),
        ('" * ((', None),
        ("AND", "'and'"),
    ],
)
def test_ts_query(search: str, query: str | None) -> None:
    assert ts_query(search) == query


# -- against a server ----------------------------------------------------------------------------------------


@pytest.fixture
def pg_url() -> Any:
    with postgres_schema() as url:
        yield url


@pytest.mark.postgres
def test_migrations_once_then_nothing_and_a_newer_schema_is_refused(pg_url: str) -> None:
    with open_store(pg_url) as s:
        assert isinstance(s, PostgresStore)
        rows = s.connection.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
        assert [tuple(r) for r in rows] == [(m.version, m.name) for m in known_migrations()]
        kinds = dict(
            s.connection.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = 'articles'"
            ).fetchall()
        )
        assert kinds["analysis"] == "jsonb" and kinds["search_vector"] == "tsvector"
        index = s.connection.execute(
            "SELECT indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() AND indexname = 'articles_search'"
        ).fetchone()[0]
        assert "gin" in index.lower() and "search_vector" in index
    with open_store(pg_url) as again:
        assert again.connection.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(rows)
        again.connection.execute("INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 'x')")
    with pytest.raises(StoreError, match="newer wirewatch"):
        open_store(pg_url)


@pytest.mark.postgres
def test_two_openers_of_a_fresh_database_race_safely(pg_url: str) -> None:
    errors: list[BaseException] = []

    def opener() -> None:
        try:
            open_store(pg_url).close()
        except BaseException as e:  # pragma: no cover - the failure is the assertion below
            errors.append(e)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.postgres
def test_unchanged_writes_nothing(pg_url: str, make: Make) -> None:
    with open_store(pg_url) as s:
        run_id = s.start_run("ingest", PRODUCER, {})
        analysis, raw = make(1)
        assert s.save_analysis(analysis, raw, run_id) == "new"
        before = s.connection.execute("SELECT xmin::text, * FROM articles").fetchone()
        assert s.save_analysis(analysis, raw, run_id) == "unchanged"
        assert tuple(s.connection.execute("SELECT xmin::text, * FROM articles").fetchone()) == tuple(before)


@pytest.mark.postgres
def test_a_failed_save_leaves_nothing(pg_url: str, make: Make) -> None:
    with open_store(pg_url) as s:
        run_id = s.start_run("ingest", PRODUCER, {})
        analysis, raw = make(1)
        bad = replace(analysis, claims=({"id": "x"}, {"id": "x"}))
        with pytest.raises(StoreError, match="appears twice"):
            s.save_analysis(bad, raw, run_id)
        assert s.counts()["articles"] == 0 and s.counts()["raw_blobs"] == 0


def _dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as comparable tuples (without the backends' own computed columns)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table, order in TABLES:
        try:
            rows = store.connection.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()  # type: ignore[attr-defined]
        except Exception:
            continue
        out[table] = [
            tuple(_plain(r[k]) for k in list(r.keys()) if k not in {"rowid", "search_vector"}) for r in rows
        ]
    return out


def _plain(value: Any) -> Any:
    """JSON text as its value: through PostgreSQL's jsonb a copy writes it canonically (sorted, compact)."""
    if isinstance(value, str) and value[:1] in {"[", "{"}:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


@pytest.mark.postgres
def test_db_copy_sqlite_to_postgresql_and_back_is_exact(tmp_path: Path, pg_url: str) -> None:
    src = build(str(tmp_path / "src.db"))
    with open_store(src) as s:
        s.create_token("reader", "viewer")
        s.add_correction("x:e1", "event", "reject", None, "struck", "wrong", "local")
        s.add_story_override("merge", ["a", "b"], "same", who="local")
    result = CliRunner().invoke(
        __import__("wirewatch.cli", fromlist=["main"]).main, ["db", "copy", "-q", src, pg_url]
    )
    assert result.exit_code == 0, result.output
    assert "every count matches" in result.output
    back = str(tmp_path / "back.db")
    with open_store(pg_url) as pg, open_store(back) as target:
        copy_database(pg, target)
        # the PostgreSQL copy answers as the original does, and its ids continue after the copied ones
        with open_store(src) as original:
            assert pg.articles(search="talk*") == original.articles(search="talk*")
            assert pg.events() == original.events()
            assert pg.stories() == original.stories()
            assert pg.tokens() == original.tokens()
        assert pg.start_run("next", {}, {}) == 2
    with open_store(src) as original, open_store(back) as copied:
        assert _dump(copied) == _dump(original)
    with (
        open_store(back) as target,
        open_store(src) as original,
        pytest.raises(UsageError, match="not empty"),
    ):
        copy_database(original, target)


def test_db_copy_between_sqlite_files(tmp_path: Path) -> None:
    src = build(str(tmp_path / "src.db"))
    with open_store(src) as original, open_store(str(tmp_path / "dst.db")) as copied:
        result = copy_database(original, copied)
        assert result["articles"] == (3, 3)
        assert _dump(copied) == _dump(original)
        assert table_counts(copied) == table_counts(original)


@pytest.mark.model
@pytest.mark.postgres
def test_example_article_gives_the_same_analysis_in_both_backends(
    pg_url: str, tmp_path: Path, example_text: str
) -> None:
    from wirewatch.pipeline import run_batch
    from wirewatch.settings import Settings

    raw = RawDocument(name="example", data=example_text.encode(), kind="text", published="2024-10-16")
    stored: dict[str, Any] = {}
    for name, url in (("sqlite", str(tmp_path / "example.db")), ("postgres", pg_url)):
        with open_store(url) as s:
            report = run_batch([], s, Settings(db=url), raws=[raw])
            assert report.counts["new"] == 1, report.outcomes
            (article,) = s.articles()
            analysis = s.analysis(article["id"])
            assert analysis is not None
            stored[name] = (
                analysis.to_dict(),
                s.claims(),
                s.places(),
                s.events(),
                s.event_points(features=True),
                {k: v for k, v in s.counts().items() if k != "runs"},
            )
    assert stored["postgres"] == stored["sqlite"]
