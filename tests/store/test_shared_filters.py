"""The shared list filters in the store (issue 8): checking and normalising them, every list taking all of
them, and their meaning at the store level (the API's tests, tests/serve/test_filters.py, cover each list)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from tests.store.conftest import postgres_schema
from tests.store.filter_fixtures import S1, A, B, C, build

from wirewatch.errors import UsageError
from wirewatch.store import SqliteStore, open_store
from wirewatch.store.base import SharedFilters, Store, check_shared_filters

SHARED = ("since", "until", "type", "country", "admin1", "source", "source_kind", "certainty", "min_origins")
LISTS = ("articles", "claims", "events", "places", "stories", "event_points")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    if request.param == "sqlite":
        s = open_store(build(str(tmp_path_factory.mktemp("shared") / "filters.db")))
        yield s
        s.close()
        return
    with postgres_schema() as url:
        s = open_store(build(url))
        yield s
        s.close()


def test_check_shared_filters_normalises() -> None:
    assert check_shared_filters(
        since=" 2025-03-01 ", type="assault", country="ua", certainty=" Alleged", admin1="  ", source=" x ",
        search="", min_origins=0,
    ) == SharedFilters(since="2025-03-01", type="ASSAULT", country="UA", certainty="alleged", source="x",
                       min_origins=0)  # fmt: skip
    assert check_shared_filters() == SharedFilters()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"since": "2025-02-30"}, "YYYY-MM-DD"),
        ({"until": "2025/03/01"}, "YYYY-MM-DD"),
        ({"since": "2025-03-02", "until": "2025-03-01"}, "is after until"),
        ({"type": "FIGHT"}, "PLOVER"),
        ({"country": "UKR"}, "ISO 3166"),
        ({"source_kind": "Outlet"}, "source kind"),
        ({"certainty": "likely"}, "certainty"),
        ({"min_origins": -1}, "min-origins"),
        ({"min_origins": True}, "min-origins"),
        ({"limit": -1}, "limit"),
    ],
)
def test_check_shared_filters_refuses(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(UsageError, match=words):
        check_shared_filters(**kwargs)


@pytest.mark.parametrize("name", LISTS)
def test_every_list_takes_every_shared_filter(name: str) -> None:
    """So the API can pass one set of keyword arguments to any list (``ListFilters.kwargs``)."""
    for cls in (Store, SqliteStore):
        params = inspect.signature(getattr(cls, name)).parameters
        assert set(SHARED) | {"search", "limit"} <= set(params), (cls.__name__, name)
        assert all(
            params[k].kind is inspect.Parameter.KEYWORD_ONLY and params[k].default is None for k in SHARED
        )


@pytest.mark.parametrize("name", ["articles", "claims", "events", "places", "stories", "event_points"])
def test_a_bad_filter_is_a_usage_error_in_every_list(store: SqliteStore, name: str) -> None:
    with pytest.raises(UsageError):
        getattr(store, name)(certainty="sure")
    with pytest.raises(UsageError):
        getattr(store, name)(type="PICNIC")


def test_all_filters_at_once_keep_the_record_that_passes_each(store: SqliteStore) -> None:
    every: dict[str, Any] = {
        "type": "ASSAULT", "country": "UA", "admin1": "Kharkiv Oblast", "source": "governor",
        "source_kind": "official", "certainty": "reported", "min_origins": 3, "search": "depot",
    }  # fmt: skip
    day = {"since": "2025-03-09", "until": "2025-03-10"}
    assert [a["id"] for a in store.articles(**every, **day)] == [A]
    assert [c["id"] for c in store.claims(**every, **day)] == [f"{A}:c1"]
    assert [e["id"] for e in store.events(**every, **day)] == [f"{A}:e1"]
    assert [p["id"] for p in store.places(**every, **day)] == [f"{A}:p1"]
    assert [s["id"] for s in store.stories(**every, **day)] == [S1]
    assert [p["event"] for p in store.event_points(**every, **day)] == [f"{A}:e1"]
    assert store.articles(**{**every, "min_origins": 4}) == []


def test_stories_need_one_article_that_passes_every_filter(store: SqliteStore) -> None:
    # S1 holds A only: an article with an ASSAULT (A) and one in Spain (B) are not the same article
    assert [s["id"] for s in store.stories(type="ASSAULT")] == [S1]
    assert store.stories(type="ASSAULT", country="ES") == []


def test_a_search_fts5_cannot_read_is_quoted_or_empty(store: SqliteStore) -> None:
    assert [e["id"] for e in store.events(search='fuel "depot')] == [f"{A}:e1", f"{A}:e2"]
    assert store.claims(search='"') == []  # no word left
    assert [a["id"] for a in store.articles(search="talk*")] == [C]  # FTS5 syntax works


def test_the_map_points_admin1_is_the_points_place(store_url: str) -> None:
    """An event placed in two divisions: the map keeps only its point in the one asked for, while the
    events list keeps the event."""
    from dataclasses import replace

    from tests.store.filter_fixtures import _place, analyses

    from wirewatch.records import RawDocument

    a = analyses()[0]
    second = _place(A, 2, "Izium", "UA", "Kharkiv Oblast", 49.2, 37.3)
    first = {**a.places[0], "admin1": "Donetsk Oblast"}
    event = {**a.events[0], "where": [*a.events[0]["where"], {**a.events[0]["where"][0], "place": f"{A}:p2"}]}
    a = replace(a, places=(first, second), events=(event,))
    with open_store(store_url) as s:
        s.save_analysis(a, RawDocument(name="a", data=b"a", kind="text"), s.start_run("t", {}, {}))
        assert [p["place"] for p in s.event_points(admin1="kharkiv oblast")] == [f"{A}:p2"]
        assert [e["id"] for e in s.events(admin1="kharkiv oblast")] == [f"{A}:e1"]
        assert [p["place"] for p in s.event_points()] == [f"{A}:p1", f"{A}:p2"]


def test_the_articles_of_no_story_count_zero_origins(store: SqliteStore) -> None:
    assert [a["id"] for a in store.articles(min_origins=0)] == [A, B, C]
    assert [a["id"] for a in store.articles(min_origins=1)] == [A, B]
