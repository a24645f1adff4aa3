#!/usr/bin/env python3
"""Ingest in-process with 1 worker against ingest on a Dask LocalCluster of 2 workers, same inputs.

Corpus: as bench/throughput.py, the Guardian articles (plain text, JSONL) and the Fundus news pages
(gzip HTML) in ``../shared/data``. Each run ingests into a fresh SQLite database with the default
``stages``, warm: the model is loaded (here, or on every Dask worker by the warm-up plugin, and each
worker has analysed one page) before the clock starts; the cluster's start-up is not timed. The in-process
run comes after the cluster is closed, so it has both cores to itself.

Prints ``inprocess_seconds``, ``dask2_seconds``, articles/s for each, ``dask2_speedup`` = in-process time /
Dask time, and ``rss_growth``: how much the client (reader and writer) process's resident memory grew over
the Dask run, in MB (sampled every 0.1 s, after the client's one-time imports; the inputs are streamed and at
most 2 × threads batches are in flight, so it should not grow with the input).
``pg_vs_sqlite`` is null: it needs a PostgreSQL server, which this benchmark does not start.

    python bench/scale.py [--json] [--limit N] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from throughput import DEFAULT_DATA, corpus  # noqa: E402

WARM_PAGE = b"<html><body><p>" + b"Officials in Kyiv said so. " * 40 + b"</p></body></html>"


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class RssSampler:
    """The highest resident size of this process while the block runs, and its size at the start."""

    def __init__(self) -> None:
        self.start = self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

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


def _ingest(sources: list[str], db: str, analyser: Any = None) -> tuple[float, dict[str, int]]:
    from wirewatch.pipeline import run_batch
    from wirewatch.settings import load_settings
    from wirewatch.store import open_store

    settings = load_settings({"db": db, "workers": 1})
    with open_store(db) as store:
        started = time.perf_counter()
        report = run_batch(sources, store, settings, analyser=analyser)
        return time.perf_counter() - started, report.counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object only")
    parser.add_argument("--limit", type=int, help="use only N Guardian texts and N pages (quick check)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    args = parser.parse_args()
    for noisy in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.ERROR)

    from wirewatch.ingest import sources as _sources  # noqa: F401  (imported before measuring memory)
    from wirewatch.pipeline import analyze_raw, producer
    from wirewatch.pipeline_dask import DaskTarget, dask_analyser, dask_client
    from wirewatch.records import RawDocument
    from wirewatch.settings import load_settings

    sources = corpus(args.data, args.limit)
    warm = RawDocument(name="warm", data=WARM_PAGE, kind="html")
    settings = load_settings({"workers": 1})
    with tempfile.TemporaryDirectory() as tmp:
        with dask_client(DaskTarget(workers=2), settings) as client:
            client.run(analyze_raw, warm, settings)  # every worker: model (plugin) and extractor warm
            producer(settings)  # the client's one-time imports (spaCy for the model's version), not growth
            with RssSampler() as rss:
                dask_s, dask_counts = _ingest(
                    sources, str(Path(tmp) / "dask.db"), dask_analyser(client, settings)
                )
        analyze_raw(warm, settings)  # the cluster is closed: the in-process run has both cores to itself
        local_s, local_counts = _ingest(sources, str(Path(tmp) / "local.db"))
    n = sum(local_counts.values())
    result = {
        "inputs": n,
        "counts": local_counts,
        "counts_match": local_counts == dask_counts,
        "inprocess_seconds": round(local_s, 2),
        "dask2_seconds": round(dask_s, 2),
        "inprocess_articles_per_s": round(n / local_s, 2),
        "dask2_articles_per_s": round(n / dask_s, 2),
        "dask2_speedup": round(local_s / dask_s, 2),
        "rss_growth": round(rss.peak - rss.start, 1),
        "rss_client_start_mb": round(rss.start, 1),
        "pg_vs_sqlite": None,
        "pg_vs_sqlite_note": "not measured: needs a PostgreSQL server, which this benchmark does not start",
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
