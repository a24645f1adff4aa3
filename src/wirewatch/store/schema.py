"""SQLite schema migrations: versioned SQL files applied in order, each in its own transaction.

Files live in ``wirewatch/store/migrations/`` and are named ``NNNN_description.sql``; numbers start at 1
and have no gaps. Applied versions are recorded in ``schema_migrations(version, name, applied_at)``.
Applying is idempotent and safe when two processes open a fresh database at once: each migration takes
the write lock (``BEGIN IMMEDIATE``) and checks again that it is still pending.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from typing import Any

from wirewatch.errors import StoreError
from wirewatch.store.base import utc_now

__all__ = ["Migration", "applied_versions", "known_migrations", "migrate", "split_statements"]

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class Migration:
    """One SQL file: its version number, file name and statements."""

    version: int
    name: str
    sql: str


def known_migrations(dialect: str = "sqlite") -> list[Migration]:
    """The migrations shipped with this wirewatch, in version order (checked for gaps).

    ``dialect`` ``"postgres"`` gives the PostgreSQL files (``migrations/postgres/``): one history for both
    backends, so they must have exactly the versions and names of the SQLite files, without gaps.
    """
    if dialect == "postgres":
        shared = known_migrations()
        folder = resources.files("wirewatch.store").joinpath("migrations").joinpath("postgres")
        own = _read_folder(folder, "migrations/postgres")
        names, own_names = [m.name for m in shared], [m.name for m in own]
        if own_names != names:
            missing = sorted(set(names) - set(own_names))
            extra = sorted(set(own_names) - set(names))
            raise StoreError(
                "the PostgreSQL migrations do not match the SQLite ones (one history for both backends): "
                f"missing {missing or 'none'}, unexpected {extra or 'none'}"
            )
        return own
    if dialect != "sqlite":
        raise StoreError(f"unknown SQL dialect {dialect!r}")
    return _read_folder(resources.files("wirewatch.store").joinpath("migrations"), "migrations")


def _read_folder(folder: Any, where: str) -> list[Migration]:
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    if not found:
        raise StoreError(
            f"no schema migration files found in wirewatch/store/{where}; reinstall wirewatch "
            "(its package data is missing)"
        )
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise StoreError(f"migration files are not numbered 1..n without gaps: {versions}")
    return found


def split_statements(sql: str) -> list[str]:
    """Split a script into complete statements (trigger bodies with inner ``;`` stay whole)."""
    statements: list[str] = []
    buffer = ""
    for piece in sql.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            text = _strip_comments(buffer).strip()
            if text.rstrip(";").strip():
                statements.append(text)
            buffer = ""
    if _strip_comments(buffer).strip().rstrip(";").strip():
        raise StoreError(f"incomplete SQL statement at the end of a migration: {buffer.strip()[:60]!r}")
    return statements


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))


def applied_versions(conn: sqlite3.Connection) -> set[int]:
    """Versions recorded in ``schema_migrations`` (empty for a fresh database)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not exists:
        return set()
    return {int(row[0]) for row in conn.execute("SELECT version FROM schema_migrations")}


def migrate(conn: sqlite3.Connection, *, where: str) -> list[int]:
    """Bring the database up to date; return the versions applied now (empty when already current).

    ``conn`` must be in autocommit mode (``isolation_level=None``). ``where`` names the database in errors.
    A database already at the current version is only read, never locked for writing.
    """
    migrations = known_migrations()
    newest = migrations[-1].version
    _check_not_newer(applied_versions(conn), newest, where)
    applied_now: list[int] = []
    for migration in migrations:
        if migration.version in applied_versions(conn):
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(_CREATE_TABLE)
            done = applied_versions(conn)  # again, under the write lock: another process may have won
            _check_not_newer(done, newest, where)
            if migration.version not in done:
                for statement in split_statements(migration.sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, utc_now()),
                )
                applied_now.append(migration.version)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return applied_now


def _check_not_newer(done: set[int], newest: int, where: str) -> None:
    if done and max(done) > newest:
        raise StoreError(
            f"database was written by a newer wirewatch (schema version {max(done)}, this wirewatch "
            f"knows up to {newest}); upgrade wirewatch to open it",
            input=where,
        )
