"""``wirewatch db copy SRC DST``: a whole database copied between backends (SQLite ↔ PostgreSQL), verified.

Both backends have the same tables (one migration history), so the copy is table by table, row by row, in an
order that keeps every foreign key satisfied: every column as stored (ids, timestamps, runs, provenance,
raw bytes), so the copy answers every query as the original does. The destination must be empty (fresh, or
only migrated). Each table is one transaction; at the end the row counts of every table are compared, and a
difference is a :class:`~wirewatch.errors.StoreError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wirewatch.errors import StoreError, UsageError
from wirewatch.store.base import Store

__all__ = ["TABLES", "copy_database", "table_counts"]

#: Every table, parents before children, with the columns that order its rows (its key).
TABLES: tuple[tuple[str, str], ...] = (
    ("runs", "id"),
    ("raw_blobs", "stored_at, sha256"),
    ("articles", "id"),
    ("article_inputs", "raw_sha256, input_key"),
    ("entities", "article_id, seq"),
    ("errors", "id"),
    ("claims", "id"),
    ("claim_sources", "claim_id, role, position"),
    ("places", "id"),
    ("events", "id"),
    ("event_actors", "event_id, idx"),
    ("event_places", "event_id, idx"),
    ("stories", "id"),
    ("story_articles", "article_id"),
    ("article_copies", "article_id"),
    ("story_overrides", "id"),
    ("api_tokens", "id"),
    ("corrections", "id"),
    ("feeds", "url"),
    ("feed_items", "feed_url, item_key"),
)

#: Columns a backend computes itself (PostgreSQL's identity row number and search vector).
_COMPUTED = {"rowid", "search_vector"}

#: Tables with a generated integer id, whose PostgreSQL sequence must move past the copied ids.
_ID_TABLES = ("runs", "errors", "story_overrides", "api_tokens", "corrections")

_PAGE = 500


def _conn(store: Store) -> Any:
    return store.connection  # type: ignore[attr-defined]


def table_counts(store: Store) -> dict[str, int]:
    """Rows per table (:data:`TABLES`; a table this database does not have is left out)."""
    counts: dict[str, int] = {}
    for table, _ in TABLES:
        try:
            counts[table] = int(_conn(store).execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        except StoreError:
            continue
        except Exception as e:  # sqlite3.OperationalError: no such table
            if "no such table" in str(e):
                continue
            raise
    return counts


def copy_database(
    src: Store, dst: Store, *, progress: Callable[[str, int], None] | None = None
) -> dict[str, tuple[int, int]]:
    """Copy every row of ``src`` into the empty ``dst``; return ``{table: (rows in src, rows in dst)}``.

    ``progress(table, n)`` is called after each page of ``n`` rows. Raises :class:`UsageError` when ``dst``
    holds data and :class:`StoreError` when a table's counts differ afterwards.
    """
    before = table_counts(dst)
    filled = sorted(t for t, n in before.items() if n)
    if filled:
        raise UsageError(
            f"the destination database is not empty (rows in {', '.join(filled)}); give a new one"
        )
    source_counts = table_counts(src)
    for table, order in TABLES:
        if table not in source_counts or table not in before:
            continue
        _copy_table(src, dst, table, order, progress)
    _move_sequences(dst)
    after = table_counts(dst)
    result = {t: (n, after.get(t, 0)) for t, n in source_counts.items()}
    wrong = {t: pair for t, pair in result.items() if pair[0] != pair[1]}
    if wrong:
        detail = ", ".join(f"{t} {a} → {b}" for t, (a, b) in wrong.items())
        raise StoreError(f"the copy is incomplete: row counts differ ({detail})")
    return result


def _copy_table(
    src: Store, dst: Store, table: str, order: str, progress: Callable[[str, int], None] | None
) -> None:
    offset = 0
    later: list[tuple[Any, Any]] = []  # articles.duplicate_of points at any article: set once all are in
    with dst._transaction(f"copy of {table}") as out:  # type: ignore[attr-defined]
        while True:
            rows = (
                _conn(src)
                .execute(f"SELECT * FROM {table} ORDER BY {order} LIMIT ? OFFSET ?", (_PAGE, offset))
                .fetchall()
            )
            if not rows:
                break
            names = [n for n in list(rows[0].keys()) if n not in _COMPUTED]
            values = []
            for row in rows:
                record = {n: row[n] for n in names}
                if table == "articles" and record.get("duplicate_of") is not None:
                    later.append((record["duplicate_of"], record["id"]))
                    record["duplicate_of"] = None
                values.append(tuple(record.values()))
            columns = ", ".join(f'"{n}"' for n in names)
            marks = ", ".join("?" for _ in names)
            out.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
            offset += len(rows)
            if progress is not None:
                progress(table, len(rows))
        if later:
            out.executemany("UPDATE articles SET duplicate_of = ? WHERE id = ?", later)


def _move_sequences(dst: Store) -> None:
    """After explicit ids, PostgreSQL's identity sequences must continue after the largest one."""
    from wirewatch.store.postgres import PostgresStore

    if not isinstance(dst, PostgresStore):
        return
    with dst._transaction("copy: id sequences") as out:
        for table in _ID_TABLES:
            out.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
