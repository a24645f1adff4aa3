"""The SQLite store: one file, WAL mode, Datasette-compatible tables, FTS5 search.

Every write is one explicit transaction (``BEGIN IMMEDIATE`` … ``COMMIT``) on a connection in autocommit
mode (``isolation_level=None``), so an article, its raw bytes, its entities and its search-index entry are
stored together or not at all. The tables are described in ``docs/store.md``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from wirewatch.errors import StoreError, UsageError, WirewatchError
from wirewatch.records import Analysis, RawDocument
from wirewatch.store.base import (
    ARTICLE_FIELDS,
    ARTICLE_STATUSES,
    CLAIM_KINDS,
    FEED_FIELDS,
    TOKEN_ROLES,
    SaveResult,
    SharedFilters,
    Store,
    check_claim_filters,
    check_place_filters,
    check_shared_filters,
    check_story_filters,
    dumps_json,
    failure_article_id,
    utc_now,
)
from wirewatch.store.fts import quote_terms
from wirewatch.store.schema import migrate

__all__ = ["BUSY_TIMEOUT_MS", "SqliteStore"]

#: How long a write waits for another process's write to finish before "database is locked".
BUSY_TIMEOUT_MS = 30_000

_SUMMARY_COLUMNS = ", ".join(f"a.{name}" for name in ARTICLE_FIELDS)
_META_KEYS = ("external_id", "title", "published", "outlet")
_INPUT_KEYS = ("name", "kind", "url", *_META_KEYS, "content_type", "record_format")


def _story_row(story: dict[str, Any], block: str) -> tuple[Any, ...]:
    """A Story's row of ``stories``, in column order (both backends write it)."""
    return (
        story["id"],
        block,
        story.get("first_seen"),
        story.get("last_seen"),
        len(story["articles"]),
        len(story.get("outlets") or ()),
        int(story.get("independent_origins") or 0),
        int(bool(story.get("contested"))),
        dumps_json(story),
    )


class SqliteStore(Store):
    """A wirewatch database in one SQLite file (or ``":memory:"``, for tests).

    Opening checks the path, sets WAL mode, foreign keys and a busy timeout, and applies pending
    migrations. Any problem is a one-line :class:`StoreError` naming the path.
    """

    def __init__(self, path: str | os.PathLike[str], *, shared: bool = False) -> None:
        """``shared``: the store may be used from several threads, one at a time (a web request's
        dependency and its handler run on different worker threads); never from two at once."""
        self.path = str(path)
        _check_path(self.path)
        try:
            self._conn = sqlite3.connect(
                self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=not shared
            )
        except sqlite3.Error as e:
            raise _store_error(e, self.path) from e
        try:
            self._conn.row_factory = sqlite3.Row
            # Unicode-aware case folding for name filters (SQLite's lower() and NOCASE know ASCII only)
            self._conn.create_function("wirewatch_casefold", 1, _casefold, deterministic=True)
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._conn.execute("PRAGMA foreign_keys = ON")
            _check_is_wirewatch(self._conn, self.path)
            if self.path != ":memory:":
                mode = _switch_to_wal(self._conn)
                if str(mode).lower() != "wal":
                    raise StoreError(f"can't switch the database to WAL mode (got {mode})", input=self.path)
            self._conn.execute("PRAGMA synchronous = NORMAL")
            migrate(self._conn, where=self.path)
        except sqlite3.Error as e:
            self._conn.close()
            raise _store_error(e, self.path) from e
        except BaseException:
            self._conn.close()
            raise
        self._closed = False

    def __repr__(self) -> str:
        return f"SqliteStore({self.path!r})"

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying connection, for read-only queries (exports, tests). Don't write through it."""
        return self._conn

    # -- runs --------------------------------------------------------------------------------------

    def start_run(self, command: str, producer: dict[str, str], settings: dict[str, object]) -> int:
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (command, started_at, producer, settings) VALUES (?, ?, ?, ?)",
                (command, utc_now(), dumps_json(producer), dumps_json(settings)),
            )
            run_id = cursor.lastrowid
        assert run_id is not None
        return run_id

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        with self._transaction() as conn:
            cursor = conn.execute(
                "UPDATE runs SET finished_at = ?, counts = ? WHERE id = ?",
                (utc_now(), dumps_json(counts), run_id),
            )
            if cursor.rowcount != 1:
                raise StoreError(f"no run with id {run_id}", input=self.path)

    # -- writes ------------------------------------------------------------------------------------

    def known_raw(self, raw: str | RawDocument) -> str | None:
        sha256 = raw if isinstance(raw, str) else raw.sha256
        sql = (
            "SELECT a.id FROM article_inputs i JOIN articles a ON a.id = i.article_id "
            "WHERE i.raw_sha256 = ? AND a.status IN ('ok', 'skipped')"
        )
        params: tuple[str, ...] = (sha256,)
        if not isinstance(raw, str):
            sql += " AND i.input_key = ?"
            params = (sha256, _input_key(_input_meta(raw)))
        row = self._read(sql + " ORDER BY i.first_seen, a.id LIMIT 1", params).fetchone()
        return str(row["id"]) if row else None

    def save_analysis(self, analysis: Analysis, raw: RawDocument, run_id: int) -> SaveResult:
        article = analysis.article
        if not article.id:
            raise StoreError("can't store an article without an id", input=raw.name)
        try:
            analysis_json = dumps_json(analysis.to_dict())
        except ValueError as e:  # NaN or infinity somewhere in the analysis
            raise StoreError(
                f"analysis of article {article.id} is not valid JSON: {e}", input=raw.name
            ) from e
        text_sha256 = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        status = "skipped" if analysis.skipped else "ok"
        raw_sha256 = raw.sha256
        with self._transaction(raw.name) as conn:
            old = conn.execute(
                "SELECT status, text_sha256, analysis, raw_sha256 FROM articles WHERE id = ?", (article.id,)
            ).fetchone()
            if (
                old is not None
                and old["status"] == status
                and old["text_sha256"] == text_sha256
                and old["analysis"] == analysis_json
                and old["raw_sha256"] == raw_sha256
            ):
                return "unchanged"
            now = utc_now()
            self._insert_blob(conn, raw.data, raw_sha256, raw, now)
            producer = analysis.producer or self._run_producer(conn, run_id)
            values: dict[str, Any] = {
                "external_id": article.external_id,
                "url": article.url,
                "outlet": article.outlet,
                "title": article.title,
                "published": article.published,
                "language": article.language,
                "authors": dumps_json(list(article.authors)),
                "text": article.text,
                "status": status,
                "error": None,
                "skipped_stages": dumps_json(analysis.skipped),
                "extractor": article.extractor,
                "encoding": article.encoding,
                "raw_sha256": raw_sha256,
                "source_name": article.source_name or raw.name,
                "text_sha256": text_sha256,
                "analysis": analysis_json,
                "producer": dumps_json(producer),
                "input": dumps_json(_input_meta(raw)),
                "run_id": run_id,
                "updated_at": now,
            }
            if old is None or old["status"] == "failed":
                values["ingested_at"] = now
            if old is None:
                _insert(conn, "articles", {"id": article.id, **values})
            else:
                assignments = ", ".join(f"{name} = ?" for name in values)
                conn.execute(
                    f"UPDATE articles SET {assignments} WHERE id = ?", (*values.values(), article.id)
                )
                conn.execute("DELETE FROM entities WHERE article_id = ?", (article.id,))
                conn.execute("DELETE FROM claims WHERE article_id = ?", (article.id,))  # sources cascade
                conn.execute("DELETE FROM places WHERE article_id = ?", (article.id,))
                conn.execute(
                    "DELETE FROM events WHERE article_id = ?", (article.id,)
                )  # actors, places cascade
            self._insert_entities(conn, analysis)
            self._insert_claims(conn, analysis, raw.name)
            self._insert_places(conn, analysis, raw.name)
            self._insert_events(conn, analysis, raw.name)
            conn.execute(
                "INSERT OR IGNORE INTO article_inputs (raw_sha256, input_key, article_id, first_seen) "
                "VALUES (?, ?, ?, ?)",
                (raw_sha256, _input_key(_input_meta(raw)), article.id, now),
            )
        return "new" if old is None or old["status"] == "failed" else "updated"

    def save_failure(
        self,
        name: str,
        error: WirewatchError,
        data: bytes | None,
        run_id: int,
        *,
        url: str | None = None,
        raw: RawDocument | None = None,
    ) -> None:
        article_id = failure_article_id(name, data, url)
        raw_sha256 = hashlib.sha256(data).hexdigest() if data is not None else None
        message = str(error)
        meta = _input_meta(raw) if raw is not None else _guessed_input(name, data, url)
        with self._transaction(name) as conn:
            now = utc_now()
            if data is not None and raw_sha256 is not None:
                self._insert_blob(conn, data, raw_sha256, raw, now, guessed=meta)
            _insert(
                conn,
                "errors",
                {
                    "run_id": run_id,
                    "input_name": name,
                    "url": url,
                    "raw_sha256": raw_sha256,
                    "article_id": article_id,
                    "code": error.code,
                    "message": error.message,
                    "created_at": now,
                },
            )
            old = conn.execute(
                "SELECT status, error, raw_sha256 FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if old is None:
                _insert(
                    conn,
                    "articles",
                    {
                        "id": article_id,
                        "url": url,
                        "status": "failed",
                        "error": message,
                        "raw_sha256": raw_sha256,
                        "source_name": name,
                        "producer": dumps_json(self._run_producer(conn, run_id)),
                        "input": dumps_json(meta),
                        "run_id": run_id,
                        "ingested_at": now,
                        "updated_at": now,
                    },
                )
            elif old["status"] == "failed" and (old["error"], old["raw_sha256"]) != (message, raw_sha256):
                conn.execute(
                    "UPDATE articles SET error = ?, raw_sha256 = ?, source_name = ?, input = ?, run_id = ?, "
                    "producer = ?, updated_at = ? WHERE id = ?",
                    (
                        message,
                        raw_sha256,
                        name,
                        dumps_json(meta),
                        run_id,
                        dumps_json(self._run_producer(conn, run_id)),
                        now,
                        article_id,
                    ),
                )
            # an ok or skipped article with this id is stored data: a failure never replaces it

    # -- reads -------------------------------------------------------------------------------------

    def articles(
        self,
        *,
        search: str | None = None,
        status: str | None = None,
        since: str | None = None,
        until: str | None = None,
        type: str | None = None,
        country: str | None = None,
        admin1: str | None = None,
        source: str | None = None,
        source_kind: str | None = None,
        certainty: str | None = None,
        min_origins: int | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        if status is not None and status not in ARTICLE_STATUSES:
            raise UsageError(f"status must be one of {', '.join(ARTICLE_STATUSES)}, not {status!r}")
        f = check_shared_filters(
            since=since, until=until, type=type, country=country, admin1=admin1, source=source,
            source_kind=source_kind, certainty=certainty, min_origins=min_origins, search=search, limit=limit,
        )  # fmt: skip
        where: list[str] = []
        params: list[Any] = []
        if status is not None:
            where.append("a.status = ?")
            params.append(status)
        _add(where, params, _article_conditions(f).values())
        sql = (
            f"SELECT {_SUMMARY_COLUMNS} FROM articles a"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY a.ingested_at, a.id LIMIT ?"
        )
        rows = self._list(sql, [*params, -1 if limit is None else limit], f.search)
        return [dict(row) for row in rows]

    def article(self, article_id: str) -> dict[str, Any] | None:
        found = self._resolve_id(article_id)
        if found is None:
            return None
        row = self._read(f"SELECT {_SUMMARY_COLUMNS} FROM articles a WHERE a.id = ?", (found,)).fetchone()
        return None if row is None else dict(row)

    def analysis(self, article_id: str) -> Analysis | None:
        found = self._resolve_id(article_id)
        if found is None:
            return None
        row = self._read("SELECT analysis FROM articles WHERE id = ?", (found,)).fetchone()
        if row is None or row["analysis"] is None:
            return None
        return Analysis.from_dict(json.loads(row["analysis"]))

    def claims(
        self,
        *,
        source: str | None = None,
        kind: str | None = None,
        evidential: str | None = None,
        denied: bool = False,
        article: str | None = None,
        since: str | None = None,
        until: str | None = None,
        type: str | None = None,
        country: str | None = None,
        admin1: str | None = None,
        source_kind: str | None = None,
        certainty: str | None = None,
        min_origins: int | None = None,
        search: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        check_claim_filters(kind=kind, evidential=evidential, limit=limit)
        f = check_shared_filters(
            since=since, until=until, type=type, country=country, admin1=admin1, source=source,
            source_kind=source_kind, certainty=certainty, min_origins=min_origins, search=search,
        )  # fmt: skip
        where: list[str] = []
        params: list[Any] = []
        if article is not None:
            found = self._resolve_id(article)
            if found is None:
                return []
            where.append("c.article_id = ?")
            params.append(found)
        if source is not None and source.strip():
            where.append(
                "EXISTS (SELECT 1 FROM claim_sources s WHERE s.claim_id = c.id "
                "AND s.role IN ('source', 'via') AND instr(wirewatch_casefold(s.name), ?) > 0)"
            )
            params.append(_casefold(source.strip()))
        if kind in CLAIM_KINDS:
            where.append("+c.kind = ?")
            params.append(kind)
        elif kind is not None:
            where.append(
                "EXISTS (SELECT 1 FROM claim_sources s WHERE s.claim_id = c.id AND s.role = 'source' "
                "AND s.kind = ?)"
            )
            params.append(kind)
        if evidential is not None:
            where.append("+c.evidential = ?")
            params.append(evidential)
        if denied:
            where.append(
                "c.id IN (SELECT d.denies FROM claims d WHERE d.kind = 'denial' AND d.denies IS NOT NULL)"
            )
        shared = _article_conditions(f)
        shared.pop("source", None)  # on the claim itself, above
        if f.source_kind is not None:
            shared["source_kind"] = (
                "EXISTS (SELECT 1 FROM claim_sources s WHERE s.claim_id = c.id "
                "AND s.role IN ('source', 'via') AND +s.kind = ?)",
                [f.source_kind],
            )
        if f.certainty is not None:
            shared["certainty"] = ("+c.evidential = ?", [f.certainty])
        if f.type is not None:  # the claims that hold an event of that type (Event.claims names them)
            shared["type"] = (
                "EXISTS (SELECT 1 FROM events x, json_each(x.record, '$.claims') j "
                "WHERE x.article_id = c.article_id AND +x.type = ? COLLATE NOCASE AND j.value = c.id)",
                [f.type],
            )
        _add(where, params, shared.values())
        sql = (
            "SELECT c.id, c.article_id, c.record FROM articles a CROSS JOIN claims c ON a.id = c.article_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY a.ingested_at, a.id, c.seq LIMIT ?"
        )
        rows = self._list(sql, [*params, -1 if limit is None else limit], f.search)
        return [{**json.loads(row["record"]), "id": row["id"], "article": row["article_id"]} for row in rows]

    def places(
        self,
        *,
        country: str | None = None,
        level: str | None = None,
        article: str | None = None,
        resolved: bool | None = None,
        since: str | None = None,
        until: str | None = None,
        type: str | None = None,
        admin1: str | None = None,
        source: str | None = None,
        source_kind: str | None = None,
        certainty: str | None = None,
        min_origins: int | None = None,
        search: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        code = check_place_filters(country=country, level=level, limit=limit)
        f = check_shared_filters(
            since=since, until=until, type=type, admin1=admin1, source=source, source_kind=source_kind,
            certainty=certainty, min_origins=min_origins, search=search,
        )  # fmt: skip
        where: list[str] = []
        params: list[Any] = []
        if article is not None:
            found = self._resolve_id(article)
            if found is None:
                return []
            where.append("p.article_id = ?")
            params.append(found)
        if code is not None:
            where.append("+p.country = ?")  # unary +: no index here; pages walk articles in ingest order
            params.append(code)
        if level is not None:
            where.append("+p.level = ?")
            params.append(level)
        if resolved is True:
            where.append("p.lat IS NOT NULL AND p.lon IS NOT NULL")
        elif resolved is False:
            where.append("(p.lat IS NULL OR p.lon IS NULL)")
        shared = _article_conditions(f)
        if f.admin1 is not None:
            shared["admin1"] = (
                "wirewatch_casefold(coalesce(p.admin1, CASE p.level WHEN 'admin1' THEN p.name END)) = ?",
                [_casefold(f.admin1)],
            )
        _add(where, params, shared.values())
        sql = (
            "SELECT p.id, p.article_id, p.record FROM articles a CROSS JOIN places p ON a.id = p.article_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY a.ingested_at, a.id, p.idx LIMIT ?"
        )
        rows = self._list(sql, [*params, -1 if limit is None else limit], f.search)
        return [{**json.loads(row["record"]), "id": row["id"], "article": row["article_id"]} for row in rows]

    def events(
        self,
        *,
        type: str | None = None,
        country: str | None = None,
        since: str | None = None,
        until: str | None = None,
        article: str | None = None,
        admin1: str | None = None,
        source: str | None = None,
        source_kind: str | None = None,
        certainty: str | None = None,
        min_origins: int | None = None,
        search: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        checked = check_shared_filters(
            type=type, country=country, since=since, until=until, admin1=admin1, source=source,
            source_kind=source_kind, certainty=certainty, min_origins=min_origins, search=search, limit=limit,
        )  # fmt: skip
        where: list[str] = []
        params: list[Any] = []
        if article is not None:
            found = self._resolve_id(article)
            if found is None:
                return []
            where.append("e.article_id = ?")
            params.append(found)
        if checked.type is not None:
            where.append("+e.type = ? COLLATE NOCASE")  # unary +: no index here; pages walk articles
            params.append(checked.type)
        if checked.country is not None:
            where.append(
                "(EXISTS (SELECT 1 FROM event_actors x WHERE x.event_id = e.id AND +x.country = ?) "
                "OR EXISTS (SELECT 1 FROM event_places ep JOIN places p ON p.id = ep.place_id "
                "AND p.article_id = e.article_id WHERE ep.event_id = e.id AND p.country = ?))"
            )
            params += [checked.country, checked.country]
        # the event date: when.start, else when.end; a timestamp compares by its day
        day = "substr(coalesce(e.start_date, e.end_date), 1, 10)"
        windowed = checked.since is not None or checked.until is not None
        if checked.since is not None:
            where.append(f"{day} >= ?")
            params.append(checked.since)
        if checked.until is not None:
            where.append(f"{day} <= ?")
            params.append(checked.until)
        _add(where, params, _event_conditions(checked, "e").values())
        sql = (
            # CROSS JOIN: articles first, in ingest order by their index, so a page stops early, unsorted;
            # with a date window, the window's events first, on the index of their day (migration 0012),
            # then put in ingest order: walking every article to fill a page of a late week read nearly the
            # whole table (p95 146 ms over 100,000 events)
            (
                "SELECT e.id, e.article_id FROM events e CROSS JOIN articles a"
                if windowed and article is None
                else "SELECT e.id, e.article_id, e.record FROM articles a CROSS JOIN events e"
            )
            + " ON a.id = e.article_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY a.ingested_at, a.id, e.idx LIMIT ?"
        )
        if windowed and article is None:
            # the window's events are sorted into ingest order by id only; the page's records come after,
            # so that the sort does not carry every record of the window (p95 118 -> ~50 ms, bench/api.py)
            order = self._list(sql, [*params, -1 if limit is None else limit], checked.search)
            records = {
                str(r["id"]): r["record"]
                for r in self._read(
                    "SELECT id, record FROM events WHERE id IN (SELECT value FROM json_each(?))",
                    (dumps_json([str(r["id"]) for r in order]),),
                )
            }
            rows: list[Any] = [
                {"id": r["id"], "article_id": r["article_id"], "record": records[str(r["id"])]} for r in order
            ]
        else:
            rows = self._list(sql, [*params, -1 if limit is None else limit], checked.search)
        articles = sorted({str(row["article_id"]) for row in rows})
        places: dict[tuple[str, str], dict[str, Any]] = {}
        if articles:
            for p in self._read(
                "SELECT id, article_id, record FROM places "
                "WHERE article_id IN (SELECT value FROM json_each(?))",
                (dumps_json(articles),),
            ):
                places[(p["article_id"], p["id"])] = {**json.loads(p["record"]), "id": p["id"]}
        result: list[dict[str, Any]] = []
        for row in rows:
            event: dict[str, Any] = {
                **json.loads(row["record"]),
                "id": row["id"],
                "article": row["article_id"],
            }
            linked: list[dict[str, Any]] = []
            seen: set[str] = set()
            for entry in event.get("where") or []:
                place_id = _obj(entry).get("place")
                found_place = places.get((row["article_id"], str(place_id)))
                if found_place is not None and found_place["id"] not in seen:
                    seen.add(found_place["id"])
                    linked.append(found_place)
            event["places"] = linked
            result.append(event)
        return result

    def link_articles(self) -> list[dict[str, Any]]:
        sql = """SELECT a.id, a.published, a.outlet, a.url, s.block, s.story_id AS story
                 FROM articles a LEFT JOIN story_articles s ON s.article_id = a.id
                 WHERE a.status = 'ok' ORDER BY a.ingested_at, a.id"""
        return [dict(row) for row in self._read(sql, ())]

    def save_block(
        self, block: str, stories: list[dict[str, Any]], copies: list[tuple[str, str, float, float]]
    ) -> None:
        with self._transaction(f"link block {block}") as conn:
            conn.execute("DELETE FROM article_copies WHERE block = ?", (block,))
            conn.execute("DELETE FROM story_articles WHERE block = ?", (block,))
            conn.execute("DELETE FROM stories WHERE block = ?", (block,))
            for story in stories:
                conn.execute(
                    "INSERT OR REPLACE INTO stories VALUES (?,?,?,?,?,?,?,?,?)",
                    _story_row(story, block),
                )
                conn.executemany(
                    "INSERT OR REPLACE INTO story_articles VALUES (?,?,?)",
                    [(aid, story["id"], block) for aid in story["articles"]],
                )
            conn.executemany(
                "INSERT OR REPLACE INTO article_copies VALUES (?,?,?,?,?)", [(*c, block) for c in copies]
            )

    def add_story_override(
        self, kind: str, articles: list[str], note: str | None = None, *, who: str = "local"
    ) -> int:
        if kind not in ("merge", "split"):
            raise UsageError(f"a story override is 'merge' or 'split', not {kind!r}")
        with self._transaction("story override") as conn:
            cur = conn.execute(
                "INSERT INTO story_overrides(kind, articles, created_at, note, who) VALUES (?,?,?,?,?)",
                (kind, json.dumps(sorted(set(articles))), utc_now(), note, who),
            )
            return int(cur.lastrowid or 0)

    def story_overrides(self) -> list[dict[str, Any]]:
        rows = self._read(
            "SELECT id, kind, articles, created_at, note, who FROM story_overrides ORDER BY id", ()
        )
        return [{**dict(row), "articles": json.loads(row["articles"])} for row in rows]

    def event_points(
        self,
        *,
        type: str | None = None,
        country: str | None = None,
        since: str | None = None,
        until: str | None = None,
        admin1: str | None = None,
        source: str | None = None,
        source_kind: str | None = None,
        certainty: str | None = None,
        min_origins: int | None = None,
        search: str | None = None,
        limit: int | None = None,
        features: bool = False,
    ) -> list[dict[str, Any]]:
        checked = check_shared_filters(
            type=type, country=country, since=since, until=until, admin1=admin1, source=source,
            source_kind=source_kind, certainty=certainty, min_origins=min_origins, search=search, limit=limit,
        )  # fmt: skip
        day = "substr(coalesce(e.start_date, e.end_date), 1, 10)"
        origins = (
            "coalesce((SELECT st.independent_origins FROM story_articles sa JOIN stories st "
            "ON st.id = sa.story_id WHERE sa.article_id = e.article_id), 0)"
        )
        where = ["p.lat IS NOT NULL", "p.lon IS NOT NULL"]
        params: list[Any] = []
        if checked.type is not None:
            # with a date window the dates' index is the narrower: +, no index on the type then
            windowed = checked.since is not None or checked.until is not None
            where.append(("+" if windowed else "") + "e.type = ? COLLATE NOCASE")
            params.append(checked.type)
        if checked.country is not None:
            where.append(
                "(p.country = ? OR EXISTS (SELECT 1 FROM event_actors x "
                "WHERE x.event_id = e.id AND +x.country = ?))"  # +: the event's own actors, by its key
            )
            params += [checked.country, checked.country]
        # the day has its own index (migration 0012): a window is one range on it
        if checked.since is not None:
            where.append(f"{day} >= ?")
            params.append(checked.since)
        if checked.until is not None:
            where.append(f"{day} <= ?")
            params.append(checked.until)
        shared = _event_conditions(checked, "e")
        if checked.admin1 is not None:  # the point's own place
            shared["admin1"] = (
                "wirewatch_casefold(coalesce(p.admin1, CASE p.level WHEN 'admin1' THEN p.name END)) = ?",
                [_casefold(checked.admin1)],
            )
        _add(where, params, shared.values())
        # the article is joined only for the filters on it, so the unfiltered map stays as it was
        on_article = any(key in shared for key in _ON_ARTICLE)
        sql = (
            f"SELECT e.id AS event, e.article_id AS article, e.type, {day} AS date, p.id AS place, p.name, "
            f"p.lat, p.lon, ep.geo_precision, {origins} AS origins "
            "FROM events e CROSS JOIN event_places ep ON ep.event_id = e.id "
            "JOIN places p ON p.id = ep.place_id AND p.article_id = e.article_id "
            + ("JOIN articles a ON a.id = e.article_id " if on_article else "")
            + "WHERE "
            + " AND ".join(where)
            + " ORDER BY date DESC, e.id, ep.idx LIMIT ?"  # the newest first, on the day's index
        )
        if features:  # the GeoJSON Feature written by SQLite itself: no Python dict per point, no json.dumps
            sql = (
                "SELECT *, json_object('type', 'Feature', 'geometry', json_object('type', 'Point', "
                "'coordinates', json_array(round(lon, 5), round(lat, 5))), 'properties', "
                "json_object('event', event, 'type', type, 'date', date, 'article', article, "
                "'name', name, 'geo_precision', geo_precision, "
                f"'origins', origins)) AS feature FROM ({sql})"
            )
        rows = self._list(sql, [*params, -1 if limit is None else limit], checked.search)
        return [dict(row) for row in rows]

    def sources(self, *, kind: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        check_place_filters(limit=limit)
        sql = (
            "SELECT name, kind, country, SUM(role = 'source') AS claims, SUM(role = 'via') AS relayed "
            "FROM claim_sources WHERE role IN ('source', 'via') AND name IS NOT NULL"
            + (" AND kind = ?" if kind is not None else "")
            + " GROUP BY name, kind, country ORDER BY claims + relayed DESC, name LIMIT ?"
        )
        params: tuple[Any, ...] = ((kind,) if kind is not None else ()) + (-1 if limit is None else limit,)
        return [dict(row) for row in self._read(sql, params)]

    def add_correction(
        self, target: str, kind: str, action: str, value: Any, anchor: str | None, why: str | None, who: str
    ) -> int:
        with self._transaction("correction") as conn:
            cur = conn.execute(
                "INSERT INTO corrections(target, kind, action, value, anchor, why, who, created_at) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (
                    target,
                    kind,
                    action,
                    None if value is None else dumps_json(value),
                    anchor,
                    why,
                    who,
                    utc_now(),
                ),
            )
            return int(cur.lastrowid or 0)

    def corrections(self, *, targets: Iterable[str] | None = None) -> list[dict[str, Any]]:
        sql = "SELECT id, target, kind, action, value, anchor, why, who, created_at FROM corrections"
        params: tuple[Any, ...] = ()
        if targets is not None:
            if self._read("SELECT 1 FROM corrections LIMIT 1", ()).fetchone() is None:
                return []  # nothing corrected yet: no need to send every target of a big list
            sql += " WHERE target IN (SELECT value FROM json_each(?))"
            params = (dumps_json(sorted(set(targets))),)
        rows = self._read(sql + " ORDER BY id", params)
        return [{**dict(r), "value": None if r["value"] is None else json.loads(r["value"])} for r in rows]

    def token_name(self, token: str) -> str | None:
        row = self._live_token(token)
        return None if row is None else str(row["name"])

    def claim_chains(self) -> list[dict[str, Any]]:
        sql = (
            "SELECT cs.claim_id AS claim, cs.role, cs.position, cs.name, cs.kind, a.outlet "
            "FROM claim_sources cs JOIN claims c ON c.id = cs.claim_id "
            "JOIN articles a ON a.id = c.article_id "
            "WHERE cs.role IN ('source', 'via')"
        )
        return [dict(row) for row in self._read(sql, ())]

    def token_info(self, token: str) -> dict[str, Any] | None:
        row = self._live_token(token)
        return None if row is None else dict(row)

    def _live_token(self, token: str) -> sqlite3.Row | None:
        digest = hashlib.sha256(token.encode()).hexdigest()
        row = self._read(
            "SELECT id, name, role FROM api_tokens WHERE token_sha256 = ? AND revoked_at IS NULL", (digest,)
        ).fetchone()
        return cast("sqlite3.Row | None", row)

    def create_token(self, name: str, role: str) -> tuple[int, str]:
        import secrets

        if role not in TOKEN_ROLES:
            raise UsageError(f"role must be one of {', '.join(TOKEN_ROLES)}, not {role!r}")
        token = "ww_" + secrets.token_urlsafe(32)
        digest = hashlib.sha256(token.encode()).hexdigest()
        with self._transaction("create token") as conn:
            cur = conn.execute(
                "INSERT INTO api_tokens(name, role, token_sha256, created_at) VALUES (?,?,?,?)",
                (name, role, digest, utc_now()),
            )
            return int(cur.lastrowid or 0), token

    def token_role(self, token: str) -> str | None:
        row = self._live_token(token)
        return None if row is None else str(row["role"])

    def tokens(self) -> list[dict[str, Any]]:
        rows = self._read("SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY id", ())
        return [dict(row) for row in rows]

    def revoke_token(self, token_id: int) -> bool:
        with self._transaction("revoke token") as conn:
            cur = conn.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (utc_now(), token_id),
            )
            return cur.rowcount > 0

    # -- watched feeds ---------------------------------------------------------------------------------

    def feeds(self) -> list[dict[str, Any]]:
        rows = self._read(f"SELECT {', '.join(FEED_FIELDS)} FROM feeds ORDER BY url", ())
        return [dict(row) for row in rows]

    def save_feed(self, url: str, **state: Any) -> None:
        allowed = set(FEED_FIELDS) - {"url", "items_seen", "added_at"}
        unknown = sorted(set(state) - allowed)
        if unknown:
            raise ValueError(f"not feed state columns: {', '.join(unknown)}")
        with self._transaction("save feed") as conn:
            conn.execute(
                "INSERT INTO feeds(url, added_at) VALUES (?, ?) ON CONFLICT(url) DO NOTHING", (url, utc_now())
            )
            if state:
                names = sorted(state)
                sets = ", ".join(f"{n} = ?" for n in names)
                conn.execute(f"UPDATE feeds SET {sets} WHERE url = ?", (*(state[n] for n in names), url))

    def seen_items(self, url: str, keys: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._read(
                f"SELECT item_key FROM feed_items WHERE feed_url = ? AND item_key IN ({marks})", (url, *chunk)
            )
            found.update(str(row[0]) for row in rows)
        return found

    def add_seen_items(self, url: str, keys: Iterable[str]) -> int:
        now = utc_now()
        added = 0
        with self._transaction("record seen feed items") as conn:
            for key in dict.fromkeys(keys):
                cur = conn.execute(
                    "INSERT INTO feed_items(feed_url, item_key, seen_at) VALUES (?, ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    (url, key, now),
                )
                added += cur.rowcount
            conn.execute("UPDATE feeds SET items_seen = items_seen + ? WHERE url = ?", (added, url))
        return added

    def story_of(self, article_id: str) -> str | None:
        row = self._read("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)).fetchone()
        return None if row is None else str(row["story_id"])

    def block_stories(self, block: str) -> list[dict[str, Any]]:
        rows = self._read("SELECT record FROM stories WHERE block = ? ORDER BY id", (block,))
        return [json.loads(row["record"]) for row in rows]

    def stories(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        min_origins: int | None = None,
        contested: bool | None = None,
        type: str | None = None,
        country: str | None = None,
        admin1: str | None = None,
        source: str | None = None,
        source_kind: str | None = None,
        certainty: str | None = None,
        search: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        check_story_filters(since=since, until=until, min_origins=min_origins, limit=limit)
        f = check_shared_filters(
            type=type, country=country, admin1=admin1, source=source, source_kind=source_kind,
            certainty=certainty, search=search,
        )  # fmt: skip
        where: list[str] = []
        params: list[Any] = []
        if since is not None:
            where.append("last_seen >= ?")
            params.append(since)
        if until is not None:
            where.append("first_seen <= ?")
            params.append(until + "\uffff")
        if min_origins is not None:
            where.append("independent_origins >= ?")
            params.append(min_origins)
        if contested is not None:
            where.append("contested = ?")
            params.append(int(contested))
        inner: list[str] = []
        _add(inner, params, _article_conditions(f).values())
        if inner:  # a story with an article that passes them all
            where.append(
                "EXISTS (SELECT 1 FROM story_articles sa CROSS JOIN articles a ON a.id = sa.article_id "
                "WHERE sa.story_id = st.id AND " + " AND ".join(inner) + ")"
            )
        sql = (
            "SELECT st.record FROM stories st"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY last_seen IS NULL, last_seen DESC, n_articles DESC, id LIMIT ?"
        )
        rows = self._list(sql, [*params, -1 if limit is None else limit], f.search)
        return [json.loads(row["record"]) for row in rows]

    def story(self, story_id: str) -> dict[str, Any] | None:
        key = story_id.strip()
        if len(key) < 4:
            return None
        rows = self._read(
            "SELECT record FROM stories WHERE id = ? OR id LIKE ? LIMIT 2", (key, key + "%")
        ).fetchall()
        exact = [r for r in rows if json.loads(r["record"])["id"] == key]
        found = exact[0] if exact else rows[0] if len(rows) == 1 else None
        if found is None:
            return None
        story = dict(json.loads(found["record"]))
        later = self._read(
            "SELECT id FROM stories WHERE json_extract(record, '$.continues') = ? ORDER BY id", (story["id"],)
        )
        story["continued_by"] = [row["id"] for row in later]
        return story

    def raw_documents(self) -> Iterator[RawDocument]:
        # Take the list first, then fetch each blob: the caller may write (reprocess) while iterating.
        plan: list[tuple[str, dict[str, Any]]] = []
        blobs = self._read(
            "SELECT sha256, kind, content_type, record_format, first_name, url, meta "
            "FROM raw_blobs ORDER BY stored_at, rowid"
        ).fetchall()
        for blob in blobs:
            inputs = [
                json.loads(row["input"])
                for row in self._read(
                    "SELECT input FROM articles WHERE raw_sha256 = ? AND input IS NOT NULL "
                    "ORDER BY ingested_at, id",
                    (blob["sha256"],),
                )
            ]
            if not inputs:  # bytes that only an older version of an article came from: nothing to redo
                continue
            seen: set[str] = set()
            for meta in inputs:
                if meta.get("replayable") is False:
                    continue
                key = _input_key(meta)
                if key not in seen:
                    seen.add(key)
                    plan.append((blob["sha256"], meta))
        for sha256, meta in plan:
            row = self._read("SELECT data FROM raw_blobs WHERE sha256 = ?", (sha256,)).fetchone()
            if row is None:  # cannot happen while blobs are never deleted; be safe
                continue
            yield RawDocument(
                name=meta.get("name") or sha256,
                data=bytes(row["data"]),
                kind=meta.get("kind") or "text",
                url=meta.get("url"),
                external_id=meta.get("external_id"),
                title=meta.get("title"),
                published=meta.get("published"),
                outlet=meta.get("outlet"),
                content_type=meta.get("content_type"),
                record_format=meta.get("record_format"),
            )

    def counts(self) -> dict[str, int]:
        result = {"articles": 0, **{status: 0 for status in ARTICLE_STATUSES}}
        for row in self._read("SELECT status, count(*) AS n FROM articles GROUP BY status"):
            result[row["status"]] = row["n"]
            result["articles"] += row["n"]
        for table in ("raw_blobs", "entities", "claims", "places", "events", "errors", "runs"):
            result[table] = self._read(f"SELECT count(*) FROM {table}").fetchone()[0]
        return result

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._conn.close()

    # -- helpers -----------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, what: str | None = None) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rollback on any exception; sqlite errors become StoreError."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise _store_error(e, self.path, what) from e

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.Error as e:
            raise _store_error(e, self.path) from e

    def _list(self, sql: str, params: Sequence[Any], search: str | None) -> list[sqlite3.Row]:
        """The rows of a list query whose parameters may hold :data:`_SEARCH`, the place of a full-text
        query: ``search`` as written (FTS5 syntax works), else, when FTS5 refuses it, its words quoted."""
        if search is None:
            return self._read(sql, tuple(params)).fetchall()

        def bound(query: str) -> tuple[Any, ...]:
            return tuple(query if p is _SEARCH else p for p in params)

        try:
            try:
                return self._conn.execute(sql, bound(search)).fetchall()
            except sqlite3.OperationalError:
                quoted = quote_terms(search)
                if quoted is None:
                    return []
                try:
                    return self._conn.execute(sql, bound(quoted)).fetchall()
                except sqlite3.OperationalError as e:
                    raise StoreError(f"can't search for {search!r}: {e}", input=self.path) from e
        except sqlite3.Error as e:
            raise _store_error(e, self.path) from e

    def _resolve_id(self, article_id: str) -> str | None:
        """An exact id, else the one id starting with ``article_id`` (≥ 6 characters), else None."""
        if self._read("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
            return article_id
        if len(article_id) < 6:
            return None
        rows = self._read(
            "SELECT id FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
            (article_id, article_id + "\U0010ffff"),
        ).fetchall()
        if len(rows) > 1:
            raise StoreError(
                f"article id prefix {article_id!r} is ambiguous ({rows[0]['id']}, {rows[1]['id']}, ...); "
                "give more characters",
                input=self.path,
            )
        return str(rows[0]["id"]) if rows else None

    def _run_producer(self, conn: sqlite3.Connection, run_id: int) -> dict[str, Any]:
        row = conn.execute("SELECT producer FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise StoreError(f"no run with id {run_id}; call start_run first", input=self.path)
        producer: dict[str, Any] = json.loads(row["producer"])
        return producer

    @staticmethod
    def _insert_blob(
        conn: sqlite3.Connection,
        data: bytes,
        sha256: str,
        raw: RawDocument | None,
        now: str,
        *,
        guessed: dict[str, Any] | None = None,
    ) -> None:
        meta = _input_meta(raw) if raw is not None else (guessed or {})
        conn.execute(
            "INSERT INTO raw_blobs (sha256, data, size, kind, content_type, record_format, first_name, url, "
            "meta, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
            (
                sha256,
                data,
                len(data),
                meta.get("kind"),
                meta.get("content_type"),
                meta.get("record_format"),
                meta.get("name"),
                meta.get("url"),
                dumps_json({k: meta.get(k) for k in _META_KEYS}),
                now,
            ),
        )

    @staticmethod
    def _insert_entities(conn: sqlite3.Connection, analysis: Analysis) -> None:
        conn.executemany(
            'INSERT INTO entities (article_id, seq, label, start, "end", text, kind, country, name) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (analysis.article.id, seq, e.label, e.start, e.end, e.text, e.kind, e.country, e.name)
                for seq, e in enumerate(analysis.entities)
            ],
        )

    @staticmethod
    def _insert_claims(conn: sqlite3.Connection, analysis: Analysis, what: str) -> None:
        """The ``claims`` and ``claim_sources`` rows of an analysis (0002_claims.sql backfills the same)."""
        article_id = analysis.article.id
        claim_rows: list[tuple[Any, ...]] = []
        source_rows: list[tuple[Any, ...]] = []
        seen: set[str] = set()
        for seq, claim in enumerate(analysis.claims):
            if not isinstance(claim, dict):
                raise StoreError(f"claim {seq + 1} of article {article_id} is not a JSON object", input=what)
            claim_id = claim.get("id")
            claim_id = f"{article_id}:c{seq + 1}" if claim_id is None else str(claim_id)
            if claim_id in seen:
                raise StoreError(f"claim id {claim_id} appears twice in article {article_id}", input=what)
            seen.add(claim_id)
            certainty = _obj(claim.get("certainty"))
            probability = certainty.get("probability")
            claim_rows.append(
                (
                    claim_id,
                    article_id,
                    seq,
                    claim.get("kind"),
                    claim.get("quote"),
                    *_span_columns(claim.get("content")),
                    *_span_columns(claim.get("cue")),
                    certainty.get("evidential"),
                    certainty.get("strength"),
                    certainty.get("polarity"),
                    certainty.get("term"),
                    dumps_json(probability) if isinstance(probability, list) else None,
                    claim.get("denies"),
                    dumps_json(claim),
                )
            )
            for role in ("source", "via"):
                items = claim.get("sources" if role == "source" else "via")
                for position, src in enumerate(items if isinstance(items, list) else []):
                    if isinstance(src, dict):
                        source_rows.append((claim_id, role, position, *_source_columns(src)))
            asked_by = claim.get("asked_by")
            if isinstance(asked_by, dict):
                source_rows.append((claim_id, "asked_by", 0, *_source_columns(asked_by)))
        taken = conn.execute(
            "SELECT id, article_id FROM claims "
            "WHERE id IN (SELECT value FROM json_each(?)) AND article_id != ?",
            (dumps_json(sorted(seen)), article_id),
        ).fetchone()
        if taken is not None:
            raise StoreError(
                f"claim id {taken['id']} of article {article_id} is already stored for article "
                f"{taken['article_id']}; claim ids are ARTICLEID:cN and must be unique",
                input=what,
            )
        conn.executemany(
            "INSERT INTO claims (id, article_id, seq, kind, quote, content_start, content_end, "
            "content_text, cue_start, cue_end, cue_text, evidential, strength, polarity, term, probability, "
            "denies, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            claim_rows,
        )
        conn.executemany(
            "INSERT INTO claim_sources (claim_id, role, position, name, kind, country, span_start, span_end, "
            "span_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            source_rows,
        )

    @staticmethod
    def _insert_places(conn: sqlite3.Connection, analysis: Analysis, what: str) -> None:
        """The ``places`` rows of an analysis (0003_places.sql backfills the same from stored analyses).

        Place ids are ``ARTICLEID:pN`` (a place without one gets it from its position) and must be unique:
        within the article, and against every other article's places.
        """
        article_id = analysis.article.id
        rows: list[tuple[Any, ...]] = []
        seen: set[str] = set()
        for idx, place in enumerate(analysis.places):
            if not isinstance(place, dict):
                raise StoreError(f"place {idx + 1} of article {article_id} is not a JSON object", input=what)
            place_id = place.get("id")
            place_id = f"{article_id}:p{idx + 1}" if place_id is None else str(place_id)
            if place_id in seen:
                raise StoreError(f"place id {place_id} appears twice in article {article_id}", input=what)
            seen.add(place_id)
            relative = _obj(place.get("relative"))
            rows.append(
                (
                    place_id,
                    article_id,
                    idx,
                    *_span_columns(place.get("mention")),
                    place.get("name"),
                    place.get("geonameid"),
                    place.get("level"),
                    place.get("country"),
                    place.get("admin1"),
                    place.get("lat"),
                    place.get("lon"),
                    relative.get("relation"),
                    place.get("score"),
                    dumps_json(place),
                )
            )
        taken = conn.execute(
            "SELECT id, article_id FROM places "
            "WHERE id IN (SELECT value FROM json_each(?)) AND article_id != ?",
            (dumps_json(sorted(seen)), article_id),
        ).fetchone()
        if taken is not None:
            raise StoreError(
                f"place id {taken['id']} of article {article_id} is already stored for article "
                f"{taken['article_id']}; place ids are ARTICLEID:pN and must be unique",
                input=what,
            )
        conn.executemany(
            "INSERT INTO places (id, article_id, idx, mention_start, mention_end, mention_text, name, "
            "geonameid, level, country, admin1, lat, lon, relation, score, record) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    @staticmethod
    def _insert_events(conn: sqlite3.Connection, analysis: Analysis, what: str) -> None:
        """The ``events``, ``event_actors`` and ``event_places`` rows of an analysis (0004_events.sql
        backfills the same from stored analyses).

        Event ids are ``ARTICLEID:eN`` (an event without one gets it from its position) and must be unique:
        within the article, and against every other article's events.
        """
        article_id = analysis.article.id
        event_rows: list[tuple[Any, ...]] = []
        actor_rows: list[tuple[Any, ...]] = []
        place_rows: list[tuple[Any, ...]] = []
        seen: set[str] = set()
        for idx, event in enumerate(analysis.events):
            if not isinstance(event, dict):
                raise StoreError(f"event {idx + 1} of article {article_id} is not a JSON object", input=what)
            event_id = event.get("id")
            event_id = f"{article_id}:e{idx + 1}" if event_id is None else str(event_id)
            if event_id in seen:
                raise StoreError(f"event id {event_id} appears twice in article {article_id}", input=what)
            seen.add(event_id)
            acled = _obj(event.get("acled"))
            when = _obj(event.get("when"))
            event_rows.append(
                (
                    event_id,
                    article_id,
                    idx,
                    event.get("type"),
                    event.get("mode"),
                    acled.get("event_type"),
                    acled.get("sub_event_type"),
                    *_span_columns(event.get("trigger")),
                    when.get("start"),
                    when.get("end"),
                    when.get("precision"),
                    _whole(event.get("fatalities")),
                    _whole(event.get("size")),
                    *(_flag(event.get(k)) for k in ("negated", "hypothetical", "future", "allegation")),
                    dumps_json(event),
                )
            )
            actors = event.get("actors")
            for n, actor in enumerate(actors if isinstance(actors, list) else []):
                if isinstance(actor, dict):
                    actor_rows.append(
                        (
                            event_id,
                            n,
                            actor.get("role"),
                            actor.get("name"),
                            actor.get("country"),
                            actor.get("sector"),
                        )
                    )
            entries = event.get("where")
            for n, entry in enumerate(entries if isinstance(entries, list) else []):
                if isinstance(entry, dict):
                    distance = entry.get("distance_km")
                    place_rows.append(
                        (
                            event_id,
                            n,
                            entry.get("place"),
                            entry.get("relation"),
                            distance if _is_number(distance) else None,
                            entry.get("from"),
                            _whole(entry.get("geo_precision")),
                        )
                    )
        taken = conn.execute(
            "SELECT id, article_id FROM events "
            "WHERE id IN (SELECT value FROM json_each(?)) AND article_id != ?",
            (dumps_json(sorted(seen)), article_id),
        ).fetchone()
        if taken is not None:
            raise StoreError(
                f"event id {taken['id']} of article {article_id} is already stored for article "
                f"{taken['article_id']}; event ids are ARTICLEID:eN and must be unique",
                input=what,
            )
        conn.executemany(
            "INSERT INTO events (id, article_id, idx, type, mode, acled_event_type, acled_sub_event_type, "
            "trigger_start, trigger_end, trigger_text, start_date, end_date, precision, fatalities, size, "
            "negated, hypothetical, future, allegation, record) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            event_rows,
        )
        conn.executemany(
            "INSERT INTO event_actors (event_id, idx, role, name, country, sector) VALUES (?, ?, ?, ?, ?, ?)",
            actor_rows,
        )
        conn.executemany(
            "INSERT INTO event_places "
            '(event_id, idx, place_id, relation, distance_km, "from", geo_precision) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            place_rows,
        )


_SEARCH = object()
"""Stands in a list query's parameters for its full-text query (see ``SqliteStore._list``)."""

#: The shared filters that :func:`_event_conditions` puts on the event's article (alias ``a``).
_ON_ARTICLE = ("source", "source_kind", "min_origins", "search")

Condition = tuple[str, list[Any]]


def _article_conditions(f: SharedFilters) -> dict[str, Condition]:
    """The shared filters as SQL conditions on the article ``a`` (docs/api.md, "Filters"), by filter name, so
    a list can put some on its own record instead. Each is an indexed ``EXISTS`` on the article's rows; the
    unary ``+`` keeps filter columns off their indexes, so the list still walks articles in ingest order."""
    out: dict[str, Condition] = {}
    day = "substr(a.published, 1, 10)"
    if f.since is not None:
        out["since"] = (f"{day} >= ?", [f.since])
    if f.until is not None:
        out["until"] = (f"{day} <= ?", [f.until])
    if f.type is not None:
        out["type"] = (
            "EXISTS (SELECT 1 FROM events x WHERE x.article_id = a.id AND +x.type = ? COLLATE NOCASE)",
            [f.type],
        )
    if f.country is not None:
        out["country"] = (
            "(EXISTS (SELECT 1 FROM places x WHERE x.article_id = a.id AND +x.country = ?) "
            "OR EXISTS (SELECT 1 FROM events x JOIN event_actors y ON y.event_id = x.id "
            "WHERE x.article_id = a.id AND +y.country = ?))",
            [f.country, f.country],
        )
    if f.admin1 is not None:
        out["admin1"] = (
            "EXISTS (SELECT 1 FROM places x WHERE x.article_id = a.id AND "
            "wirewatch_casefold(coalesce(x.admin1, CASE x.level WHEN 'admin1' THEN x.name END)) = ?)",
            [_casefold(f.admin1)],
        )
    if f.source is not None:
        out["source"] = (
            "EXISTS (SELECT 1 FROM claims x JOIN claim_sources y ON y.claim_id = x.id "
            "WHERE x.article_id = a.id AND y.role IN ('source', 'via') "
            "AND instr(wirewatch_casefold(y.name), ?) > 0)",
            [_casefold(f.source)],
        )
    if f.source_kind is not None:
        out["source_kind"] = (
            "EXISTS (SELECT 1 FROM claims x JOIN claim_sources y ON y.claim_id = x.id "
            "WHERE x.article_id = a.id AND y.role IN ('source', 'via') AND +y.kind = ?)",
            [f.source_kind],
        )
    if f.certainty is not None:
        out["certainty"] = (
            "EXISTS (SELECT 1 FROM claims x WHERE x.article_id = a.id AND +x.evidential = ?)",
            [f.certainty],
        )
    if f.min_origins:  # an article in no story counts 0 origins, so ≥ 0 keeps every article
        out["min_origins"] = (
            "EXISTS (SELECT 1 FROM story_articles x JOIN stories y ON y.id = x.story_id "
            "WHERE x.article_id = a.id AND +y.independent_origins >= ?)",
            [f.min_origins],
        )
    if f.search is not None:
        out["search"] = ("a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)", [_SEARCH])
    return out


def _event_conditions(f: SharedFilters, e: str) -> dict[str, Condition]:
    """The shared filters an event list adds to its own ``type``, ``country``, ``since`` and ``until`` (which
    the caller puts on the event ``e``): ``admin1`` on the event's linked places, ``certainty`` on the claims
    that hold it, the rest (:data:`_ON_ARTICLE`) on its article ``a``."""
    out = {k: v for k, v in _article_conditions(f).items() if k in _ON_ARTICLE}
    if f.admin1 is not None:
        out["admin1"] = (
            f"EXISTS (SELECT 1 FROM event_places ep2 JOIN places p2 ON p2.id = ep2.place_id "
            f"AND p2.article_id = {e}.article_id WHERE ep2.event_id = {e}.id "
            "AND wirewatch_casefold(coalesce(p2.admin1, CASE p2.level WHEN 'admin1' THEN p2.name END)) = ?)",
            [_casefold(f.admin1)],
        )
    if f.certainty is not None:
        out["certainty"] = (  # the article's claims first: no JSON is read when none has that evidential
            f"EXISTS (SELECT 1 FROM claims x WHERE x.article_id = {e}.article_id AND +x.evidential = ?) "
            f"AND EXISTS (SELECT 1 FROM json_each({e}.record, '$.claims') j JOIN claims x ON x.id = j.value "
            f"AND x.article_id = {e}.article_id WHERE +x.evidential = ?)",
            [f.certainty, f.certainty],
        )
    return out


def _add(where: list[str], params: list[Any], conditions: Iterable[Condition]) -> None:
    for sql, values in conditions:
        where.append(sql)
        params.extend(values)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _whole(value: Any) -> int | None:
    """An integer field (fatalities, size, geo_precision): the value when it is a whole number, else None
    (as the migration's ``json_type(...) = 'integer'``)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _flag(value: Any) -> int | None:
    """A boolean field as SQLite stores it: 1, 0, or None when it is not a JSON boolean."""
    return int(value) if isinstance(value, bool) else None


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _span_columns(value: Any) -> tuple[Any, Any, Any]:
    span = _obj(value)
    return span.get("start"), span.get("end"), span.get("text")


def _source_columns(src: dict[str, Any]) -> tuple[Any, ...]:
    return (src.get("name"), src.get("kind"), src.get("country"), *_span_columns(src.get("span")))


def _casefold(value: Any) -> str | None:
    return None if value is None else str(value).casefold()


def _insert(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> None:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values()))


def _input_meta(raw: RawDocument) -> dict[str, Any]:
    """What the input said about itself: enough to rebuild the RawDocument (with the bytes)."""
    return {key: getattr(raw, key) for key in _INPUT_KEYS}


def _input_key(meta: dict[str, Any]) -> str:
    """An input's identity apart from its name: the same bytes and details under another path are the same."""
    return dumps_json({key: meta.get(key) for key in _INPUT_KEYS if key != "name"})


def _guessed_input(name: str, data: bytes | None, url: str | None) -> dict[str, Any]:
    """Input details for a failure reported without its RawDocument; the kind is sniffed from the bytes."""
    head = (data or b"")[:2048].lstrip().lower()
    kind = "html" if head.startswith(b"<") or b"<html" in head else "text"
    # The reader rejected these bytes before they became a RawDocument (corrupt gzip, bad JSONL line...):
    # they are kept, but replaying them through the extractor would only guess, so reprocess skips them.
    return {**dict.fromkeys(_INPUT_KEYS), "name": name, "kind": kind, "url": url, "replayable": False}


def _check_path(path: str) -> None:
    if path == ":memory:":
        return
    p = Path(path)
    if p.is_dir():
        raise StoreError(
            "is a folder, not a database file; give a file path such as DIR/wirewatch.db", input=path
        )
    if not p.parent.is_dir():
        raise StoreError(
            f"folder {str(p.parent)!r} does not exist; create it or give another path", input=path
        )
    if p.exists() and not os.access(p, os.R_OK | os.W_OK):
        raise StoreError("can't read and write this file; check its permissions", input=path)
    if not p.exists() and not os.access(p.parent, os.W_OK | os.X_OK):
        raise StoreError("can't create the database here; the folder is not writable", input=path)


def _check_is_wirewatch(conn: sqlite3.Connection, path: str) -> None:
    """Refuse a SQLite file that holds someone else's tables (it would get ours mixed in)."""
    names = {
        str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    }
    if names and "schema_migrations" not in names:
        raise StoreError(
            "is a SQLite database but not a wirewatch one (no schema_migrations table); give another path",
            input=path,
        )


def _store_error(e: sqlite3.Error, path: str, what: str | None = None) -> StoreError:
    """A one-line StoreError for a sqlite3 error, saying what to do where we know."""
    text = str(e)
    about = f" (storing {what})" if what else ""
    if "file is not a database" in text or "database disk image is malformed" in text:
        message = f"not a SQLite database, or a damaged one ({text}); give another path"
    elif "readonly" in text or "unable to open" in text:
        message = f"can't write the database ({text}); check the path and its permissions"
    elif "locked" in text or "busy" in text:
        message = f"the database is busy ({text}): another wirewatch is writing to it; try again"
    else:
        message = f"database error{about}: {text}"
    return StoreError(message, input=path)


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """``PRAGMA journal_mode = WAL``, retried: on a fresh file that several processes open at once, SQLite
    answers "database is locked" at once (without its busy handler) to all but one of them."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
