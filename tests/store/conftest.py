"""Shared fixtures for the store tests: hand-made analyses, no spaCy."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from wirewatch.records import Analysis, Article, Entity, RawDocument
from wirewatch.store import Store, open_store

PRODUCER = {"wirewatch": "0.1.0-test", "spacy_model": "none"}

TEXT = (
    "Ukrainian intelligence officials, cited by Suspilne, said Russian soldiers deserted near Donetsk.\n\n"
    "The Kremlin denied the report."
)


def make_analysis(
    n: int = 0,
    *,
    text: str | None = None,
    title: str | None = None,
    url: str | None = "auto",
    skipped: dict[str, str] | None = None,
    data: bytes | None = None,
    entities: tuple[Entity, ...] | None = None,
) -> tuple[Analysis, RawDocument]:
    """Article number ``n`` with its raw input; every argument can be overridden."""
    body = TEXT + f" Item {n}." if text is None else text
    link = f"https://news.example/{n}" if url == "auto" else url
    raw = RawDocument(
        name=f"page{n}.html",
        data=data if data is not None else f"<html><p>{body}</p></html>".encode(),
        kind="html",
        url=link,
        outlet="Example News",
        content_type="text/html; charset=utf-8",
    )
    basis = link or body
    article = Article(
        id=hashlib.sha256(basis.encode()).hexdigest()[:16],
        text=body,
        title=f"Report {n}" if title is None else title,
        url=link,
        outlet="Example News",
        published="2024-06-01",
        language="en",
        authors=("A. Writer",),
        source_name=raw.name,
        raw_sha256=raw.sha256,
        encoding="utf-8",
        extractor="test",
    )
    if entities is None:
        start = body.index("Suspilne")
        entities = (
            Entity("ORG", start, start + 8, "Suspilne", kind="outlet", country="UA", name="Suspilne"),
            Entity("GPE", body.index("Donetsk"), body.index("Donetsk") + 7, "Donetsk"),
        )
    analysis = Analysis(
        article=article,
        entities=entities,
        claims=({"id": f"{article.id}:c1", "kind": "statement", "content": {"start": 0, "end": 5}},),
        producer=PRODUCER,
        skipped=skipped or {},
    )
    return analysis, raw


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "wirewatch.db"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only: reads SQLite's own tables, pragmas or files (the store fixture skips PostgreSQL)",
    )


def postgres_url() -> str:
    """``$WIREWATCH_TEST_POSTGRES_URL``; skips the test when it is unset, but fails it in CI (``CI=true``)."""
    url = os.environ.get("WIREWATCH_TEST_POSTGRES_URL", "").strip()
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("WIREWATCH_TEST_POSTGRES_URL is unset in CI: the PostgreSQL store tests can't run")
        pytest.skip(
            "PostgreSQL tests need WIREWATCH_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1/test)"
        )
    return url


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh schema ``wirewatch_test_<random>`` in the test server: the URL whose search_path is that
    schema, dropped with everything in it afterwards."""
    import psycopg

    base = postgres_url()
    schema = f"wirewatch_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    parts = urlsplit(base)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    try:
        yield urlunsplit(parts._replace(query=urlencode(query)))
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, db_path: Path) -> Iterator[str]:
    """A new, empty database of each backend: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(db_path)
        return
    if request.node.get_closest_marker("sqlite_only") is not None:
        pytest.skip("reads SQLite's own tables, pragmas or files")
    with postgres_schema() as url:
        yield url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url)
    yield s
    s.close()


def index_names(store: Store, table: str) -> set[str]:
    """The names of a table's indexes, in either backend."""
    from wirewatch.store.postgres import PostgresStore

    conn = store.connection  # type: ignore[attr-defined]
    if isinstance(store, PostgresStore):
        sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ?"
        return {r[0] for r in conn.execute(sql, (table,))}
    return {r[1] for r in conn.execute(f"PRAGMA index_list({table})")}


@pytest.fixture
def run_id(store: Store) -> int:
    return store.start_run("ingest", PRODUCER, {"languages": "en"})


Make = Callable[..., tuple[Analysis, RawDocument]]


@pytest.fixture
def make() -> Make:
    return make_analysis


def source(name: str, kind: str, country: str | None = None, at: int | None = None) -> dict[str, Any]:
    """A ``Source`` dict; ``at`` gives it a span (of made-up text, the store does not check spans)."""
    span = None if at is None else {"start": at, "end": at + len(name), "text": name}
    return {"name": name, "kind": kind, "country": country, "span": span}


def claim(
    article_id: str,
    n: int,
    content: str,
    *,
    kind: str = "statement",
    sources: list[dict[str, Any]] | None = None,
    via: list[dict[str, Any]] | None = None,
    asked_by: dict[str, Any] | None = None,
    cue: str | None = "said",
    evidential: str = "reported",
    strength: str = "unknown",
    polarity: str = "positive",
    term: str | None = None,
    probability: list[float] | None = None,
    quote: str = "indirect",
    denies: str | None = None,
) -> dict[str, Any]:
    """A ``Claim`` dict of the interchange format, id ``ARTICLEID:c<n>``."""
    span = {"start": 10 * n, "end": 10 * n + len(content), "text": content}
    return {
        "id": f"{article_id}:c{n}",
        "content": span,
        "content_parts": [span],
        "cue": None if cue is None else {"start": 10 * n - 5, "end": 10 * n - 5 + len(cue), "text": cue},
        "sources": sources or [],
        "via": via or [],
        "asked_by": asked_by,
        "quote": quote,
        "certainty": {
            "evidential": evidential,
            "strength": strength,
            "polarity": polarity,
            "term": term,
            "probability": probability,
        },
        "kind": kind,
        "denies": denies,
    }


def with_claims(analysis: Analysis, *claims: dict[str, Any]) -> Analysis:
    return replace(analysis, claims=tuple(claims))


def claimed_pair(make: Make) -> tuple[tuple[Analysis, RawDocument], tuple[Analysis, RawDocument]]:
    """Two articles with claims: A (a relayed intelligence claim and a Kremlin denial of it) and B (an
    alleged claim by the Élysée whose source name starts like a formula, a no-comment, an assertion)."""
    a, raw_a = make(1)
    b, raw_b = make(2)
    aid, bid = a.article.id, b.article.id
    a = with_claims(
        a,
        claim(
            aid,
            1,
            "Russian soldiers deserted near Donetsk",
            sources=[source("Ukrainian intelligence officials", "intelligence", "UA", 0)],
            via=[source("Suspilne", "outlet", "UA", 43), source("Kyiv Independent", "outlet", "UA")],
            strength="probable",
            term="highly likely",
            probability=[0.8, 0.9],
        ),
        claim(
            aid,
            2,
            "the report",
            kind="denial",
            sources=[source("Kremlin", "government", "RU", 104)],
            cue="denied",
            strength="certain",
            polarity="negative",
            denies=f"{aid}:c1",
        ),
    )
    b = with_claims(
        b,
        claim(
            bid,
            1,
            "-1 drones were shot down",
            sources=[source("=2+5 ÉLYSÉE Palace", "government", "FR")],
            evidential="alleged",
            quote="direct",
        ),
        claim(
            bid,
            2,
            "The Ministry of Defence did not respond.",
            kind="no_comment",
            sources=[source("Ministry of Defence", "government", "GB")],
            asked_by=source("Reuters", "outlet", None),
            cue=None,
            evidential="asserted",
            quote="none",
        ),
        claim(bid, 3, "Shelling continued overnight.", cue=None, evidential="asserted", quote="none"),
    )
    return (a, raw_a), (b, raw_b)
