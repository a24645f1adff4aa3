"""The JSON API through FastAPI's test client over a database filled with hand-made analyses (no model except
the ingest test): every endpoint, its filters, pagination, the envelope and the roles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from tests.link.fixtures import fillers, wire_story
from tests.test_cli_events import events_db  # noqa: F401  (the fixture)

from wirewatch.cli import main
from wirewatch.records import Analysis, RawDocument
from wirewatch.serve.api import create_app
from wirewatch.settings import Settings


@pytest.fixture
def db(tmp_path: Path) -> str:
    from wirewatch.link.run import link_store
    from wirewatch.store import open_store

    path = str(tmp_path / "api.db")
    with open_store(path) as store:
        run_id = store.start_run("ingest", {"wirewatch": "test"}, {})
        for a in wire_story() + fillers():
            raw = RawDocument(name=a["article"]["id"], data=a["article"]["text"].encode(), kind="text")
            store.save_analysis(Analysis.from_dict(a), raw, run_id)
        link_store(store, threshold=0.14)
    return path


def client(db: str, **kw: Any) -> TestClient:
    return TestClient(create_app(Settings(db=db), **kw))


def test_lists_pages_and_records(db: str) -> None:
    c = client(db)
    first = c.get("/api/articles", params={"limit": 5}).json()
    assert first["ok"] is True and len(first["items"]) == 5 and first["next"]
    second = c.get("/api/articles", params={"limit": 5, "cursor": first["next"]}).json()
    assert {a["id"] for a in first["items"]}.isdisjoint(a["id"] for a in second["items"])
    rest = c.get("/api/articles", params={"limit": 500}).json()
    assert len(rest["items"]) == 14 and rest["next"] is None
    found = c.get("/api/articles", params={"q": "Poltava"}).json()["items"]
    assert [a["id"] for a in found] == ["aaaa000000000006"]
    one = c.get("/api/articles/aaaa000000000001").json()
    assert one["ok"] and one["item"]["article"]["outlet"] == "outlet-a.example"


def test_claims_events_places_stories_sources(db: str) -> None:
    c = client(db)
    denials = c.get("/api/claims", params={"kind": "denial"}).json()["items"]
    assert [d["id"] for d in denials] == ["aaaa000000000005:c1"]
    kiper = c.get("/api/claims", params={"source": "Kiper"}).json()["items"]
    assert [k["id"] for k in kiper] == ["aaaa000000000004:c0"]
    assert c.get("/api/events").json()["items"] == []  # the fixtures hold no events
    assert c.get("/api/places", params={"country": "UA"}).json()["ok"] is True
    stories = c.get("/api/stories", params={"min_origins": 2}).json()["items"]
    assert len(stories) == 1 and "aaaa000000000001" in stories[0]["articles"]
    story = c.get(f"/api/stories/{stories[0]['id']}").json()["item"]
    assert story["claim_clusters"][0]["origins"][0] == "reuters: anonymous sources"
    sources = {s["name"]: s for s in c.get("/api/sources").json()["items"]}
    assert sources["Moscow"]["claims"] == 1 and sources["Moscow"]["kind"] == "government"
    assert [s["name"] for s in c.get("/api/sources", params={"kind": "anonymous"}).json()["items"]] == [
        "two sources familiar with the damage",
        "two sources",
    ]


def test_errors_share_one_envelope(db: str) -> None:
    c = client(db)
    missing = c.get("/api/articles/ffffffffffffffff")
    assert missing.status_code == 404 and missing.json() == {
        "ok": False,
        "error": "no article ffffffffffffffff",
        "status": 404,
    }
    assert c.get("/api/stories/s000000").json()["status"] == 404
    assert c.get("/api/events/aaaa000000000001:e9").json()["status"] == 404
    bad = c.get("/api/articles", params={"limit": 0})
    assert bad.status_code == 422 and bad.json()["ok"] is False and "limit" in bad.json()["error"]
    cursor = c.get("/api/articles", params={"cursor": "not-a-cursor"})
    assert cursor.status_code == 400 and "cursor" in cursor.json()["error"]
    bad_type = c.get("/api/events", params={"type": "PICNIC"})
    assert bad_type.status_code == 400 and "PLOVER" in bad_type.json()["error"]


def test_roles_and_tokens(db: str) -> None:
    from wirewatch.store import open_store

    with open_store(db) as store:
        _, viewer = store.create_token("desk", "viewer")
    c = client(db)
    assert c.get("/api/articles").status_code == 401  # a token exists: every request needs one
    bad = c.get("/api/articles", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json()["error"] == "unknown or revoked token"
    as_viewer = {"Authorization": f"Bearer {viewer}"}
    assert c.get("/api/articles", headers=as_viewer).json()["ok"] is True
    denied = c.post("/api/ingest", headers=as_viewer, json={"text": "A report."})
    assert denied.status_code == 403 and "analyst" in denied.json()["error"]


def test_off_loopback_without_tokens(db: str) -> None:
    closed = client(db, loopback=False)
    assert closed.get("/api/articles").status_code == 401
    public = client(db, loopback=False, public_read_only=True)
    assert public.get("/api/articles").json()["ok"] is True
    assert public.post("/api/ingest", json={"text": "A report."}).status_code == 403


@pytest.mark.model
def test_an_analyst_ingests_a_text(db: str) -> None:
    c = client(db)  # loopback, no token: the local user is an analyst
    text = "Russian forces shelled Kharkiv on Tuesday, regional officials said."
    done = c.post("/api/ingest", json={"text": text, "published": "2026-03-03", "outlet": "desk.example"})
    assert done.status_code == 200 and done.json()["item"]["result"] == "new"
    aid = done.json()["item"]["id"]
    events = c.get("/api/events", params={"article": aid}).json()["items"]
    assert events and events[0]["type"] == "ASSAULT"
    huge = c.post("/api/ingest", json={"text": "x" * 1_000_001})
    assert huge.status_code == 413


def test_token_commands_and_serve_refusal(db: str) -> None:
    runner = CliRunner()
    created = runner.invoke(main, ["token", "create", "--role", "analyst", "--name", "ops", "--db", db])
    assert created.exit_code == 0 and created.stdout.strip().startswith("ww_")
    listed = json.loads(runner.invoke(main, ["token", "list", "--json", "--db", db]).stdout)
    assert [(t["name"], t["role"], t["revoked_at"]) for t in listed] == [("ops", "analyst", None)]
    assert "token" not in listed[0] and "token_sha256" not in listed[0]  # never the secret
    assert runner.invoke(main, ["token", "revoke", str(listed[0]["id"]), "--db", db]).exit_code == 0
    assert runner.invoke(main, ["token", "revoke", str(listed[0]["id"]), "--db", db]).exit_code == 1
    refused = runner.invoke(main, ["serve", "--host", "0.0.0.0", "--db", db])
    assert refused.exit_code == 2 and "refusing to serve" in refused.output


def test_exports_honour_the_filters(events_db: str) -> None:  # noqa: F811
    import io

    import pandas as pd
    from tests.test_cli_events import A_ID

    c = client(events_db)
    every = pd.read_csv(io.StringIO(c.get("/api/export").text))
    ukraine = c.get("/api/export", params={"format": "csv", "country": "UA"})
    assert ukraine.headers["content-type"].startswith("text/csv")
    assert "attachment" in ukraine.headers["content-disposition"]
    rows = pd.read_csv(io.StringIO(ukraine.text))
    assert 0 < len(rows) < len(every) and set(rows["article_id"]) == {A_ID}
    geo = c.get("/api/export", params={"format": "geojson", "country": "UA"}).json()
    assert geo["type"] == "FeatureCollection" and all(
        f["geometry"]["type"] == "Point" for f in geo["features"]
    )
    lines = c.get("/api/export", params={"format": "jsonl", "article": A_ID}).text.splitlines()
    assert [json.loads(line)["article"]["id"] for line in lines] == [A_ID]
    assert c.get("/api/export", params={"format": "xls"}).status_code == 422


def test_a_shared_store_can_be_used_from_another_thread(db: str) -> None:
    """FastAPI opens the store in one worker thread and may close it in another (seen under keep-alive)."""
    import threading

    from wirewatch.errors import StoreError
    from wirewatch.store import open_store

    errors: list[BaseException] = []

    def use(store: Any) -> None:
        try:
            store.articles(limit=1)
        except BaseException as e:
            errors.append(e)

    for shared, expected in (
        (True, []),
        (False, [StoreError]),
    ):  # "created in a thread ... only in that thread"
        store = open_store(db, shared=shared)
        worker = threading.Thread(target=use, args=(store,))
        worker.start()
        worker.join()
        store.close()
        assert [type(e) for e in errors] == expected
        errors.clear()


def test_the_map_points_are_lean_geojson_with_the_events_filters(events_db: str) -> None:  # noqa: F811
    from tests.test_cli_events import A_ID

    from wirewatch.store import open_store

    with open_store(events_db) as store:
        every = store.events()
    c = client(events_db)
    points = c.get("/api/map").json()
    assert points["type"] == "FeatureCollection" and points["features"]
    first = points["features"][0]
    lon, lat = first["geometry"]["coordinates"]
    place = next(p for e in every for p in e["places"] if e["id"] == first["properties"]["event"])
    assert (lon, lat) == (place["lon"], place["lat"])  # longitude first
    assert set(first["properties"]) == {
        "event",
        "type",
        "date",
        "article",
        "name",
        "geo_precision",
        "origins",
    }
    assert first["properties"]["origins"] == 0  # not linked into a story yet
    mapped = {f["properties"]["event"] for f in points["features"]}
    with_coordinates = {e["id"] for e in every if any(p.get("lat") is not None for p in e["places"])}
    assert mapped == with_coordinates
    ukraine = c.get("/api/map", params={"country": "UA"}).json()["features"]
    assert ukraine and {f["properties"]["article"] for f in ukraine} == {A_ID}
    dated = [e for e in every if (e.get("when") or {}).get("start")]
    day = dated[0]["when"]["start"][:10]
    one_day = c.get("/api/map", params={"since": day, "until": day}).json()["features"]
    assert {f["properties"]["date"] for f in one_day} == {day}
    assert c.get("/api/map", params={"type": "PICNIC"}).status_code == 400


def test_country_outlines_for_the_offline_map(db: str, tmp_path: Path) -> None:
    from tests.geo.conftest import FIXTURE_GEONAMES

    from wirewatch.geo.build import build

    gaz = tmp_path / "gazetteer.sqlite"
    build(gaz, geonames_dir=FIXTURE_GEONAMES, packaged=False, countries=None, shape_countries=["UA", "RU"])
    c = TestClient(create_app(Settings(db=db, gazetteer=str(gaz))))
    answer = c.get("/api/outlines")
    assert answer.headers["content-type"].startswith("application/geo+json")
    assert "max-age" in answer.headers["cache-control"]
    outlines = answer.json()
    by_code = {f["properties"]["country"]: f for f in outlines["features"]}
    assert set(by_code) == {"UA", "RU"} and by_code["UA"]["properties"]["name"] == "Ukraine"
    ukraine = by_code["UA"]["geometry"]
    assert ukraine["type"] in {"Polygon", "MultiPolygon"}
    rings = (
        ukraine["coordinates"]
        if ukraine["type"] == "Polygon"
        else [r for p in ukraine["coordinates"] for r in p]
    )
    lons = [x for ring in rings for x, _ in ring]
    lats = [y for ring in rings for _, y in ring]
    assert min(lons) > 21 and max(lons) < 41 and min(lats) > 44 and max(lats) < 53  # longitude first


def test_ingest_is_rate_limited_per_client(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import wirewatch.serve.api as api

    monkeypatch.setattr(api, "INGEST_PER_MINUTE", 2)
    c = client(db)
    # an empty text is refused by validation (422) after the rate check has counted it
    answers = [c.post("/api/ingest", json={"text": ""}).status_code for _ in range(3)]
    assert answers == [422, 422, 429]
    limited = c.post("/api/ingest", json={"text": ""}).json()
    assert limited == {"ok": False, "error": "at most 2 ingests a minute; try again shortly", "status": 429}
