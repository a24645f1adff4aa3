"""The PostgreSQL store: the same tables as SQLite (``docs/store.md``), psycopg 3 with a connection pool.

:class:`PostgresStore` keeps the four promises of :class:`~wirewatch.store.base.Store` with the SQLite store's
own code: it subclasses :class:`~wirewatch.store.sqlite.SqliteStore` and runs its queries through
:class:`_Connection`, which rewrites the few SQLite-only spellings into PostgreSQL (:func:`translate`), so the
two backends cannot drift apart in what they store or how a filter reads. What differs is stated here:

- the schema is ``migrations/postgres/NNNN_name.sql``: the same versions and names as the SQLite files (one
  history, checked by :func:`~wirewatch.store.schema.known_migrations`), in PostgreSQL's dialect: JSON
  columns are ``jsonb``, text columns sort by code point (``COLLATE "C"``, as SQLite does);
- full-text search is a generated ``tsvector`` column (``articles.search_vector``, title words weighted A,
  text words B) with a GIN index. A query's words must all match, ``word*`` is a prefix, ``"a b"`` a phrase,
  ``title:word`` searches titles, ``OR`` and ``NOT`` work (:func:`ts_query`);
- a write is one transaction on a connection borrowed from a :class:`psycopg_pool.ConnectionPool`, so a
  store may be shared by threads (one at a time, as for SQLite).

Migrations take a transaction-level advisory lock, so two processes opening a fresh database race safely.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

from wirewatch.errors import StoreError
from wirewatch.store.base import dumps_json, utc_now
from wirewatch.store.schema import known_migrations
from wirewatch.store.sqlite import _SEARCH, SqliteStore, _story_row

__all__ = ["PostgresStore", "redact", "translate", "ts_query"]

log = logging.getLogger(__name__)

_MIGRATIONS_LOCK = 72_657_001  # pg_advisory_xact_lock key: "wirewatch migrations"

#: Tables with a generated integer id: an INSERT into one returns it (``cursor.lastrowid`` in SQLite).
_ID_TABLES = ("runs", "errors", "story_overrides", "api_tokens", "corrections")

_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE | re.DOTALL), replacement)
    for pattern, replacement in (
        # unary + (SQLite: "don't use an index") before a column: PostgreSQL has no + on text
        (r"(^|[\s(])\+(?=[a-z_][a-z0-9_]*\.)", r"\1"),
        # event types compare ignoring case (the values are upper-cased; events_type indexes upper(type))
        (r"\b([a-z_][a-z0-9_]*\.type) = \? COLLATE NOCASE", r"upper(\1) = ?"),
        (r"\bCROSS JOIN\b", "JOIN"),
        (r"\binstr\(", "strpos("),
        (r"\bjson_each\(\?\)", "jsonb_array_elements_text(?::jsonb)"),
        # json_each(X.record, '$.key') j: the elements of a JSON array (none when it is not an array)
        (
            r"\bjson_each\(([a-z_][a-z0-9_.]*), '\$\.([a-z_]+)'\) (?:AS )?([a-z_][a-z0-9_]*)",
            r"jsonb_array_elements_text("
            r"CASE jsonb_typeof(\1->'\2') WHEN 'array' THEN \1->'\2' END) \3(value)",
        ),
        (r"\bjson_extract\(([a-z_][a-z0-9_.]*), '\$\.([a-z_]+)'\)", r"(\1->>'\2')"),
        (r"\bSUM\(([a-z_]+ = '[a-z_]+')\)", r"SUM(CASE WHEN \1 THEN 1 ELSE 0 END)"),
        (
            r"\ba\.rowid IN \(SELECT rowid FROM articles_fts WHERE articles_fts MATCH \?\)",
            "a.search_vector @@ to_tsquery('simple', ?)",
        ),
        (r"\bLIMIT \?", "LIMIT NULLIF(?, -1)"),
        (r"^(\s*)INSERT OR IGNORE INTO (.*)$", r"\1INSERT INTO \2 ON CONFLICT DO NOTHING"),
    )
)


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """The SQLite query ``sql`` (as :mod:`wirewatch.store.sqlite` writes them) in PostgreSQL (``%s``)."""
    for pattern, replacement in _REWRITES:
        sql = pattern.sub(replacement, sql)
    sql = sql.replace("%", "%%").replace("?", "%s")
    match = re.match(r"\s*INSERT INTO (\w+)", sql, re.IGNORECASE)
    if match and match.group(1) in _ID_TABLES and "RETURNING" not in sql.upper():
        sql += " RETURNING id"
    return sql


class _Row(tuple):  # type: ignore[type-arg]
    """A result row readable by position and by column name, as :class:`sqlite3.Row`."""

    _names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._names.index(key))
            except ValueError:
                raise IndexError(f"no such column: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


@functools.lru_cache(maxsize=512)
def _row_type(names: tuple[str, ...]) -> type[_Row]:
    return type("Row", (_Row,), {"_names": names, "__slots__": ()})


def _row_factory(cursor: Any) -> Any:
    return _row_type(tuple(d.name for d in (cursor.description or ())))


class _Result:
    """The fetched rows of one statement (a pooled connection is given back before the caller reads)."""

    def __init__(self, rows: list[Any], rowcount: int, lastrowid: int | None) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Any]:
        return list(self._rows)

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._rows))


class _Connection:
    """A psycopg connection that speaks the SQLite store's SQL (``execute`` / ``executemany``)."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Result:
        query = translate(sql)
        with self._conn.cursor() as cur:
            cur.execute(query, tuple(params))
            rows = cur.fetchall() if cur.description is not None else []
            lastrowid = int(rows[0][0]) if query.endswith(" RETURNING id") and rows else None
            return _Result(rows, cur.rowcount, lastrowid)

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> _Result:
        items = [tuple(p) for p in seq]
        if not items:
            return _Result([], 0, None)
        query = translate(sql)
        if query.endswith(" RETURNING id"):
            query = query[: -len(" RETURNING id")]
        copy = _copy_statement(query)
        with self._conn.cursor() as cur:
            if copy is None:
                cur.executemany(query, items)
                return _Result([], cur.rowcount, None)
            # A plain many-row INSERT is one COPY: psycopg's executemany pays a Bind/Execute and a round of
            # Python per row, which made a PostgreSQL ingest about 3x slower than SQLite's.
            with cur.copy(copy) as out:
                for item in items:
                    out.write_row(item)
            return _Result([], len(items), None)


_PLAIN_INSERT = re.compile(
    r"\s*INSERT INTO (\w+)\s*(\([^()]*\))?\s*VALUES\s*\((?:\s*%s\s*,)*\s*%s\s*\)\s*", re.IGNORECASE
)


@functools.lru_cache(maxsize=256)
def _copy_statement(query: str) -> str | None:
    """``COPY table (columns) FROM STDIN`` for a plain ``INSERT INTO table (columns) VALUES (%s, ...)``
    (no ON CONFLICT, no expressions), else None."""
    match = _PLAIN_INSERT.fullmatch(query)
    if match is None:
        return None
    return f"COPY {match.group(1)} {match.group(2) or ''} FROM STDIN".replace("  ", " ")


class _PooledConnection:
    """``execute`` and ``executemany`` of :class:`_Connection`, each on a connection of the store's pool."""

    def __init__(self, store: PostgresStore) -> None:
        self._store = store

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Result:
        return cast(_Result, self._store._read(sql, tuple(params)))

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> _Result:
        with self._store._transaction() as conn:
            return cast(_Result, conn.executemany(sql, seq))


def _load_json_text(data: Any) -> str:
    """A ``jsonb`` value as the canonical JSON text the SQLite store writes (:func:`dumps_json`), so the
    store's code reads the same strings from both backends (``unchanged`` compares them)."""
    return dumps_json(json.loads(bytes(data).decode("utf-8")))


def redact(url: str) -> str:
    """The URL with any password replaced by ``***``, so errors never print credentials."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username or ''}:***@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _libpq_url(url: str) -> str:
    """``postgres://`` and ``postgresql+psycopg://`` as libpq takes them: ``postgresql://``."""
    scheme, rest = url.split("://", 1)
    return url if scheme.lower() == "postgresql" else "postgresql://" + rest


class PostgresStore(SqliteStore):
    """A wirewatch database in PostgreSQL (``postgresql://user@host:5432/db``; libpq query parameters such as
    ``?options=-csearch_path%3Dschema`` work). Opening connects, checks the server and applies pending
    migrations; any problem is a one-line :class:`StoreError` naming the URL (without its password)."""

    def __init__(self, url: str, *, shared: bool = False, max_size: int = 4) -> None:
        """``shared`` is accepted for the interface; the store may always be used from several threads."""
        try:
            import psycopg
            from psycopg.types.string import TextLoader
            from psycopg_pool import ConnectionPool
        except ImportError as e:  # pragma: no cover - both are dependencies
            raise StoreError(f"PostgreSQL needs psycopg and psycopg-pool ({e})", input=redact(url)) from e
        self.url = url
        self.path = redact(url)  # what errors name (SqliteStore's helpers say self.path)
        self._psycopg = psycopg
        self._closed = True

        class _JsonLoader(TextLoader):
            def load(self, data: Any) -> str:
                return _load_json_text(data)

        own_durability = "synchronous_commit" in url

        def configure(conn: Any) -> None:
            conn.adapters.register_loader("jsonb", _JsonLoader)
            conn.adapters.register_loader("json", _JsonLoader)
            if not own_durability:
                conn.execute("SET synchronous_commit = off")

        try:  # one connection first: a bad URL or an unreachable server is one clear error, at once
            psycopg.connect(_libpq_url(url), connect_timeout=10).close()
        except Exception as e:
            raise StoreError(f"can't connect to PostgreSQL ({_first_line(e)})", input=self.path) from e
        try:
            self._pool = ConnectionPool(
                _libpq_url(url),
                min_size=1,
                max_size=max_size,
                kwargs={"autocommit": True, "row_factory": _row_factory},
                configure=configure,
                open=False,
                name="wirewatch",
            )
            self._pool.open(wait=True, timeout=15)
        except Exception as e:
            raise StoreError(f"can't connect to PostgreSQL ({_first_line(e)})", input=self.path) from e
        try:
            with self._pool.connection() as conn:
                _migrate(conn, where=self.path)
        except psycopg.Error as e:
            self._pool.close()
            raise StoreError(f"database error: {_first_line(e)}", input=self.path) from e
        except BaseException:
            self._pool.close()
            raise
        self._closed = False

    def __repr__(self) -> str:
        return f"PostgresStore({self.path!r})"

    @property
    def connection(self) -> Any:
        """For read-only queries (exports, tests) in the SQLite store's SQL, as ``SqliteStore.connection``:
        each ``execute`` runs on a pooled connection in autocommit mode. Don't write through it."""
        return _PooledConnection(self)

    @property
    def pool(self) -> Any:
        """The :class:`psycopg_pool.ConnectionPool` (read-only queries in tests and exports)."""
        return self._pool

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._pool.close()

    # -- what SQLite writes its own way -------------------------------------------------------------

    def sources(self, *, kind: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        from wirewatch.store.base import check_place_filters

        check_place_filters(limit=limit)
        claims = "SUM(CASE WHEN role = 'source' THEN 1 ELSE 0 END)"
        relayed = "SUM(CASE WHEN role = 'via' THEN 1 ELSE 0 END)"
        sql = (
            f"SELECT name, kind, country, {claims} AS claims, {relayed} AS relayed "
            "FROM claim_sources WHERE role IN ('source', 'via') AND name IS NOT NULL"
            + (" AND kind = ?" if kind is not None else "")
            + f" GROUP BY name, kind, country ORDER BY {claims} + {relayed} DESC, name LIMIT ?"
        )
        params: tuple[Any, ...] = ((kind,) if kind is not None else ()) + (-1 if limit is None else limit,)
        return [dict(row) for row in self._read(sql, params)]

    def save_block(
        self, block: str, stories: list[dict[str, Any]], copies: list[tuple[str, str, float, float]]
    ) -> None:
        with self._transaction(f"link block {block}") as conn:
            conn.execute("DELETE FROM article_copies WHERE block = ?", (block,))
            conn.execute("DELETE FROM story_articles WHERE block = ?", (block,))
            conn.execute("DELETE FROM stories WHERE block = ?", (block,))
            for story in stories:
                conn.execute(
                    "INSERT INTO stories (id, block, first_seen, last_seen, n_articles, n_outlets, "
                    "independent_origins, contested, record) VALUES (?,?,?,?,?,?,?,?,?) "
                    "ON CONFLICT (id) DO UPDATE SET block = excluded.block, "
                    "first_seen = excluded.first_seen, "
                    "last_seen = excluded.last_seen, n_articles = excluded.n_articles, "
                    "n_outlets = excluded.n_outlets, independent_origins = excluded.independent_origins, "
                    "contested = excluded.contested, record = excluded.record",
                    _story_row(story, block),
                )
                conn.executemany(
                    "INSERT INTO story_articles (article_id, story_id, block) VALUES (?,?,?) "
                    "ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id, "
                    "block = excluded.block",
                    [(aid, story["id"], block) for aid in story["articles"]],
                )
            conn.executemany(
                "INSERT INTO article_copies (article_id, canonical_id, jaccard, containment, block) "
                "VALUES (?,?,?,?,?) ON CONFLICT (article_id) DO UPDATE SET "
                "canonical_id = excluded.canonical_id, "
                "jaccard = excluded.jaccard, containment = excluded.containment, block = excluded.block",
                [(*c, block) for c in copies],
            )

    def event_points(self, *, features: bool = False, **filters: Any) -> list[dict[str, Any]]:
        rows = super().event_points(features=False, **filters)
        if features:  # as SQLite's json_object writes it: compact, keys in this order
            for row in rows:
                feature = {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [_round5(row["lon"]), _round5(row["lat"])],
                    },
                    "properties": {
                        key: row[key]
                        for key in ("event", "type", "date", "article", "name", "geo_precision", "origins")
                    },
                }
                row["feature"] = json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
        return rows

    # -- plumbing ----------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, what: str | None = None) -> Iterator[Any]:
        """One transaction on a pooled connection; rollback on any exception; psycopg errors → StoreError
        (:class:`ConnectionLost` when the connection broke: the transaction was not committed)."""
        psycopg = self._psycopg
        self._check_open()
        conn = None
        try:
            with self._pool.connection() as raw:
                conn = raw
                with raw.transaction():
                    yield _Connection(raw)
        except psycopg.Error as e:
            about = f" (storing {what})" if what else ""
            raise self._error(e, conn, f"database error{about}") from e

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        psycopg = self._psycopg
        self._check_open()
        conn = None
        try:
            with self._pool.connection() as raw:
                conn = raw
                return _Connection(raw).execute(sql, params)
        except psycopg.Error as e:
            raise self._error(e, conn, "database error") from e

    def _error(self, e: Exception, conn: Any, what: str) -> StoreError:
        """``e`` as a StoreError; a ConnectionLost when the server went away (the connection is broken or
        closed, or no connection could be had from the pool in time)."""
        lost = isinstance(e, self._psycopg.OperationalError) and (conn is None or conn.broken or conn.closed)
        return (ConnectionLost if lost else StoreError)(f"{what}: {_first_line(e)}", input=self.path)

    def _list(self, sql: str, params: Sequence[Any], search: str | None) -> list[Any]:
        if search is None:
            return cast(list[Any], self._read(sql, tuple(params)).fetchall())
        query = ts_query(search)
        if query is None:
            return []
        return cast(
            list[Any], self._read(sql, tuple(query if p is _SEARCH else p for p in params)).fetchall()
        )

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the store is closed", input=self.path)


class ConnectionLost(StoreError):
    """The connection to the server broke during a statement: what it was doing was not committed (or, if it
    broke during COMMIT, perhaps was: every retried method is one transaction that is safe to run again)."""


RETRY_DELAYS = (0.1, 0.5, 1.0, 2.0, 4.0, 8.0)
"""Seconds to wait before each new attempt of a method whose connection was lost. With the pool's own 30 s
wait for a connection, a server that restarts within about a minute is ridden out."""

_RETRIED = (
    "start_run", "finish_run", "known_raw", "save_analysis", "save_failure", "articles", "article",
    "analysis", "claims", "places", "events", "link_articles", "save_block", "add_story_override",
    "story_overrides", "event_points", "sources", "add_correction", "corrections", "claim_chains",
    "feeds", "save_feed", "seen_items", "add_seen_items", "story_of", "block_stories", "stories", "story",
    "counts",
)  # fmt: skip
"""The store methods that are re-run when the connection is lost: each is one transaction or one read."""


def _retrying(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: PostgresStore, *args: Any, **kwargs: Any) -> Any:
        for delay in (*RETRY_DELAYS, None):
            try:
                return method(self, *args, **kwargs)
            except ConnectionLost as e:
                if delay is None:
                    raise StoreError(
                        f"lost the connection to PostgreSQL and could not get it back after "
                        f"{len(RETRY_DELAYS)} retries ({e.message})",
                        input=self.path,
                    ) from e
                log.warning("%s: %s; retrying %s in %.1f s", self.path, e.message, method.__name__, delay)
                with contextlib.suppress(Exception):
                    self._pool.check()  # drop the pool's other idle connections that died with this one
                time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    return call


for _name in _RETRIED:
    setattr(PostgresStore, _name, _retrying(getattr(PostgresStore, _name)))


def _round5(value: Any) -> Any:
    return None if value is None else round(float(value), 5)


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'"[^"]*"?\*?|\(|\)|[^\s"()]+')


def ts_query(search: str) -> str | None:
    """A user's search (the FTS5 syntax wirewatch documents) as a PostgreSQL ``to_tsquery`` text, or ``None``
    when no word is left. Words all match (AND); ``word*`` is a prefix; ``"a b"`` a phrase; ``OR`` and
    ``NOT`` between words; ``title:`` / ``text:`` before a word or phrase limit it to that column. Anything
    else (punctuation, ``NEAR(``, an unbalanced quote) is read as plain words, so a query never fails."""
    parts: list[str] = []
    pending_op = "&"
    negate = False
    for token in _TOKEN.findall(search):
        upper = token.upper()
        if upper in {"AND", "OR", "NOT"} and parts:
            if upper == "OR":
                pending_op = "|"
            elif upper == "NOT":
                negate = True
            continue
        if token in {"(", ")"}:
            continue
        weight = ""
        column, sep, rest = token.partition(":")
        if sep and column.lower() in {"title", "text"} and rest:
            weight = "A" if column.lower() == "title" else "B"
            token = rest
        prefix = token.endswith("*")
        words = [w.lower() for w in _WORD.findall(token)]
        if not words:
            continue
        labels = [weight] * len(words)
        if prefix:
            labels[-1] = "*" + weight
        lexemes = [f"'{w}'" + (f":{label}" if label else "") for w, label in zip(words, labels, strict=True)]
        joiner = " <-> " if token.startswith('"') else " & "
        term = joiner.join(lexemes)
        term = f"({term})" if len(lexemes) > 1 else term
        if negate:
            term = f"!{term}"
        if parts:
            parts.append(pending_op)
        parts.append(term)
        pending_op, negate = "&", False
    return " ".join(parts) or None


def _migrate(conn: Any, *, where: str) -> list[int]:
    """Bring the PostgreSQL database up to date, each migration in its own transaction under an advisory
    lock; return the versions applied now. Refuses a database written by a newer wirewatch."""
    migrations = known_migrations("postgres")
    newest = migrations[-1].version
    applied_now: list[int] = []
    for migration in migrations:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATIONS_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                '(version INTEGER PRIMARY KEY, name TEXT COLLATE "C" NOT NULL, applied_at TEXT NOT NULL)'
            )
            done = {int(r[0]) for r in conn.execute("SELECT version FROM schema_migrations").fetchall()}
            if done and max(done) > newest:
                raise StoreError(
                    f"database was written by a newer wirewatch (schema version {max(done)}, this wirewatch "
                    f"knows up to {newest}); upgrade wirewatch to open it",
                    input=where,
                )
            if migration.version in done:
                continue
            conn.execute(migration.sql)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, %s)",
                (migration.version, migration.name, utc_now()),
            )
            applied_now.append(migration.version)
    return applied_now
