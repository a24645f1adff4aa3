"""Listing and full-text search: fields, order, filters, and user-typed queries that aren't valid FTS5."""

from __future__ import annotations

import pytest

from wirewatch.errors import ExtractionError, UsageError
from wirewatch.store import ARTICLE_FIELDS, SqliteStore
from wirewatch.store.fts import quote_terms

from .conftest import Make


@pytest.fixture
def filled(store: SqliteStore, run_id: int, make: Make) -> SqliteStore:
    store.save_analysis(*make(1, title="Drone strike on Kharkiv"), run_id)
    store.save_analysis(
        *make(2, text="Kyiv's mayor said al-Qaeda had nothing to do with it.", title="Mayor", entities=()),
        run_id,
    )
    store.save_analysis(*make(3, skipped={"nlp": "language uk"}, title="Новини"), run_id)
    store.save_failure("bad.html", ExtractionError("no text"), b"<html/>", run_id)
    return store


def test_fields_and_order(filled: SqliteStore) -> None:
    rows = filled.articles()
    assert [tuple(r) for r in rows] == [ARTICLE_FIELDS] * 4
    assert "text" not in rows[0]
    assert [r["status"] for r in rows] == ["ok", "ok", "skipped", "failed"]
    keys = [(r["ingested_at"], r["id"]) for r in rows]
    assert keys == sorted(keys)


def test_status_and_limit(filled: SqliteStore) -> None:
    assert [r["title"] for r in filled.articles(status="skipped")] == ["Новини"]
    assert len(filled.articles(limit=2)) == 2
    assert filled.articles(limit=0) == []
    with pytest.raises(UsageError, match="status"):
        filled.articles(status="broken")
    with pytest.raises(UsageError, match="limit"):
        filled.articles(limit=-1)


def test_search_text_title_prefix(filled: SqliteStore) -> None:
    assert {r["title"] for r in filled.articles(search="Suspilne desert*")} == {
        "Drone strike on Kharkiv",
        "Новини",
    }
    assert [r["title"] for r in filled.articles(search="kharkiv")] == ["Drone strike on Kharkiv"]
    assert [r["title"] for r in filled.articles(search="Новини")] == ["Новини"]
    assert [r["title"] for r in filled.articles(search="title:mayor")] == ["Mayor"]
    assert [r["title"] for r in filled.articles(search="Suspilne", status="skipped")] == ["Новини"]
    assert filled.articles(search="nowhere-to-be-found") == []


@pytest.mark.parametrize(
    "query", ['"unbalanced', "Kyiv's", "al-Qaeda", "AND", "((", "nosuchcolumn:x", "*", '"', "NEAR("]
)
def test_bad_fts_syntax_does_not_crash(filled: SqliteStore, query: str) -> None:
    filled.articles(search=query)


def test_fallback_still_finds(filled: SqliteStore) -> None:
    assert [r["title"] for r in filled.articles(search="Kyiv's")] == ["Mayor"]
    assert [r["title"] for r in filled.articles(search="al-Qaeda")] == ["Mayor"]


def test_blank_search_is_no_filter(filled: SqliteStore) -> None:
    assert len(filled.articles(search="  ")) == 4


def test_quote_terms() -> None:
    assert quote_terms("Kyiv's \"desert*") == '"Kyiv\'s" "desert"*'
    assert quote_terms('a"b') == '"a""b"'
    assert quote_terms('" *') is None
