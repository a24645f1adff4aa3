#!/usr/bin/env python3
"""Latency of the JSON API over a synthetic database, measured against a real ``wirewatch serve`` process.

The database holds ``--events`` events (default 100,000): two per article, each ASSAULT or PROTEST at a town
somewhere in Ukraine, dated over a year, with two claims and their sources per article (the synthetic
reports of ``bench/link_scale.py``). It is built once into ``--db`` (default ``bench-api.db``, reused when it
already holds the events) and served by ``wirewatch serve`` on a free loopback port.

Each endpoint is requested ``--repeat`` times (default 200) over HTTP/1.1 keep-alive, with filters varied
from request to request; the script prints p50 and p95 latency in milliseconds per endpoint (one JSON object
with ``--json``). The map endpoint is ``/api/map`` over one week (about 2,000 points), with and without type
and country; ``/api/export?format=geojson`` over a week is timed for comparison (full records).
Then, unless ``--no-browser``, the map page is loaded in headless Chromium: the time from navigation until
its first 10,000 points are drawn as clustered markers, against the same page with a filter that matches
nothing (``map_page``). Targets (issue 8): p95 ≤ 100 ms for the map and list endpoints; 10,000 markers
drawn in ≤ 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TOWNS = [
    ("Kharkiv", 49.99, 36.23),
    ("Kupiansk", 49.71, 37.61),
    ("Izium", 49.21, 37.26),
    ("Pokrovsk", 48.28, 37.18),
    ("Kramatorsk", 48.72, 37.56),
    ("Zaporizhzhia", 47.84, 35.14),
    ("Kherson", 46.64, 32.61),
    ("Odesa", 46.48, 30.72),
    ("Sumy", 50.91, 34.80),
    ("Chernihiv", 51.49, 31.29),
]


def build(db: str, n_events: int) -> None:
    from link_scale import _blocks
    from wirewatch.records import Analysis, RawDocument
    from wirewatch.store import open_store

    rng = random.Random(1)
    start = dt.date(2025, 1, 6)
    with open_store(db) as store:
        run_id = store.start_run("bench", {"wirewatch": "bench"}, {})
        n = 0
        for week, block in enumerate(_blocks(n_events, 1000, seed=3)):
            for a in block:
                aid = a["article"]["id"]
                day = (start + dt.timedelta(days=week * 7 % 365 + rng.randint(0, 6))).isoformat()
                a["article"]["published"] = day
                a["article"]["title"] = a["article"]["text"][:60]
                a["entities"] = []
                a["producer"] = {"wirewatch": "bench"}
                for c in a["claims"]:
                    c.update(
                        content_parts=[],
                        cue=None,
                        asked_by=None,
                        quote="indirect",
                        certainty={
                            "evidential": "reported",
                            "strength": "unknown",
                            "polarity": "positive",
                            "term": None,
                            "probability": None,
                        },
                    )
                    c["sources"] = [dict(s, country=None, span=None) for s in c["sources"]]
                places, events = [], []
                for k in range(2):
                    town, lat, lon = rng.choice(TOWNS)
                    pid = f"{aid}:p{k}"
                    places.append(
                        {
                            "id": pid,
                            "mention": {"start": 0, "end": 1, "text": a["article"]["text"][0]},
                            "name": town,
                            "geonameid": None,
                            "level": "populated",
                            "country": "UA",
                            "admin1": None,
                            "lat": lat + rng.uniform(-0.2, 0.2),
                            "lon": lon + rng.uniform(-0.2, 0.2),
                            "relative": None,
                            "score": 0.9,
                            "candidates": [],
                        }
                    )
                    events.append(
                        {
                            "id": f"{aid}:e{k}",
                            "type": rng.choice(["ASSAULT", "ASSAULT", "PROTEST"]),
                            "mode": None,
                            "acled": None,
                            "trigger": {"start": 0, "end": 1, "text": a["article"]["text"][0]},
                            "mentions": [],
                            "actors": [
                                {
                                    "role": "actor",
                                    "name": "Russian forces",
                                    "country": "RU",
                                    "sector": "military",
                                    "span": None,
                                }
                            ],
                            "size": None,
                            "fatalities": rng.choice([None, 0, 1, 3]),
                            "when": {"start": day, "end": day, "precision": "day", "text": None},
                            "where": [
                                {
                                    "place": pid,
                                    "relation": "in",
                                    "distance_km": None,
                                    "from": None,
                                    "geo_precision": 1,
                                }
                            ],
                            "claims": [],
                            "negated": False,
                            "hypothetical": False,
                            "future": False,
                        }
                    )
                a["places"], a["events"] = places, events
                raw = RawDocument(name=aid, data=a["article"]["text"].encode(), kind="text")
                store.save_analysis(Analysis.from_dict(a), raw, run_id)
                n += 2
        store.finish_run(run_id, {"new": n // 2})


def map_render(base: str, runs: int = 5) -> dict[str, Any]:
    """The map page in headless Chromium (Debian's, through Selenium): milliseconds from navigation to the
    markers drawn (the page's ``data-ready-ms``), for the first 10,000 points and, as the baseline of the same
    run, for a filter that matches none (page, base layer and script alone). One warm-up load first (it
    fills the server's outline cache)."""
    import tempfile

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,1000", f"--user-data-dir={tempfile.mkdtemp(prefix='wirewatch-bench-')}",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

    def load(query: str) -> tuple[float, int]:
        driver.get(f"{base}/map{query}")
        deadline = time.monotonic() + 60
        while driver.execute_script("return document.getElementById('map').dataset.ready") != "1":
            if time.monotonic() > deadline:
                raise SystemExit(f"the map page {query} did not finish drawing in 60 s")
            time.sleep(0.02)
        ms = driver.execute_script("return Number(document.getElementById('map').dataset.readyMs)")
        shown = driver.execute_script("return Number(document.getElementById('map').dataset.shown)")
        return float(ms), int(shown)

    try:
        load("")
        full = [load("") for _ in range(runs)]
        empty = [load("?type=AGREE") for _ in range(runs)]
    finally:
        driver.quit()
    markers = full[0][1]
    render = statistics.median(ms for ms, _ in full)
    baseline = statistics.median(ms for ms, _ in empty)
    return {
        "markers": markers,
        "render_ms": round(render, 1),
        "render_max_ms": round(max(ms for ms, _ in full), 1),
        "empty_ms": round(baseline, 1),
        "ratio_to_empty": round(render / baseline, 2) if baseline else None,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--db", default="bench-api.db")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", help="Comma-separated endpoint names to time (default: all).")
    parser.add_argument(
        "--no-browser", action="store_true", help="Skip the map page's render time in headless Chromium."
    )
    args = parser.parse_args()

    import httpx

    from wirewatch.store import open_store

    with open_store(args.db) as store:
        have = store.counts().get("events", 0)
    if have < args.events:
        started = time.perf_counter()
        build(args.db, args.events - have)
        print(f"built {args.db} in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "wirewatch", "serve", "--db", args.db, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    rng = random.Random(2)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(100):
                try:
                    client.get("/api/articles", params={"limit": 1})
                    break
                except httpx.TransportError:
                    time.sleep(0.1)

            # the server draws the map's outlines in the background at start (a couple of seconds of
            # CPU): wait for them, so that the first endpoint timed does not share the CPU with it
            client.get("/api/outlines")

            def week() -> dict[str, str]:
                d = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randint(0, 350))
                return {"since": d.isoformat(), "until": (d + dt.timedelta(days=6)).isoformat()}

            endpoints: dict[str, Any] = {
                "articles": lambda: ("/api/articles", {"limit": 50}),
                "articles_search": lambda: ("/api/articles", {"q": "a" + rng.choice("bcdefgh"), "limit": 50}),
                "claims": lambda: ("/api/claims", {"limit": 50}),
                "events": lambda: ("/api/events", {"limit": 50}),
                "events_filtered": lambda: (
                    "/api/events",
                    {"type": "ASSAULT", "country": "UA", "limit": 50, **week()},
                ),
                "places": lambda: ("/api/places", {"country": "UA", "limit": 50}),
                # the shared filters (issue 8) on the lists that take them on the article
                "articles_filtered": lambda: (
                    "/api/articles",
                    {"type": "PROTEST", "certainty": "reported", "limit": 50, **week()},
                ),
                "claims_filtered": lambda: (
                    "/api/claims",
                    {"country": "UA", "source_kind": "anonymous", "limit": 50, **week()},
                ),
                "places_filtered": lambda: (
                    "/api/places",
                    {"type": "ASSAULT", "q": "a" + rng.choice("bcdefgh"), "limit": 50},
                ),
                "sources": lambda: ("/api/sources", {"limit": 50}),
                "map_week": lambda: ("/api/map", week()),
                "map_week_filtered": lambda: ("/api/map", {"type": "ASSAULT", "country": "UA", **week()}),
                "map_week_shared": lambda: (
                    "/api/map",
                    {"source_kind": "official", "certainty": "reported", **week()},
                ),
                "export_week_geojson": lambda: ("/api/export", {"format": "geojson", **week()}),
            }
            result: dict[str, Any] = {"events": args.events, "repeat": args.repeat, "endpoints": {}}
            chosen = set(args.only.split(",")) if args.only else set(endpoints)
            for name, make in endpoints.items():
                if name not in chosen:
                    continue
                times = []
                for _ in range(args.repeat):
                    path, params = make()
                    t0 = time.perf_counter()
                    r = client.get(path, params=params)
                    times.append((time.perf_counter() - t0) * 1000)
                    if r.status_code != 200:
                        raise SystemExit(f"{name}: {r.status_code} {r.text[:200]}")
                times.sort()
                p95 = times[int(0.95 * (len(times) - 1))]
                result["endpoints"][name] = {
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(p95, 1),
                }
                print(
                    f"{name:<18} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms", file=sys.stderr
                )
            if not args.no_browser:
                page = map_render(base)
                result["map_page"] = page
                print(
                    f"map page: {page['markers']} markers drawn in {page['render_ms']} ms (median; max "
                    f"{page['render_max_ms']}), empty map {page['empty_ms']} ms, "
                    f"ratio {page['ratio_to_empty']}",
                    file=sys.stderr,
                )
    finally:
        server.terminate()
        server.wait(10)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
