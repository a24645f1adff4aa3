"""UI sessions, CSRF, the ingest form's background jobs, the source graph and the map's extras, through the
test client."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.serve.test_api import client, db  # noqa: F401  (the fixture)

from wirewatch.serve.api import create_app, event_chains
from wirewatch.serve.session import SESSION_COOKIE, safe_next
from wirewatch.serve.web import _tile_origin, source_graph
from wirewatch.settings import Settings
from wirewatch.store import open_store


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert found, "every page carries the session's CSRF token"
    return found.group(1)


def test_login_keeps_the_token_id_in_a_strict_http_only_cookie(db: str) -> None:  # noqa: F811
    with open_store(db) as store:
        _, token = store.create_token("desk", "analyst")
    c = client(db)
    assert c.get("/api/articles").status_code == 401
    page = c.get("/map", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/map"
    form = c.get("/login?next=/map")
    cookie = form.headers["set-cookie"]
    assert SESSION_COOKIE in cookie and "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    csrf = csrf_of(form.text)
    wrong = c.post("/login", data={"csrf": csrf, "token": "ww_nope", "next": "/map"}, follow_redirects=False)
    assert wrong.status_code == 401 and "unknown or revoked token" in wrong.text
    ok = c.post("/login", data={"csrf": csrf, "token": token, "next": "/map"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/map"
    assert token not in ok.headers["set-cookie"]  # the session holds the token's id, never the token
    assert c.get("/api/articles").json()["ok"] is True
    home = c.get("/")
    assert "desk (analyst)" in home.text and 'href="/ingest"' in home.text


def test_login_without_the_csrf_token_is_refused(db: str) -> None:  # noqa: F811
    with open_store(db) as store:
        _, token = store.create_token("desk", "viewer")
    c = client(db)
    c.get("/login")
    refused = c.post("/login", data={"csrf": "forged", "token": token}, follow_redirects=False)
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert c.get("/api/articles").status_code == 401


def test_a_revoked_token_ends_its_sessions(db: str) -> None:  # noqa: F811
    with open_store(db) as store:
        token_id, token = store.create_token("desk", "viewer")
    c = client(db)
    c.post("/login", data={"csrf": csrf_of(c.get("/login").text), "token": token})
    assert c.get("/api/articles").status_code == 200
    with open_store(db) as store:
        assert store.revoke_token(token_id)
    gone = c.get("/api/articles")
    assert gone.status_code == 401 and gone.json()["error"] == "the session's token was revoked: log in again"


def test_a_viewer_session_cannot_correct_or_ingest(db: str) -> None:  # noqa: F811
    with open_store(db) as store:
        _, token = store.create_token("reader", "viewer")
    c = client(db)
    c.post("/login", data={"csrf": csrf_of(c.get("/login").text), "token": token})
    csrf = csrf_of(c.get("/").text)
    assert 'href="/ingest"' not in c.get("/").text
    fix = c.post(
        "/api/corrections", json={"target": "x:e0", "action": "reject"}, headers={"X-CSRF-Token": csrf}
    )
    assert fix.status_code == 403 and fix.json()["error"].startswith("this needs the analyst role")
    assert c.get("/ingest", follow_redirects=False).status_code == 403


def test_writes_from_a_browser_need_the_csrf_header(db: str) -> None:  # noqa: F811
    with open_store(db) as store:
        target = store.claims(limit=1)[0]["id"]
    c = client(db)
    csrf = csrf_of(c.get("/").text)  # a page visit starts the session (loopback, no token: analyst)
    body = {"target": target, "action": "reject", "why": "test"}
    forged = c.post("/api/corrections", json=body)
    assert forged.status_code == 403 and forged.json()["error"].startswith("missing or wrong CSRF token")
    cross_site = TestClient(create_app(Settings(db=db))).post(
        "/api/corrections", json=body, headers={"Origin": "https://evil.example"}
    )
    assert cross_site.status_code == 403
    assert c.post("/api/corrections", json=body, headers={"X-CSRF-Token": csrf}).json()["ok"] is True
    # a script (no cookie, no Origin) is no browser: curl on loopback still works as before
    script = TestClient(create_app(Settings(db=db))).post("/api/corrections", json={**body, "why": "again"})
    assert script.json()["ok"] is True


def test_logout_ends_the_session(db: str) -> None:  # noqa: F811
    with open_store(db) as store:
        _, token = store.create_token("desk", "analyst")
    c = client(db)
    c.post("/login", data={"csrf": csrf_of(c.get("/login").text), "token": token})
    csrf = csrf_of(c.get("/").text)
    assert c.post("/logout", data={"csrf": "forged"}).status_code == 403
    out = c.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert c.get("/api/articles").status_code == 401


@pytest.mark.parametrize(
    ("given", "safe"),
    [("/map?type=ASSAULT", "/map?type=ASSAULT"), ("//evil.example/x", "/"), ("https://evil.example", "/"),
     ("/\\evil.example", "/"), (None, "/")],
)  # fmt: skip
def test_login_only_goes_back_to_this_site(given: str | None, safe: str) -> None:
    assert safe_next(given) == safe


def _job(c: TestClient, url: str, timeout: float = 120.0) -> dict[str, Any]:
    job_id = url.rsplit("/", 1)[1]
    deadline = time.monotonic() + timeout
    while True:
        job = c.get(f"/api/jobs/{job_id}").json()["item"]
        if job["status"] not in ("queued", "running"):
            return dict(job)
        assert time.monotonic() < deadline, job
        time.sleep(0.2)


@pytest.mark.model
def test_the_ingest_form_runs_in_the_background_and_the_article_appears(tmp_path: Path) -> None:
    text = (
        "Protesters gathered outside the parliament in Kyiv on Sunday, police said. "
        "Organisers said thousands joined the march against the new conscription rules."
    )
    c = TestClient(create_app(Settings(db=str(tmp_path / "form.db"))))
    csrf = csrf_of(c.get("/ingest").text)
    sent = c.post(
        "/ingest",
        data={"csrf": csrf, "text": text, "title": "A march in Kyiv", "published": "2026-05-03"},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith("/ingest/")
    page = c.get(sent.headers["location"])
    assert "A march in Kyiv" in page.text
    job = _job(c, sent.headers["location"])
    assert (job["status"], job["result"]) == ("done", "new")
    stored = c.get(f"/api/articles/{job['article']}").json()["item"]
    assert stored["article"]["title"] == "A march in Kyiv" and stored["article"]["published"] == "2026-05-03"
    same = {"csrf": csrf, "text": text, "title": "A march in Kyiv", "published": "2026-05-03"}
    again = _job(c, c.post("/ingest", data=same, follow_redirects=False).headers["location"])
    assert again["result"] == "unchanged"


def test_the_ingest_form_reports_a_bad_input_and_refuses_without_csrf(tmp_path: Path) -> None:
    c = TestClient(create_app(Settings(db=str(tmp_path / "form.db"))))
    csrf = csrf_of(c.get("/ingest").text)
    assert c.post("/ingest", data={"csrf": "x", "text": "hello"}).status_code == 403
    both = c.post("/ingest", data={"csrf": csrf, "text": "hello", "url": "https://example.org/a"})
    assert both.status_code == 400 and "exactly one" in both.text
    # a loopback address is refused by the fetcher (allow_private is off): the job fails, with why
    sent = c.post("/ingest", data={"csrf": csrf, "url": "http://127.0.0.1:9/story"}, follow_redirects=False)
    job = _job(c, sent.headers["location"])
    assert job["status"] == "failed" and "127.0.0.1" in job["error"]
    binary = c.post(
        "/ingest", data={"csrf": csrf}, files={"file": ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64)},
        follow_redirects=False,
    )  # fmt: skip
    job = _job(c, binary.headers["location"])
    assert job["status"] == "failed" and "photo.jpg" in job["error"]
    huge = c.post("/ingest", data={"csrf": csrf}, files={"file": ("big.txt", b"a" * 5_000_001)})
    assert huge.status_code == 413 and "big.txt" in huge.text


def test_the_source_graph_follows_relays_to_outlets() -> None:
    def row(claim: str, role: str, name: str, kind: str, outlet: str) -> dict[str, Any]:
        return {"claim": claim, "role": role, "position": 0, "name": name, "kind": kind, "outlet": outlet}

    rows = [
        row("a:c0", "source", "Officials", "government", "Kyiv Post"),
        row("a:c0", "via", "Suspilne", "outlet", "Kyiv Post"),
        row("b:c0", "source", "officials", "government", "Meduza"),
        row("b:c0", "via", "Suspilne", "outlet", "Meduza"),
        row("c:c1", "source", "Suspilne", "outlet", "Suspilne"),
    ]  # fmt: skip
    graph = source_graph(rows)
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert nodes["officials"]["claims"] == 2 and nodes["officials"]["depth"] == 0
    assert nodes["suspilne"]["claims"] == 3 and nodes["suspilne"]["depth"] == 1
    assert nodes["kyiv post"]["depth"] == 2
    edges = {(e["from"], e["to"]): e["claims"] for e in graph["edges"]}
    assert edges == {("officials", "suspilne"): 2, ("suspilne", "kyiv post"): 1, ("suspilne", "meduza"): 1}
    chained = source_graph([*rows, row("d:c0", "source", "Kyiv Post", "outlet", "Suspilne")])
    depth = {n["id"]: n["depth"] for n in chained["nodes"]}
    assert depth["officials"] == 0 and max(depth.values()) < len(depth)  # the Suspilne/Kyiv Post cycle stops
    top = source_graph(rows, limit=2)
    assert {n["id"] for n in top["nodes"]} == {"suspilne", "officials"}
    assert [(e["from"], e["to"]) for e in top["edges"]] == [("officials", "suspilne")]


def test_the_graph_route_and_its_limit(db: str) -> None:  # noqa: F811
    c = client(db)
    graph = c.get("/api/graph").json()["item"]
    names = {n["name"] for n in graph["nodes"]}
    assert {"Odesa governor Oleh Kiper", "Moscow"} <= names and graph["edges"]
    assert any(e["to"] == "outlet-d.example" for e in graph["edges"])  # the governor's claim, on outlet-d
    assert all({e["from"], e["to"]} <= {n["id"] for n in graph["nodes"]} for e in graph["edges"])
    assert c.get("/api/graph", params={"limit": 0}).json()["status"] == 422


def test_an_events_chains_run_from_source_through_relays_to_the_outlet() -> None:
    analysis = {
        "article": {"outlet": "Kyiv Post"},
        "claims": [
            {"id": "a:c0", "sources": [{"name": "Intelligence officials"}], "via": [{"name": "Suspilne"}],
             "certainty": {"evidential": "reported", "strength": "possible", "term": None},
             "content": {"text": "they hid it"}},
            {"id": "a:c1", "sources": [], "via": [], "certainty": {"evidential": "asserted"}, "content": {}},
            {"id": "a:c2", "sources": [{"name": "Kyiv Post"}, {"name": "Interfax-Ukraine"}], "via": [],
             "certainty": {"evidential": "reported"}, "content": {}},
        ],
    }  # fmt: skip
    chains = event_chains({"claims": ["a:c0", "a:c1", "a:c2", "a:c9"]}, analysis)
    assert [c["chain"] for c in chains] == [
        ["Intelligence officials", "Suspilne", "Kyiv Post"],
        ["(unattributed)", "Kyiv Post"],
        ["Kyiv Post & Interfax-Ukraine"],  # co-sources are one hop, and the outlet is not repeated
    ]
    assert chains[0]["evidential"] == "reported" and chains[0]["strength"] == "possible"


def test_a_tile_server_is_allowed_by_the_pages_policy(db: str) -> None:  # noqa: F811
    assert _tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == " https://*.tile.example.org"
    assert _tile_origin("javascript:alert(1)") == ""
    c = TestClient(create_app(Settings(db=db, map_tiles="https://tiles.example.org/{z}/{x}/{y}.png")))
    page = c.get("/map")
    assert "img-src 'self' data: https://tiles.example.org;" in page.headers["content-security-policy"]
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in page.text


def test_analysts_merge_and_split_stories_through_the_api_and_the_page(db: str) -> None:  # noqa: F811
    with open_store(db) as store:
        _, token = store.create_token("desk", "analyst")
        stories = store.stories()
    odesa = next(s for s in stories if "aaaa000000000001" in s["articles"])
    wheat = next(s for s in stories if "aaaa000000000006" in s["articles"])
    api = client(db)
    auth = {"Authorization": f"Bearer {token}"}
    pair = {"stories": [odesa["id"], wheat["id"]], "why": "one briefing"}
    merged = api.post("/api/stories/merge", json=pair, headers=auth).json()
    assert merged["ok"] is True
    together = api.get(f"/api/stories/{merged['item']['story']}", headers=auth).json()["item"]
    assert {"aaaa000000000001", "aaaa000000000006"} <= set(together["articles"])
    missing = api.post("/api/stories/merge", json={"stories": [odesa["id"], "s000000000"]}, headers=auth)
    assert missing.status_code == 404 and missing.json()["error"] == "no story s000000000"
    # the page's split form, in a logged-in session, with its CSRF token
    page = client(db)
    page.post("/login", data={"csrf": csrf_of(page.get("/login").text), "token": token})
    story_page = page.get(f"/stories/{together['id']}")
    assert (
        'action="/stories/' in story_page.text
        and 'name="article" value="aaaa000000000006"' in story_page.text
    )
    csrf = csrf_of(story_page.text)
    assert (
        page.post(
            f"/stories/{together['id']}/split", data={"csrf": "x", "article": "aaaa000000000006"}
        ).status_code
        == 403
    )
    form = {"csrf": csrf, "article": "aaaa000000000006", "why": "wheat"}
    done = page.post(f"/stories/{together['id']}/split", data=form, follow_redirects=False)
    assert done.status_code == 303
    alone = page.get(f"/api{done.headers['location']}").json()["item"]
    assert alone["articles"] == ["aaaa000000000006"]
    every = page.post(f"/stories/{odesa['id']}/split", data={"csrf": csrf, "article": odesa["articles"]})
    assert every.status_code == 400 and "every article" in every.text
    log = api.get("/api/story-overrides", headers=auth).json()["items"]
    assert [(o["kind"], o["note"], o["who"]) for o in log] == [
        ("merge", "one briefing", "desk"),
        ("split", "wheat", "desk"),
    ]


def test_admins_manage_tokens_and_read_settings_through_the_api(db: str) -> None:  # noqa: F811
    with open_store(db) as store:
        _, boss = store.create_token("boss", "admin")
        _, desk = store.create_token("desk", "analyst")
    c = client(db)
    as_admin, as_analyst = {"Authorization": f"Bearer {boss}"}, {"Authorization": f"Bearer {desk}"}
    assert c.get("/api/tokens", headers=as_analyst).status_code == 403
    assert c.post("/api/tokens", json={"role": "viewer", "name": "x"}, headers=as_analyst).status_code == 403
    made = c.post("/api/tokens", json={"role": "viewer", "name": "readers"}, headers=as_admin).json()["item"]
    assert made["token"].startswith("ww_") and made["role"] == "viewer"
    listed = c.get("/api/tokens", headers=as_admin).json()["items"]
    assert {t["name"] for t in listed} == {"boss", "desk", "readers"}
    assert all("token" not in t and "token_sha256" not in t for t in listed)  # never the secret
    assert c.get("/api/articles", headers={"Authorization": f"Bearer {made['token']}"}).status_code == 200
    bad = c.post("/api/tokens", json={"role": "king", "name": "x"}, headers=as_admin)
    assert bad.status_code == 400 and "role must be one of" in bad.json()["error"]
    assert c.delete(f"/api/tokens/{made['id']}", headers=as_admin).json()["ok"] is True
    assert c.delete(f"/api/tokens/{made['id']}", headers=as_admin).status_code == 404
    assert c.get("/api/articles", headers={"Authorization": f"Bearer {made['token']}"}).status_code == 401
    shown = {x["name"]: x["value"] for x in c.get("/api/settings", headers=as_admin).json()["items"]}
    assert shown["db"] == db and shown["link_threshold"] == 0.14
    assert c.get("/api/settings", headers=as_analyst).status_code == 403


def test_a_database_password_never_shows_in_the_settings() -> None:
    from wirewatch.serve.api import effective_settings

    shown = {
        x["name"]: x["value"] for x in effective_settings(Settings(db="postgresql://ww:s3cret@db:5432/ww"))
    }
    assert shown["db"] == "postgresql://ww:***@db:5432/ww"


def test_the_admin_page_creates_and_revokes_tokens(db: str) -> None:  # noqa: F811
    with open_store(db) as store:
        _, boss = store.create_token("boss", "admin")
    c = client(db)
    c.post("/login", data={"csrf": csrf_of(c.get("/login").text), "token": boss})
    page = c.get("/admin")
    assert page.status_code == 200 and 'href="/admin"' in page.text and "link_threshold" in page.text
    csrf = csrf_of(page.text)
    assert c.post("/admin/tokens", data={"csrf": "x", "name": "desk", "role": "analyst"}).status_code == 403
    made = c.post("/admin/tokens", data={"csrf": csrf, "name": "desk", "role": "analyst"})
    token = re.search(r"<code>(ww_[^<]+)</code>", made.text)
    assert token and "shown once" in made.text
    assert (
        client(db).get("/api/articles", headers={"Authorization": f"Bearer {token.group(1)}"}).status_code
        == 200
    )
    with open_store(db) as store:
        desk = next(t["id"] for t in store.tokens() if t["name"] == "desk")
    gone = c.post(f"/admin/tokens/{desk}/revoke", data={"csrf": csrf}, follow_redirects=False)
    assert gone.status_code == 303
    assert (
        client(db).get("/api/articles", headers={"Authorization": f"Bearer {token.group(1)}"}).status_code
        == 401
    )
