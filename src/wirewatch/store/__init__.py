"""The store stage: where analysed articles, their raw inputs and every failure are kept.

``open_store(url)`` returns a :class:`Store`; the stages and the CLI use only that interface, so a
PostgreSQL backend can be added without touching them. SQLite (one file, WAL, FTS5, Datasette-ready) is the
default; see ``docs/store.md`` for the schema.

    >>> with open_store("wirewatch.db") as store:                       # doctest: +SKIP
    ...     run = store.start_run("ingest", producer, settings)
    ...     store.save_analysis(analysis, raw, run)                      # "new" | "updated" | "unchanged"
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from wirewatch.errors import StoreError
from wirewatch.store.base import (
    ARTICLE_FIELDS,
    ARTICLE_STATUSES,
    SaveResult,
    Store,
    failure_article_id,
)
from wirewatch.store.sqlite import SqliteStore

__all__ = [
    "ARTICLE_FIELDS",
    "ARTICLE_STATUSES",
    "SaveResult",
    "SqliteStore",
    "Store",
    "failure_article_id",
    "open_store",
]


def open_store(url: str, *, shared: bool = False) -> Store:
    """Open (creating if needed) the database at ``url``.

    ``url`` is a file path, ``sqlite:///relative/path``, ``sqlite:////absolute/path`` or ``:memory:``
    (SQLite), or ``postgresql://user@host:5432/db`` (also ``postgres://``; PostgreSQL, see
    :mod:`wirewatch.store.postgres`). Problems are a one-line
    :class:`~wirewatch.errors.StoreError` naming the database. ``shared``: usable from several threads one at
    a time (the web server's requests), never concurrently.
    """
    if not url or not url.strip():
        raise StoreError("no database given; pass --db PATH or set $WIREWATCH_DB")
    scheme = urlsplit(url).scheme.lower() if "://" in url else ""
    if scheme in {"postgresql", "postgres"} or scheme.startswith("postgresql+"):
        from wirewatch.store.postgres import PostgresStore  # psycopg is imported only when it is needed

        return PostgresStore(url, shared=shared)
    if scheme == "sqlite":
        path = url.split("://", 1)[1]
        path = path[1:] if path.startswith("/") else path  # sqlite:///x.db → x.db, sqlite:////abs → /abs
        if not path:
            raise StoreError("sqlite:// URL has no path; write sqlite:///wirewatch.db", input=url)
        return SqliteStore(os.path.expanduser(path), shared=shared)
    if scheme:
        raise StoreError(
            f"unknown database kind {scheme!r}; give a SQLite file path or a postgresql:// URL",
            input=_redact(url),
        )
    return SqliteStore(url if url == ":memory:" else os.path.expanduser(url), shared=shared)


def _redact(url: str) -> str:
    """The URL with any password replaced by ``***``, so errors never print credentials."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username or ''}:***@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
