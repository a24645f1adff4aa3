"""Shared fixtures for the store tests: hand-made analyses, no spaCy."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from wirewatch.records import Analysis, Article, Entity, RawDocument
from wirewatch.store import SqliteStore, open_store

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


@pytest.fixture
def store(db_path: Path) -> Iterator[SqliteStore]:
    s = open_store(str(db_path))
    assert isinstance(s, SqliteStore)
    yield s
    s.close()


@pytest.fixture
def run_id(store: SqliteStore) -> int:
    return store.start_run("ingest", PRODUCER, {"languages": "en"})


Make = Callable[..., tuple[Analysis, RawDocument]]


@pytest.fixture
def make() -> Make:
    return make_analysis
