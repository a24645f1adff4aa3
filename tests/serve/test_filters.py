"""The filters every list of the JSON API shares (issue 8), over the small hand-made database of
``tests/store/filter_fixtures.py``: each filter keeps what it should and drops what it should in every list
(at the level docs/api.md gives), filters combine, the old parameter names still work, and a bad value is the
400 envelope."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.store.filter_fixtures import S1, S2, A, B, C, build

from wirewatch.serve.api import create_app
from wirewatch.settings import Settings

LISTS = ("/api/articles", "/api/claims", "/api/events", "/api/places", "/api/stories")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    path = build(str(tmp_path_factory.mktemp("filters") / "filters.db"))
    return TestClient(create_app(Settings(db=path)))


def ids(client: TestClient, route: str, **params: Any) -> list[str]:
    answer = client.get(route, params={"limit": 500, **params})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ok"] is True and body["next"] is None
    return [item["id"] for item in body["items"]]


def every(client: TestClient, **params: Any) -> dict[str, list[str]]:
    """The ids each list keeps with ``params``, by list name."""
    return {route.rsplit("/", 1)[1]: ids(client, route, **params) for route in LISTS}


def test_unfiltered_lists_hold_everything(client: TestClient) -> None:
    assert every(client) == {
        "articles": [A, B, C],
        "claims": [f"{A}:c1", f"{A}:c2", f"{B}:c1", f"{C}:c1"],
        "events": [f"{A}:e1", f"{A}:e2", f"{B}:e1", f"{C}:e1"],
        "places": [f"{A}:p1", f"{B}:p1", f"{C}:p1"],
        "stories": [S2, S1],
    }


def test_since_and_until_are_the_publication_day_except_for_events(client: TestClient) -> None:
    # A is published on 2025-03-10, B on 2025-04-02, C never: an undated article is left out
    assert every(client, since="2025-03-11") == {
        "articles": [B],
        "claims": [f"{B}:c1"],
        "events": [f"{B}:e1"],  # the event's own date: 2025-04-01
        "places": [f"{B}:p1"],
        "stories": [S2],  # the story's dates
    }
    assert ids(client, "/api/articles", since="2025-03-10", until="2025-03-10") == [A]
    # events: A:e1 happened on 2025-03-09, the day before its article was published
    assert ids(client, "/api/events", until="2025-03-09") == [f"{A}:e1"]
    assert ids(client, "/api/articles", until="2025-03-09") == []
    assert ids(client, "/api/events", since="2025-03-10", until="2025-04-01") == [f"{A}:e2", f"{B}:e1"]


def test_type_keeps_articles_with_such_an_event_and_claims_that_hold_one(client: TestClient) -> None:
    assert every(client, type="assault") == {
        "articles": [A],
        "claims": [f"{A}:c1"],  # A:c2 holds the ACCUSE event, not the ASSAULT
        "events": [f"{A}:e1"],
        "places": [f"{A}:p1"],
        "stories": [S1],
    }
    assert ids(client, "/api/claims", type="ACCUSE") == [f"{A}:c2"]
    assert every(client, type="CONSULT")["places"] == [f"{C}:p1"]
    assert set(map(len, every(client, type="SANCTION").values())) == {0}


def test_country_is_a_place_or_an_actor(client: TestClient) -> None:
    assert every(client, country="es") == {
        "articles": [B],
        "claims": [f"{B}:c1"],
        "events": [f"{B}:e1"],
        "places": [f"{B}:p1"],
        "stories": [S2],
    }
    # RU: no place, but A:e1's actor
    assert ids(client, "/api/articles", country="RU") == [A]
    assert ids(client, "/api/events", country="RU") == [f"{A}:e1"]
    assert ids(client, "/api/places", country="RU") == []  # a place's own country
    assert ids(client, "/api/places", country="UA") == [f"{A}:p1", f"{C}:p1"]
    assert ids(client, "/api/claims", country="UA") == [f"{A}:c1", f"{A}:c2", f"{C}:c1"]


def test_admin1_ignores_case_and_places_events(client: TestClient) -> None:
    assert every(client, admin1="kharkiv OBLAST") == {
        "articles": [A],
        "claims": [f"{A}:c1", f"{A}:c2"],
        "events": [f"{A}:e1"],  # A:e2 has no place
        "places": [f"{A}:p1"],
        "stories": [S1],
    }
    assert ids(client, "/api/places", admin1="Lviv Oblast") == [f"{C}:p1"]
    assert ids(client, "/api/events", admin1="Kharkiv") == []  # the whole name, not a part of it


def test_source_is_a_holder_or_a_relay_name(client: TestClient) -> None:
    assert every(client, source="ukrin") == {
        "articles": [A],
        "claims": [f"{A}:c1"],  # the relay of c1; c2 is the ministry's
        "events": [f"{A}:e1", f"{A}:e2"],  # on the article
        "places": [f"{A}:p1"],
        "stories": [S1],
    }
    assert ids(client, "/api/claims", source="DEFENCE") == [f"{A}:c2"]


def test_source_kind_is_a_holder_or_a_relay_kind(client: TestClient) -> None:
    assert every(client, source_kind="anonymous") == {
        "articles": [C],
        "claims": [f"{C}:c1"],
        "events": [f"{C}:e1"],
        "places": [f"{C}:p1"],
        "stories": [],  # C is in no story
    }
    assert ids(client, "/api/claims", source_kind="outlet") == [f"{A}:c1"]  # a relay counts
    assert ids(client, "/api/claims", source_kind="military") == [f"{A}:c2"]
    assert ids(client, "/api/articles", source_kind="government") == []


def test_certainty_is_the_claims_evidential_and_events_go_by_their_holders(client: TestClient) -> None:
    assert every(client, certainty="alleged") == {
        "articles": [A],
        "claims": [f"{A}:c2"],
        "events": [f"{A}:e2"],  # held by the alleged claim; A:e1 by the reported one
        "places": [f"{A}:p1"],
        "stories": [S1],
    }
    assert ids(client, "/api/events", certainty="Reported") == [f"{A}:e1"]
    assert every(client, certainty="speculated")["articles"] == [C]
    assert ids(client, "/api/places", certainty="asserted") == [f"{B}:p1"]


def test_min_origins_is_the_articles_story(client: TestClient) -> None:
    assert every(client, min_origins=2) == {
        "articles": [A],
        "claims": [f"{A}:c1", f"{A}:c2"],
        "events": [f"{A}:e1", f"{A}:e2"],
        "places": [f"{A}:p1"],
        "stories": [S1],
    }
    assert ids(client, "/api/articles", min_origins=1) == [A, B]
    assert ids(client, "/api/articles", min_origins=0) == [A, B, C]  # in no story: 0 origins
    assert every(client, min_origins=4)["articles"] == []


def test_q_searches_the_articles_title_and_text(client: TestClient) -> None:
    assert every(client, q="quartermaster") == {
        "articles": [A],
        "claims": [f"{A}:c1", f"{A}:c2"],
        "events": [f"{A}:e1", f"{A}:e2"],
        "places": [f"{A}:p1"],
        "stories": [S1],
    }
    assert ids(client, "/api/events", q="march") == [f"{B}:e1"]  # the title
    assert ids(client, "/api/places", q='"closed doors') == [f"{C}:p1"]  # FTS5 refuses it; words quoted
    assert ids(client, "/api/claims", q="   ") == ids(client, "/api/claims")  # blank: no filter


def test_filters_combine(client: TestClient) -> None:
    assert ids(client, "/api/events", type="ASSAULT", country="UA", since="2025-03-01") == [f"{A}:e1"]
    assert ids(client, "/api/events", type="ASSAULT", certainty="alleged") == []
    assert ids(client, "/api/articles", type="PROTEST", country="UA") == []
    assert ids(client, "/api/claims", country="UA", certainty="speculated") == [f"{C}:c1"]
    assert (
        ids(client, "/api/places", admin1="Madrid", country="ES") == []
    )  # its admin1 is Comunidad de Madrid


def test_the_old_parameter_names_still_work(client: TestClient) -> None:
    assert ids(client, "/api/claims", evidential="alleged") == [f"{A}:c2"]
    assert ids(client, "/api/claims", kind="intelligence") == []
    assert ids(client, "/api/claims", kind="official") == [f"{A}:c1"]
    assert ids(client, "/api/claims", evidential="alleged", certainty="reported") == []  # both hold
    assert ids(client, "/api/places", country="ES", level="populated") == [f"{B}:p1"]
    assert ids(client, "/api/events", article=A, type="ACCUSE") == [f"{A}:e2"]
    assert ids(client, "/api/stories", contested="false", since="2025-04-01") == [S2]


def test_a_filtered_list_pages(client: TestClient) -> None:
    first = client.get("/api/claims", params={"country": "UA", "limit": 2}).json()
    assert [c["id"] for c in first["items"]] == [f"{A}:c1", f"{A}:c2"] and first["next"]
    rest = client.get("/api/claims", params={"country": "UA", "limit": 2, "cursor": first["next"]}).json()
    assert [c["id"] for c in rest["items"]] == [f"{C}:c1"] and rest["next"] is None


def test_the_map_takes_the_filters_on_its_points(client: TestClient) -> None:
    def events(**params: Any) -> list[str]:
        answer = client.get("/api/map", params=params)
        assert answer.status_code == 200, answer.text
        return [f["properties"]["event"] for f in answer.json()["features"]]

    assert events() == [f"{B}:e1", f"{A}:e1"]  # the newest first; C's place has no coordinates
    assert events(certainty="reported") == [f"{A}:e1"]
    assert events(admin1="comunidad de madrid") == [f"{B}:e1"]
    assert events(source="governor") == [f"{A}:e1"]
    assert events(source_kind="anonymous") == []
    assert events(min_origins=2) == [f"{A}:e1"]
    assert events(q="banners") == [f"{B}:e1"]
    assert events(type="PROTEST", country="ES", since="2025-04-01", until="2025-04-01") == [f"{B}:e1"]


def test_the_export_takes_the_filters(client: TestClient) -> None:
    import pandas as pd

    jsonl = client.get("/api/export", params={"format": "jsonl", "source_kind": "anonymous"}).text
    assert [json.loads(line)["article"]["id"] for line in jsonl.splitlines()] == [C]
    csv = client.get("/api/export", params={"format": "csv", "certainty": "alleged"}).text
    assert list(pd.read_csv(io.StringIO(csv))["article_id"]) == [A]
    geo = client.get("/api/export", params={"format": "geojson", "admin1": "Kharkiv Oblast"}).json()
    assert {f["properties"].get("article") or f["properties"].get("article_id") for f in geo["features"]} == {
        A
    }


@pytest.mark.parametrize("route", [*LISTS, "/api/map", "/api/export"])
@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"since": "2025-13-01"}, "YYYY-MM-DD"),
        ({"until": "yesterday"}, "YYYY-MM-DD"),
        ({"since": "2025-04-02", "until": "2025-04-01"}, "after"),
        ({"type": "PICNIC"}, "PLOVER"),
        ({"country": "Ukraine"}, "ISO 3166"),
        ({"certainty": "sure"}, "certainty"),
        ({"source_kind": "blogger"}, "source kind"),
    ],
)
def test_a_bad_value_is_the_400_envelope(
    client: TestClient, route: str, params: dict[str, str], words: str
) -> None:
    answer = client.get(route, params=params)
    assert answer.status_code == 400
    body = answer.json()
    assert set(body) == {"ok", "error", "status"} and body["ok"] is False and body["status"] == 400
    assert words in body["error"]


@pytest.mark.parametrize("route", LISTS)
def test_a_negative_min_origins_is_refused(client: TestClient, route: str) -> None:
    answer = client.get(route, params={"min_origins": -1})
    assert (
        answer.status_code == 422 and answer.json()["ok"] is False and "min_origins" in answer.json()["error"]
    )


def test_the_openapi_documents_the_shared_filters_once_per_list(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    shared = {
        "since",
        "until",
        "type",
        "country",
        "admin1",
        "source",
        "source_kind",
        "certainty",
        "min_origins",
        "q",
    }
    for route in [*LISTS, "/api/map", "/api/export"]:
        names = [p["name"] for p in spec["paths"][route]["get"]["parameters"]]
        assert shared <= set(names) and len(names) == len(set(names)), route
