#!/usr/bin/env python3
"""Scale-out benchmark (issue 9): Dask against one process, PostgreSQL against SQLite, and the client's memory
over a long stream. Three parts, each measured against a baseline run in this same process:

``speedup``
    The shared corpus (as bench/throughput.py: the Guardian texts, JSONL, and the Fundus news pages, gzip
    HTML) ingested into a fresh SQLite database twice with the default ``stages``: on a Dask LocalCluster of
    2 workers, then in this process with 1 worker. Both warm (the model loaded, here or on every worker by
    the warm-up plugin, and a sample of 8 inputs analysed by each process, so every stage's lazy imports and
    caches are filled) before the clock starts; the cluster's start-up is not timed.
    The in-process run comes after the cluster is closed, so it has both cores to itself.
    ``dask2_speedup`` = in-process seconds / Dask seconds; with ``--repeat N``, N rounds (cluster, Dask run,
    in-process run) and the median of their ratios (this machine's speed drifts by about 10% from minute to
    minute, so one round can land well off the middle).

``pg``
    The Dask run of ``speedup`` again, on the same warm cluster, right after it, into a fresh PostgreSQL
    schema: ``pg_vs_sqlite`` = PostgreSQL's articles/s / SQLite's, for the whole ingest (the team's case: the
    analysis on the cluster, this process the one writer). Then the store alone: the analyses of the
    in-process run (recorded as they were made) are ingested again with ``run_batch``, whose analyser hands
    back the recorded results, into a fresh SQLite file and a fresh PostgreSQL schema (every input checked
    against the store, every article in its own transaction, failures stored). Three rounds, alternating;
    medians: ``pg_vs_sqlite_store``. (With ``--repeat``, the Dask run into PostgreSQL is made in every round,
    before the one into SQLite in odd rounds and after it in even ones: a cluster's second run is warmer.)

``stream``
    ``--stream`` (100,000) small articles, generated as they are read (never on disk), ingested through the
    Dask cluster into SQLite. This (client) process reads, submits and writes; its resident memory is sampled
    every 0.1 s. ``rss_growth`` = the highest RSS after the first 1,000 articles are stored / the RSS at that
    point (the inputs are streamed, at most 2 × threads batches run and 4 × that are held, and the report
    keeps counts, not outcomes, so it should stay near 1).

    python bench/scale.py [--json] [--limit N] [--stream N] [--repeat N] [--parts speedup,pg,stream]
                          [--postgres URL|none] [--data ../shared/data]

The PostgreSQL URL defaults to ``$WIREWATCH_TEST_POSTGRES_URL``, else ``postgresql://postgres@127.0.0.1/test``;
the benchmark works in a schema of its own, dropped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from throughput import DEFAULT_DATA, corpus  # noqa: E402

WARM_PAGE = b"<html><body><p>" + b"Officials in Kyiv said so. " * 40 + b"</p></body></html>"
PLACES = ("Kyiv", "Kharkiv", "Odesa", "Kherson", "Donetsk", "Kursk", "Belgorod", "Zaporizhzhia", "Sumy")
PARTS = ("speedup", "pg", "stream")


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class RssSampler:
    """Samples this process's resident size every 0.1 s: the highest seen since :meth:`mark` (or start)."""

    def __init__(self) -> None:
        self.start = self.base = self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def mark(self) -> None:
        """From now on: the base is the current size, and the peak is measured from here."""
        self.base = self.peak = _rss_mb()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, _rss_mb())

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def _ingest(sources: list[str], db: str, **kwargs: Any) -> tuple[float, dict[str, int]]:
    from wirewatch.pipeline import run_batch
    from wirewatch.settings import load_settings
    from wirewatch.store import open_store

    settings = load_settings({"db": db, "workers": 1})
    with open_store(db) as store:
        started = time.perf_counter()
        report = run_batch(sources, store, settings, keep=0, **kwargs)
        return time.perf_counter() - started, report.counts


def recording(settings: Any, into: list[Any]) -> Any:
    """An analyser that analyses in this process (as run_batch does with 1 worker), keeping every result."""
    from wirewatch.pipeline import _analyses

    def analyses(raws: Iterable[Any]) -> Iterator[Any]:
        for pair in _analyses(raws, settings):
            into.append(pair)
            yield pair

    return analyses


def replaying(recorded: list[Any]) -> Any:
    """An analyser that hands back the recorded results: only the store's work is left to do."""
    results = {raw.name: result for raw, result in recorded}

    def analyses(raws: Iterable[Any]) -> Iterator[Any]:
        for raw in raws:
            yield raw, results[raw.name]

    return analyses


@contextlib.contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A new schema in the server at ``base``; the URL that works in it. Dropped afterwards."""
    import psycopg

    schema = f"wirewatch_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    parts = urlsplit(base)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    try:
        yield urlunsplit(parts._replace(query=urlencode(query)))
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def synthetic(n: int) -> Iterator[Any]:
    """``n`` short wire reports, made as they are read."""
    from wirewatch.records import RawDocument

    for i in range(n):
        place = PLACES[i % len(PLACES)]
        text = (
            f"Officials in {place} said on Monday that drones hit a fuel depot, report {i}. "
            f"Two people were hurt, the regional governor said."
        )
        yield RawDocument(
            name=f"synthetic-{i}",
            data=text.encode(),
            kind="text",
            published=f"2024-05-{1 + i % 28:02d}",
            outlet="Synthetic Wire",
        )


def _warm_sample(sources: list[str], settings: Any, size: int = 8) -> list[Any]:
    """The warm-up: a page and the first few inputs of each source file (text and HTML), so that every lazy
    import and cache of every stage is filled before the clock starts, in each process alike."""
    from wirewatch.ingest.sources import InputFailure, read_sources
    from wirewatch.records import RawDocument

    sample: list[Any] = [RawDocument(name="warm", data=WARM_PAGE, kind="html")]
    for item in read_sources(sources[: size // 2] + sources[-(size // 2) :], settings):
        if not isinstance(item, InputFailure):
            sample.append(item)
        if len(sample) > size:
            break
    return sample


def part_speedup(
    sources: list[str], tmp: Path, recorded: list[Any], pg_base: str | None, repeat: int
) -> dict[str, Any]:
    from wirewatch.pipeline import analyze_batch, producer
    from wirewatch.pipeline_dask import DaskTarget, dask_analyser, dask_client
    from wirewatch.settings import load_settings

    settings = load_settings({"workers": 1})
    warm = _warm_sample(sources, settings)
    producer(settings)  # this process's one-time imports (spaCy, for the model's version): not timed
    dask_s: list[float] = []
    pg_s: list[float] = []
    local_s: list[float] = []
    same = True
    for round_ in range(repeat):
        with dask_client(DaskTarget(workers=2), settings) as client:
            client.run(analyze_batch, warm, settings)  # every worker: model (plugin) and every stage warm

            def into_sqlite(db: str) -> dict[str, int]:
                s, counts = _ingest(sources, db, analyser=dask_analyser(client, settings))
                dask_s.append(s)
                return counts

            def into_postgres(base: str) -> dict[str, int]:
                with postgres_schema(base) as url:
                    _ingest([], url, raws=iter(()))  # the schema's migrations, not timed (as SQLite's file)
                    s, counts = _ingest(sources, url, analyser=dask_analyser(client, settings))
                pg_s.append(s)
                return counts

            # the same run on the same warm cluster into PostgreSQL; which goes first alternates by round
            if pg_base is not None and round_ % 2 == 1:
                pg_counts = into_postgres(pg_base)
            dask_counts = into_sqlite(str(tmp / f"dask{round_}.db"))
            if pg_base is not None and round_ % 2 == 0:
                pg_counts = into_postgres(pg_base)
            if pg_base is not None:
                same = same and pg_counts == dask_counts
        analyze_batch(warm, settings)  # the cluster is closed: the in-process run has both cores to itself
        into = recorded if round_ == 0 else []
        s, local_counts = _ingest(sources, str(tmp / f"local{round_}.db"), analyser=recording(settings, into))
        local_s.append(s)
        same = same and local_counts == dask_counts
    n = sum(local_counts.values())
    speedups = [a / b for a, b in zip(local_s, dask_s, strict=True)]
    pg: dict[str, Any] = {}
    if pg_s:
        ratios = [a / b for a, b in zip(dask_s, pg_s, strict=True)]
        pg = {
            "pg_vs_sqlite": round(statistics.median(ratios), 2),
            "pg_vs_sqlite_each": [round(r, 2) for r in ratios],
            "dask2_pg_seconds": [round(t, 2) for t in pg_s],
            "dask2_pg_articles_per_s": round(n / statistics.median(pg_s), 2),
        }
    return {
        **pg,
        "inputs": n,
        "counts": local_counts,
        "counts_match": same,
        "inprocess_seconds": [round(t, 2) for t in local_s],
        "dask2_seconds": [round(t, 2) for t in dask_s],
        "inprocess_articles_per_s": round(n / statistics.median(local_s), 2),
        "dask2_articles_per_s": round(n / statistics.median(dask_s), 2),
        "dask2_speedup": round(statistics.median(speedups), 2),
        "dask2_speedup_each": [round(r, 2) for r in speedups],
    }


def part_store(recorded: list[Any], tmp: Path, base_url: str) -> dict[str, Any]:
    sources: list[str] = []
    names = [raw.name for raw, _ in recorded]
    times: dict[str, list[float]] = {"sqlite": [], "postgres": []}
    counts: dict[str, dict[str, int]] = {}
    for round_ in range(3):
        s, counts["sqlite"] = _ingest(
            sources, str(tmp / f"replay{round_}.db"), raws=_raws(recorded), analyser=replaying(recorded)
        )
        times["sqlite"].append(s)
        with postgres_schema(base_url) as url:
            s, counts["postgres"] = _ingest(sources, url, raws=_raws(recorded), analyser=replaying(recorded))
        times["postgres"].append(s)
    sqlite_s, pg_s = statistics.median(times["sqlite"]), statistics.median(times["postgres"])
    return {
        "pg_vs_sqlite_store": round(sqlite_s / pg_s, 2),
        "store_inputs": len(names),
        "store_counts_match": counts["sqlite"] == counts["postgres"],
        "store_sqlite_seconds": [round(t, 2) for t in times["sqlite"]],
        "store_pg_seconds": [round(t, 2) for t in times["postgres"]],
        "store_sqlite_articles_per_s": round(len(names) / sqlite_s, 1),
        "store_pg_articles_per_s": round(len(names) / pg_s, 1),
    }


def _raws(recorded: list[Any]) -> Iterator[Any]:
    return (raw for raw, _ in recorded)


def part_stream(n: int, tmp: Path, quiet: bool) -> dict[str, Any]:
    from wirewatch.pipeline import Outcome, analyze_raw, producer
    from wirewatch.pipeline_dask import DaskTarget, dask_analyser, dask_client
    from wirewatch.settings import load_settings

    settings = load_settings({"workers": 1})
    first = min(1000, max(n // 10, 1))
    done = 0

    with dask_client(DaskTarget(workers=2), settings) as client, RssSampler() as rss:
        client.run(analyze_raw, next(synthetic(1)), settings)
        producer(settings)  # the client's one-time imports (spaCy for the model's version), not growth

        def on_outcome(o: Outcome) -> None:
            nonlocal done
            done += 1
            if done == first:
                rss.mark()
            if not quiet and done % 10_000 == 0:
                print(f"stream: {done:,} stored, RSS {_rss_mb():.0f} MB", file=sys.stderr, flush=True)

        seconds, counts = _ingest(
            [],
            str(tmp / "stream.db"),
            raws=synthetic(n),
            analyser=dask_analyser(client, settings),
            on_outcome=on_outcome,
        )
    return {
        "stream_articles": n,
        "stream_counts": counts,
        "stream_seconds": round(seconds, 1),
        "stream_articles_per_s": round(n / seconds, 1),
        "rss_growth": round(rss.peak / rss.base, 3),
        "rss_after_first_mb": round(rss.base, 1),
        "rss_first_count": first,
        "rss_peak_after_mb": round(rss.peak, 1),
        "rss_start_mb": round(rss.start, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object only")
    parser.add_argument("--limit", type=int, help="use only N Guardian texts and N pages (quick check)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--stream", type=int, default=100_000, help="synthetic articles in the stream part")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds of the speedup (and pg) runs; the ratios printed are the medians of the rounds",
    )
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"which parts to run, comma-separated: {', '.join(PARTS)}"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("WIREWATCH_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test",
        help="a PostgreSQL server to measure in (a schema of its own is made and dropped), or 'none'",
    )
    args = parser.parse_args()
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    if unknown := set(parts) - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    for noisy in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.ERROR)

    from wirewatch.ingest import sources as _sources  # noqa: F401  (imported before measuring memory)

    result: dict[str, Any] = {"dask2_speedup": None, "pg_vs_sqlite": None, "rss_growth": None}
    recorded: list[Any] = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        sources = corpus(args.data, args.limit) if {"speedup", "pg"} & set(parts) else []
        pg_base = None if args.postgres == "none" else args.postgres
        if "speedup" in parts:
            pg = pg_base if "pg" in parts else None
            result.update(part_speedup(sources, tmp, recorded, pg, args.repeat))
        if "pg" in parts and pg_base is not None:
            if not recorded:
                from wirewatch.settings import load_settings

                _ingest(sources, str(tmp / "record.db"), analyser=recording(load_settings({}), recorded))
            result.update(part_store(recorded, tmp, pg_base))
        if "stream" in parts and args.stream > 0:
            result.update(part_stream(args.stream, tmp, quiet=args.json))
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
