"""The web pages through the test client: escaping of hostile article content, the security headers, the
highlighting of evidence, and the pages over a linked database (no browser; no model)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from tests.link.fixtures import analysis, claim, source
from tests.serve.test_api import db  # noqa: F401  (the fixture)

from wirewatch.records import Analysis, RawDocument
from wirewatch.serve.api import create_app
from wirewatch.serve.web import CSP, highlight
from wirewatch.settings import Settings

HOSTILE_TITLE = '<script>alert("title")</script>'
HOSTILE_TEXT = (
    'Officials said <img src=x onerror=alert(1)> the strike hit <a href="javascript:alert(2)">the depot</a> '
    "near Kharkiv. <script>fetch('//evil.example')</script>"
)


def _hostile_db(tmp_path: Path) -> str:
    from wirewatch.store import open_store

    a = analysis("eeee000000000001", HOSTILE_TEXT, "outlet-x.example", "2026-03-03", [])
    a["article"]["title"] = HOSTILE_TITLE
    a["claims"] = [
        claim("eeee000000000001", 0, HOSTILE_TEXT, "the strike hit", [source("Officials", "official")])
    ]
    path = str(tmp_path / "hostile.db")
    with open_store(path) as store:
        run_id = store.start_run("ingest", {"wirewatch": "test"}, {})
        raw = RawDocument(name="hostile", data=HOSTILE_TEXT.encode(), kind="text")
        store.save_analysis(Analysis.from_dict(a), raw, run_id)
    return path


def test_hostile_article_content_is_shown_as_text(tmp_path: Path) -> None:
    c = TestClient(create_app(Settings(db=_hostile_db(tmp_path))))
    page = c.get("/articles/eeee000000000001")
    assert page.status_code == 200 and page.headers["content-security-policy"] == CSP
    html = page.text
    assert "<script>alert" not in html and "<script>fetch" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert not re.search(r"""href=["']?\s*javascript:""", html, re.I)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == ['<script src="/static/app.js" defer>']  # only ours, and not inline
    home = c.get("/").text
    assert "<script>alert" not in home and "&lt;script&gt;" in home
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"


def test_highlight_cuts_the_text_where_the_records_change() -> None:
    text = "Officials said Russian forces shelled Kharkiv."
    a = {
        "article": {"text": text},
        "claims": [
            {"id": "c0", "content": {"start": 15, "end": 45}, "sources": [{"span": {"start": 0, "end": 9}}]}
        ],
        "places": [{"id": "p0", "mention": {"start": 38, "end": 45}}],
        "events": [{"id": "e0", "trigger": {"start": 30, "end": 37}}],
    }
    pieces = highlight(a)
    assert "".join(p["text"] for p in pieces) == text
    by_text = {p["text"]: p for p in pieces}
    assert by_text["Officials"]["kinds"] == ["source"]
    assert by_text["shelled"]["kinds"] == ["claim", "event"] and by_text["shelled"]["ids"] == ["c0", "e0"]
    assert by_text["Kharkiv"]["kinds"] == ["claim", "place"]
    assert by_text["."]["kinds"] == []


def test_pages_over_a_linked_database(db: str) -> None:  # noqa: F811
    c = TestClient(create_app(Settings(db=db)))
    home = c.get("/")
    assert (
        home.status_code == 200
        and "independent origin" in home.text
        and "/articles/aaaa000000000001" in home.text
    )
    article = c.get("/articles/aaaa000000000004").text
    assert 'class="k-claim ' in article and "Oleh Kiper" in article
    assert c.get("/articles/ffffffffffffffff").status_code == 404
    events = c.get("/events", params={"type": "ASSAULT"})
    assert events.status_code == 200 and "<table" in events.text
    assert c.get("/static/app.js").status_code == 200


def test_the_story_page(db: str) -> None:  # noqa: F811
    c = TestClient(create_app(Settings(db=db)))
    stories = c.get("/api/stories", params={"min_origins": 2}).json()["items"]
    sid = stories[0]["id"]
    assert f'href="/stories/{sid}"' in c.get("/").text
    page = c.get(f"/stories/{sid}")
    assert page.status_code == 200 and page.headers["content-security-policy"] == CSP
    html = page.text
    assert "origins: reuters: anonymous sources" in html and "copy of" in html
    assert "via Reuters" in html and "denied:" in html and "contradiction in numbers" in html
    assert c.get("/stories/s0000000").status_code == 404
