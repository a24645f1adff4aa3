#!/usr/bin/env python3
"""Throughput of the ingest pipeline against a bare spaCy pass over the same texts, measured in one run.

Corpus: the Guardian articles (plain text, JSONL) and the Fundus news pages (gzip HTML, 41 countries) in
``../shared/data``. Phases:

  (a) spaCy alone: ``spacy.load(model).pipe`` over exactly the texts the pipeline sends to spaCy (the English
      ones, as extracted by wirewatch beforehand, untimed), in batches of the pipeline's own size;
  (b) the whole ingest (read, extract, detect language, NLP with the entity ruler, store) into a fresh SQLite
      database with 1 worker;
  (c) the same with 2 workers.

Prints articles/s for each, ``ratio`` = time(a) / time(b) (1.0 means ingest, extraction and storage
cost nothing over the bare spaCy pass; the target is ≥ 0.8), ``workers2_speedup`` = time(b) / time(c), and
the peak RSS of a worker. ``stage_overhead`` maps each later stage (claims, geo, events) to its time as a
fraction of (a) once those stages exist.

    python bench/throughput.py [--json] [--limit N] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"


def corpus(data: Path, limit: int | None) -> list[str]:
    """The inputs, as the CLI would receive them: one JSONL file of texts plus the HTML page files."""
    guardian = data / "news" / "guardian-ukraine-2022" / "articles.jsonl"
    pages = sorted((data / "extraction" / "fundus-testdata").glob("*/*.html.gz"))
    if not guardian.is_file() or not pages:
        sys.exit(f"error: {data}: the Guardian and Fundus sets are missing (see ../shared/data/README.md)")
    if limit is None:
        return [str(guardian), *map(str, pages)]
    tmp = Path(tempfile.mkdtemp(prefix="ww-bench-")) / "guardian.jsonl"
    lines = guardian.read_text(encoding="utf-8").splitlines()[:limit]
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(tmp), *map(str, pages[:limit])]


def peak_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


class PeakWatcher:
    """Polls the high-water RSS (``VmHWM``, kept by the kernel since exec) of every descendant process.

    ``getrusage(RUSAGE_CHILDREN)`` can't be used: a child started by fork+exec inherits the parent's
    high-water mark from before the exec, so it would report this process's size, not its own.
    """

    def __init__(self, interval: float = 0.2) -> None:
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    def __enter__(self) -> PeakWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self, interval: float) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(interval):
            for child in me.children(recursive=True):
                try:
                    with open(f"/proc/{child.pid}/status", encoding="ascii") as f:
                        hwm = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
                except (OSError, StopIteration, ValueError):
                    continue
                self.peaks[child.pid] = max(self.peaks.get(child.pid, 0.0), hwm / 1024)


def _warm(seconds: float) -> int:
    """A pool task that holds its worker a moment, so that every worker of a new pool has started."""
    time.sleep(seconds)
    return os.getpid()


def _timed_ingest(sources: list[str], workers: int) -> tuple[float, int]:
    """Ingest ``sources`` into a fresh SQLite database; returns (seconds, failed inputs).

    Start-up is not timed, as in phase (a): the model is loaded (in this process, or in every pool worker)
    and the extractor and language model have run once before the clock starts.
    """
    import logging

    from wirewatch.pipeline import analyze_raw, run_batch, worker_pool
    from wirewatch.records import RawDocument
    from wirewatch.settings import load_settings
    from wirewatch.store import open_store

    for noisy in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    warm = RawDocument(
        name="warm",
        data=b"<html><body><p>" + b"Officials said so. " * 40 + b"</p></body></html>",
        kind="html",
    )
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        db = str(Path(tmp) / "bench.db")
        settings = load_settings({"workers": workers, "db": db})
        pool = None
        if workers > 1:
            pool = stack.enter_context(worker_pool(settings))
            pids = {f.result() for f in [pool.submit(_warm, 1.0) for _ in range(workers)]}
            assert len(pids) == workers, pids
            for f in [pool.submit(analyze_raw, warm, settings) for _ in range(workers)]:
                f.result()
        else:
            analyze_raw(warm, settings)
        with open_store(db) as store:
            started = time.perf_counter()
            report = run_batch(sources, store, settings, executor=pool)
            elapsed = time.perf_counter() - started
    return elapsed, report.count("failed")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--limit", type=int, help="use only N Guardian texts and N pages (quick check)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    args = parser.parse_args()

    import logging

    import spacy

    from wirewatch.ingest.sources import InputFailure, read_sources
    from wirewatch.pipeline import NLP_BATCH, analyze_batch
    from wirewatch.records import Analysis
    from wirewatch.settings import load_settings

    for noisy in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    settings = load_settings({"workers": 1})
    sources = corpus(args.data, args.limit)
    log = sys.stderr

    # untimed: which texts does the pipeline hand to spaCy?
    raws = [r for r in read_sources(sources, settings) if not isinstance(r, InputFailure)]
    texts: list[str] = []
    for start in range(0, len(raws), NLP_BATCH):  # also warms up the model and the extractor
        for result in analyze_batch(raws[start : start + NLP_BATCH], settings):
            if isinstance(result, Analysis) and not result.skipped:
                texts.append(result.article.text)
    n_inputs = len(raws)
    print(f"{n_inputs} inputs, {len(texts)} English texts sent to spaCy", file=log)

    bare = spacy.load(settings.spacy_model)
    list(bare.pipe(texts[:5]))

    def spacy_pass() -> float:
        started = time.perf_counter()
        for _ in bare.pipe(texts, batch_size=NLP_BATCH):  # the pipeline's own batch size: like for like
            pass
        return time.perf_counter() - started

    t_spacy_before = spacy_pass()
    print(
        f"(a) spaCy alone:        {t_spacy_before:7.2f}s  {len(texts) / t_spacy_before:6.2f} docs/s", file=log
    )

    peaks: dict[int, float] = {}

    def ingest(workers: int) -> float:
        # each ingest runs in a fresh spawned process, as `wirewatch ingest` would: its peak RSS (and its
        # pool workers') is then its own, not the bare-spaCy batch of phase (a) held by this process
        ctx = multiprocessing.get_context("spawn")
        with PeakWatcher() as watcher, ProcessPoolExecutor(1, mp_context=ctx) as runner:
            elapsed, failed = runner.submit(_timed_ingest, sources, workers).result()
        peaks[workers] = max(watcher.peaks.values(), default=0.0)
        if failed:
            print(f"    ({failed} inputs failed)", file=log)
        return elapsed

    t_one = ingest(1)
    print(f"(b) ingest, 1 worker:   {t_one:7.2f}s  {n_inputs / t_one:6.2f} docs/s", file=log)
    t_two = ingest(2)
    print(f"(c) ingest, 2 workers:  {t_two:7.2f}s  {n_inputs / t_two:6.2f} docs/s", file=log)
    # the machine's speed drifts over minutes: (a) again, and the mean of both is the baseline
    t_spacy_after = spacy_pass()
    print(
        f"(a) spaCy alone again:  {t_spacy_after:7.2f}s  {len(texts) / t_spacy_after:6.2f} docs/s", file=log
    )
    t_spacy = (t_spacy_before + t_spacy_after) / 2

    result = {
        "spacy_docs_per_s": round(len(texts) / t_spacy, 3),
        "pipeline_docs_per_s": round(n_inputs / t_one, 3),
        "workers2_docs_per_s": round(n_inputs / t_two, 3),
        "ratio": round(t_spacy / t_one, 3),
        "workers2_speedup": round(t_one / t_two, 3),
        # the largest peak of any one process that ingested: the 1-worker run, the 2-worker run's
        # coordinator and its workers (this process, which held phase (a)'s whole spaCy batch, is apart)
        "peak_rss_mb": round(max(peaks.values()), 1),
        "peak_rss_mb_1_worker": round(peaks[1], 1),
        "peak_rss_mb_2_workers": round(peaks[2], 1),
        "peak_rss_mb_bench_process": round(peak_rss_mb(resource.RUSAGE_SELF), 1),
        "spacy_seconds": [round(t_spacy_before, 2), round(t_spacy_after, 2)],
        "stage_overhead": {},
        "n_inputs": n_inputs,
        "n_spacy_texts": len(texts),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:<24} {v}")


if __name__ == "__main__":
    main()
