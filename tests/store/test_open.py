"""Opening databases: paths, URLs, migrations, pragmas, and one-line errors for bad targets."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

import wirewatch.store as store_pkg
from wirewatch.errors import StoreError
from wirewatch.store import SqliteStore, open_store
from wirewatch.store.schema import known_migrations, migrate, split_statements

TABLES = {"articles", "raw_blobs", "entities", "runs", "errors", "schema_migrations", "articles_fts"}


def _names(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_fresh_database_gets_every_migration_once(db_path: Path) -> None:
    with open_store(str(db_path)) as s:
        assert isinstance(s, SqliteStore)
        assert _names(s.connection) >= TABLES
        rows = s.connection.execute("SELECT version, name, applied_at FROM schema_migrations").fetchall()
        assert [r[0] for r in rows] == [m.version for m in known_migrations()]
        assert rows[0][1] == "0001_initial.sql"
    with open_store(str(db_path)) as again:
        assert isinstance(again, SqliteStore)
        again_rows = again.connection.execute("SELECT version, name, applied_at FROM schema_migrations")
        assert [tuple(r) for r in again_rows] == [tuple(r) for r in rows]
        assert migrate(again.connection, where=str(db_path)) == []


@pytest.mark.sqlite_only  # SQLite's own pragmas, functions or files
def test_pragmas_wal_foreign_keys_busy_timeout(store: SqliteStore) -> None:
    conn = store.connection
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert conn.isolation_level is None
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_newer_schema_is_refused(db_path: Path) -> None:
    open_store(str(db_path)).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 'x')")
    conn.close()
    with pytest.raises(StoreError, match="newer wirewatch") as info:
        open_store(str(db_path))
    assert str(db_path) in str(info.value)


def test_sqlite_url_and_memory(tmp_path: Path) -> None:
    target = tmp_path / "u.db"
    with open_store(f"sqlite:///{target}") as s:  # sqlite:////abs/path
        assert s.counts()["articles"] == 0
    assert target.exists()
    with open_store(":memory:") as m:
        assert m.counts()["runs"] == 0


@pytest.mark.parametrize("url", ["postgresql://me:s3cret@db.invalid:5432/ww", "postgres://db.invalid/ww"])
def test_unreachable_postgresql_is_one_line_and_password_hidden(url: str) -> None:
    with pytest.raises(StoreError, match="can't connect to PostgreSQL") as info:
        open_store(url)
    assert "s3cret" not in str(info.value)
    assert "\n" not in str(info.value)


def _one_line_error(target: str, match: str) -> StoreError:
    with pytest.raises(StoreError, match=match) as info:
        open_store(target)
    err = info.value
    assert "\n" not in str(err)
    assert target in str(err)
    return err


def test_not_a_database_file(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"This is a text file, certainly not SQLite.\n" * 200)
    _one_line_error(str(bogus), "not a SQLite database")
    assert bogus.read_bytes().startswith(b"This is a text file")  # untouched


def test_directory(tmp_path: Path) -> None:
    _one_line_error(str(tmp_path), "is a folder")


def test_missing_folder(tmp_path: Path) -> None:
    _one_line_error(str(tmp_path / "nope" / "x.db"), "does not exist")


def test_someone_elses_sqlite_database_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "gazetteer.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE places (id INTEGER)")
    conn.close()
    _one_line_error(str(other), "not a wirewatch one")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_folder(tmp_path: Path) -> None:
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        _one_line_error(str(locked / "x.db"), "not writable")
    finally:
        locked.chmod(0o700)


def test_unknown_scheme_and_empty() -> None:
    with pytest.raises(StoreError, match="unknown database kind"):
        open_store("mysql://db/x")
    with pytest.raises(StoreError, match="no database given"):
        open_store("")


def test_split_statements_keeps_trigger_bodies_whole() -> None:
    sql = """
    -- a comment; with a semicolon
    CREATE TABLE t (a TEXT); -- trailing
    CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        INSERT INTO t VALUES ('x;y');
        DELETE FROM t WHERE a = ';';
    END;
    """
    statements = split_statements(sql)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


@pytest.mark.sqlite_only  # SQLite's own pragmas, functions or files
def test_datasette_detects_the_fts_table(store: SqliteStore) -> None:
    # the query Datasette's detect_fts() runs for a table
    row = store.connection.execute(
        """select name from sqlite_master where rootpage = 0 and (
             sql like '%VIRTUAL TABLE%USING FTS%content="articles"%'
             or sql like '%VIRTUAL TABLE%USING FTS%content=[articles]%')"""
    ).fetchone()
    assert row is not None and row[0] == "articles_fts"


def test_public_names() -> None:
    assert all(hasattr(store_pkg, name) for name in store_pkg.__all__)
    assert {"open_store", "Store", "SqliteStore", "SaveResult"} <= set(store_pkg.__all__)


def test_two_openers_of_a_fresh_database_race_safely(db_path: Path) -> None:
    import threading

    errors: list[BaseException] = []

    def opener() -> None:
        try:
            open_store(str(db_path)).close()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(known_migrations())
    conn.close()
