"""``wirewatch watch``: feeds polled from a real HTTP server on 127.0.0.1, without the spaCy model.

The settings name a language no article is in (``languages = "xx"``), so articles are extracted and stored
(status ``skipped``) without loading a model.
"""

from __future__ import annotations

import hashlib
import http.server
import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from wirewatch.cli import main
from wirewatch.errors import FetchError, UsageError
from wirewatch.ingest.fetch import Fetcher
from wirewatch.ingest.watch import DAY, HostGate, Watcher, backoff, parse_every, read_feed_list
from wirewatch.settings import Settings
from wirewatch.store import open_store

LAST_MODIFIED = "Wed, 16 Oct 2024 10:00:00 GMT"
BODY = (
    "Officials in the region said on Tuesday that the bridge over the river had been repaired after weeks "
    "of work, and that traffic would resume in both directions by the end of the month. "
)


def rss(items: list[tuple[str, str, bool]]) -> bytes:
    """An RSS 2.0 feed; each item is ``(guid, link path, full text in the feed?)``."""
    parts = []
    for guid, link, full in items:
        content = f"<content:encoded><![CDATA[<p>{guid}: {BODY * 3}</p>]]></content:encoded>" if full else ""
        parts.append(
            f"<item><title>Item {guid}</title><link>{link}</link><guid>{guid}</guid>"
            f"<pubDate>Wed, 16 Oct 2024 09:00:00 GMT</pubDate>{content}</item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Test wire</title>{''.join(parts)}</channel></rss>"
    ).encode()


def page(name: str) -> bytes:
    return (
        f"<html><head><title>Page {name}</title></head><body><article><h1>Page {name}</h1>"
        f"<p>{name}: {BODY * 3}</p></article></body></html>"
    ).encode()


@dataclass
class Site:
    """What the test server serves (path -> (status, body)), and what it was asked."""

    files: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    hits: list[tuple[str, float, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    most_in_flight: int = 0
    base: str = ""

    def paths(self) -> list[str]:
        return [p for p, _, _ in self.hits]

    def count(self, path: str) -> int:
        return self.paths().count(path)


def _handler(site: Site) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with site.lock:
                site.hits.append((self.path, time.monotonic(), dict(self.headers)))
                site.in_flight += 1
                site.most_in_flight = max(site.most_in_flight, site.in_flight)
            try:
                time.sleep(0.01)
                status, body = site.files.get(self.path, (404, b"not found"))
                etag = '"' + hashlib.sha256(body).hexdigest()[:12] + '"'
                if status == 200 and (
                    self.headers.get("If-None-Match") == etag
                    or (
                        self.headers.get("If-Modified-Since") == LAST_MODIFIED
                        and self.headers.get("If-None-Match") is None
                    )
                ):
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(status)
                ctype = "text/plain" if self.path.endswith(".txt") else "text/html"
                if self.path.endswith(".xml"):
                    ctype = "application/rss+xml"
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if status == 200:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", LAST_MODIFIED)
                self.end_headers()
                self.wfile.write(body)
            finally:
                with site.lock:
                    site.in_flight -= 1

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture()
def site() -> Iterator[Site]:
    s = Site()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(s))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    s.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield s
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(db=str(tmp_path / "w.db"), allow_private=True, languages="xx", fetch_timeout=5.0)


class Clock:
    def __init__(self) -> None:
        self.t = 1_700_000_000.0

    def __call__(self) -> float:
        return self.t


def watcher(settings: Settings, clock: Clock, store: object, *, delay: float = 0.0) -> Watcher:
    return Watcher(store, settings, every=60.0, host_delay=delay, clock=clock)  # type: ignore[arg-type]


def test_second_poll_of_an_unchanged_feed_downloads_and_stores_nothing(
    site: Site, settings: Settings
) -> None:
    site.files["/feed.xml"] = (200, rss([("a", "/a.html", True), ("b", "/b.html", False)]))
    site.files["/b.html"] = (200, page("b"))
    feed = site.base + "/feed.xml"
    clock = Clock()
    with open_store(settings.db) as store, watcher(settings, clock, store) as w:
        (first,) = w.run([feed], once=True)
        assert first.status == "changed" and first.new == 2
        assert first.report.counts["skipped"] == 2  # stored, not analysed (language xx)
        before = store.counts()
        assert before["articles"] == 2
        assert w.run([feed], once=True) == []  # not due yet
        clock.t += 60
        (second,) = w.run([feed], once=True)
        assert second.status == "not-modified" and second.new == 0
        assert store.counts() == before  # not even a run row
        (state,) = store.feeds()
    feed_hits = [h for p, _, h in site.hits if p == "/feed.xml"]
    assert len(feed_hits) == 2 and "If-None-Match" not in feed_hits[0]
    assert (
        feed_hits[1]["If-None-Match"].startswith('"') and feed_hits[1]["If-Modified-Since"] == LAST_MODIFIED
    )
    assert site.count("/b.html") == 1 and site.count("/a.html") == 0  # a's full text came in the feed
    assert site.count("/robots.txt") == 1  # cached per host
    assert state["items_seen"] == 2 and state["error_count"] == 0 and state["etag"]
    assert state["last_modified"] == LAST_MODIFIED and state["last_success"]


def test_a_failing_feed_backs_off_exponentially_and_feeds_says_why(
    site: Site, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.files["/broken.xml"] = (500, b"oops")
    site.files["/html.xml"] = (200, page("not a feed"))
    broken, html = site.base + "/broken.xml", site.base + "/html.xml"
    clock = Clock()
    waits = []
    with open_store(settings.db) as store, watcher(settings, clock, store) as w:
        for _ in range(5):
            results = w.run([broken, html], once=True)
            assert {r.status for r in results} == {"failed"}
            state = {f["url"]: f for f in store.feeds()}[broken]
            next_poll = time.mktime(time.strptime(state["next_poll"][:19], "%Y-%m-%dT%H:%M:%S"))
            waits.append(next_poll - time.mktime(time.gmtime(clock.t)))
            clock.t += waits[-1]
        assert store.counts()["articles"] == 0
    assert waits == [120.0, 240.0, 480.0, 960.0, 1920.0]
    assert site.count("/broken.xml") == 5
    monkeypatch.setenv("WIREWATCH_DB", settings.db)
    out = CliRunner().invoke(main, ["feeds"])
    assert out.exit_code == 0, out.output
    assert "failing       5 times in a row" in out.output and "HTTP 500" in out.output
    assert "not a valid RSS/Atom feed" in out.output and "[W125]" in out.output
    js = CliRunner().invoke(main, ["feeds", "--json"])
    rows = {r["url"]: r for r in json.loads(js.output)}
    assert rows[broken]["error_count"] == 5 and rows[broken]["items_seen"] == 0


def test_backoff_is_capped_at_a_day() -> None:
    assert backoff(900, 1) == 1800 and backoff(900, 3) == 7200
    assert backoff(900, 7) == DAY and backoff(900, 1000) == DAY
    assert backoff(2 * DAY, 1) == 2 * DAY  # an interval above a day is not shortened


def test_a_restart_resumes_without_duplicates(site: Site, settings: Settings) -> None:
    site.files["/feed.xml"] = (200, rss([("a", "/a.html", False), ("b", "/b.html", True)]))
    site.files["/a.html"] = (200, page("a"))
    site.files["/c.html"] = (200, page("c"))
    feed = site.base + "/feed.xml"
    clock = Clock()
    with open_store(settings.db) as store, watcher(settings, clock, store) as w:
        (r,) = w.run([feed], once=True)
        assert r.new == 2
    # the feed changes while no watcher runs; a new watcher over the same database takes over
    site.files["/feed.xml"] = (
        200,
        rss([("c", "/c.html", False), ("a", "/a.html", False), ("b", "/b.html", True)]),
    )
    clock.t += 3600
    with open_store(settings.db) as store, watcher(settings, clock, store) as w:
        (r,) = w.run([feed], once=True)
        assert r.status == "changed" and r.new == 1 and r.report.counts["skipped"] == 1
        assert store.counts()["articles"] == 3
        assert store.feeds()[0]["items_seen"] == 3
    assert site.count("/a.html") == 1 and site.count("/c.html") == 1
    # a watcher stopped before it recorded anything (seen items lost) still stores nothing twice
    with open_store(settings.db) as store:
        store._conn.execute("DELETE FROM feed_items")  # type: ignore[attr-defined]
        store.save_feed(feed, etag=None, last_modified=None, next_poll=None)
    with open_store(settings.db) as store, watcher(settings, clock, store) as w:
        (r,) = w.run([feed], once=True)
        assert r.new == 3 and r.report.counts["unchanged"] == 3
        assert store.counts()["articles"] == 3


def test_robots_txt_is_honoured_for_feeds_and_items(site: Site, settings: Settings) -> None:
    site.files["/robots.txt"] = (200, b"User-agent: *\nDisallow: /private/\n")
    site.files["/feed.xml"] = (200, rss([("a", "/private/a.html", False), ("b", "/news/b.html", False)]))
    site.files["/private/a.html"] = (200, page("a"))
    site.files["/news/b.html"] = (200, page("b"))
    site.files["/private/feed.xml"] = site.files["/feed.xml"]
    feed, hidden = site.base + "/feed.xml", site.base + "/private/feed.xml"
    clock = Clock()
    with open_store(settings.db) as store, watcher(settings, clock, store, delay=0.05) as w:
        results = {r.url: r for r in w.run([feed, hidden], once=True)}
        assert results[hidden].status == "failed" and "robots.txt disallows" in (results[hidden].error or "")
        assert "[W208]" in (results[hidden].error or "")
        assert results[feed].disallowed == [site.base + "/private/a.html"]
        assert store.counts()["articles"] == 1
        assert store.feeds()[0]["items_seen"] == 1  # a is not recorded: allowed later, it is fetched then
    assert site.count("/private/a.html") == 0 and site.count("/private/feed.xml") == 0
    assert site.count("/news/b.html") == 1 and site.count("/robots.txt") == 1
    # politeness: one request at a time to the host, each at least the delay after the previous one
    assert site.most_in_flight == 1
    times = [t for _, t, _ in site.hits]
    assert all(b - a >= 0.05 for a, b in itertools.pairwise(times))


def test_host_gate_spaces_requests_per_host() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    gate = HostGate(2.0, clock=lambda: now[0], sleep=sleep)
    with gate.hold("http://a.example/1"):
        pass
    with gate.hold("http://b.example/1"):  # another host: no wait
        pass
    now[0] += 0.5
    with gate.hold("http://a.example/2"):
        pass
    assert slept == [1.5]
    gate.set_delay("http://b.example/", 10.0)  # a Crawl-delay
    with gate.hold("http://b.example/2"):
        pass
    assert slept == [1.5, 8.0]


def test_feed_list_and_interval(tmp_path: Path) -> None:
    path = tmp_path / "feeds.txt"
    path.write_text(
        "# wires\nhttps://a.example/rss  # the first\n\n  http://b.example/feed.xml\nhttps://a.example/rss\n",
        encoding="utf-8",
    )
    assert read_feed_list(path) == ["https://a.example/rss", "http://b.example/feed.xml"]
    path.write_text("feeds/a.xml\n", encoding="utf-8")
    with pytest.raises(UsageError, match="line 1 is not an http"):
        read_feed_list(path)
    assert parse_every("15m") == 900 and parse_every("30s") == 30 and parse_every("2h") == 7200
    assert parse_every("1d") == DAY and parse_every("45") == 45
    for bad in ("0", "-1m", "15 minutes", ""):
        with pytest.raises(UsageError):
            parse_every(bad)


def test_cli_watch_once_then_feeds(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site.files["/feed.xml"] = (200, rss([("a", "/a.html", True)]))
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# test\n{site.base}/feed.xml\n{site.base}/missing.xml\n", encoding="utf-8")
    db = str(tmp_path / "cli.db")
    monkeypatch.setenv("WIREWATCH_LANGUAGES", "xx")
    args = ["watch", str(feeds), "--once", "--delay", "0", "--every", "10m", "--allow-private", "--db", db]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    assert f"changed      {site.base}/feed.xml: 1 new items (1 skipped)" in out.output
    assert "HTTP 404" in out.output
    again = CliRunner().invoke(main, args)  # nothing is due yet
    assert again.exit_code == 0 and "new items" not in again.output
    listing = CliRunner().invoke(main, ["feeds", "--db", db])
    assert listing.exit_code == 0
    assert "items seen    1" in listing.output and "failing       1 time in a row" in listing.output
    bad = CliRunner().invoke(main, ["watch", str(feeds), "--every", "soon", "--db", db])
    assert bad.exit_code == 2 and "--every" in bad.output
    empty = CliRunner().invoke(main, ["feeds", "--db", str(tmp_path / "empty.db")])
    assert "no feeds watched" in empty.output


def test_fetcher_conditional_get(site: Site, settings: Settings) -> None:
    site.files["/feed.xml"] = (200, rss([("a", "/a.html", True)]))
    site.files["/odd"] = (304, b"")
    with Fetcher(settings) as fetcher:
        first = fetcher.fetch(site.base + "/feed.xml")
        assert first.status == 200 and first.etag and first.last_modified == LAST_MODIFIED
        again = fetcher.fetch(site.base + "/feed.xml", headers={"If-None-Match": first.etag})
        assert again.status == 304 and again.data == b""
        with pytest.raises(FetchError, match="HTTP 304"):  # a 304 nobody asked for is an error, not a crash
            fetcher.fetch(site.base + "/odd")


def test_run_polls_until_stopped(site: Site, settings: Settings) -> None:
    site.files["/feed.xml"] = (200, rss([("a", "/a.html", True)]))
    polled = threading.Event()
    stop = threading.Event()

    def watch() -> None:  # a store is used in the thread that opened it
        with open_store(settings.db) as store, watcher(settings, Clock(), store) as w:
            w.run([site.base + "/feed.xml"], stop=stop, on_poll=lambda r: polled.set())

    thread = threading.Thread(target=watch)
    thread.start()
    assert polled.wait(10)
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    with open_store(settings.db) as store:
        assert store.feeds()[0]["items_seen"] == 1


@pytest.mark.model
def test_new_items_are_linked_after_the_round_that_stored_them(site: Site, tmp_path: Path) -> None:
    """With English articles (the model runs), a round that stores articles links their week; a round
    that stores nothing links nothing; ``link=False`` leaves them unlinked."""
    import dataclasses

    site.files["/feed.xml"] = (200, rss([("a", "/a.html", True), ("b", "/b.html", True)]))
    english = Settings(db=str(tmp_path / "w.db"), allow_private=True, fetch_timeout=5.0)
    links: list[object] = []
    with open_store(english.db) as store:
        w = Watcher(store, english, every=60.0, host_delay=0.0, clock=Clock(), on_link=links.append)
        with w:
            (first,) = w.run([f"{site.base}/feed.xml"], once=True)
            assert first.report.count("new") == 2 and len(links) == 1
            ids = [a["id"] for a in store.articles()]
            assert len(ids) == 2 and all(store.story_of(i) is not None for i in ids)
            w.run([f"{site.base}/feed.xml"], once=True)  # not due yet: nothing stored, nothing linked
            assert len(links) == 1

    unlinked = dataclasses.replace(english, db=str(tmp_path / "unlinked.db"))
    with open_store(unlinked.db) as store, Watcher(store, unlinked, host_delay=0.0, link=False) as w:
        w.run([f"{site.base}/feed.xml"], once=True)
        ids = [a["id"] for a in store.articles()]
        assert len(ids) == 2 and all(store.story_of(i) is None for i in ids)
