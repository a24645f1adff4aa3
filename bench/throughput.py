#!/usr/bin/env python3
"""Throughput of the ingest pipeline against a bare spaCy pass over the same texts, measured in one run.

Corpus: the Guardian articles (plain text, JSONL) and the Fundus news pages (gzip HTML, 41 countries) in
``../shared/data``. Phases:

  (a) spaCy alone: ``spacy.load(model).pipe`` over exactly the texts the pipeline sends to spaCy (the English
      ones, as extracted by wirewatch beforehand, untimed);
  (b) the whole ingest (read, extract, detect language, NLP with the entity ruler, store) into a fresh SQLite
      database with 1 worker;
  (c) the same with 2 workers.

Prints articles/s for each, ``ratio`` = time(a) / time(b) (1.0 means ingest, extraction and storage cost nothing
over the bare spaCy pass; the target is ≥ 0.8), ``workers2_speedup`` = time(b) / time(c), and the peak RSS of
a worker. ``stage_overhead`` maps each later stage (claims, geo, events) to its time as a fraction of (a) once
those stages exist.

    python bench/throughput.py [--json] [--limit N] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--limit", type=int, help="use only N Guardian texts and N pages (quick check)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    args = parser.parse_args()

    import logging

    import spacy

    from wirewatch.ingest.sources import read_sources
    from wirewatch.pipeline import _safe_analyze, run_batch
    from wirewatch.records import Analysis
    from wirewatch.settings import load_settings
    from wirewatch.store import open_store

    for noisy in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    settings = load_settings({"workers": 1})
    sources = corpus(args.data, args.limit)
    log = sys.stderr

    # untimed: which texts does the pipeline hand to spaCy?
    raws = [r for r in read_sources(sources, settings) if not hasattr(r, "error")]
    texts: list[str] = []
    for raw in raws:
        result = _safe_analyze(raw, settings)  # also warms up the model and the extractor
        if isinstance(result, Analysis) and not result.skipped:
            texts.append(result.article.text)
    n_inputs = len(raws)
    print(f"{n_inputs} inputs, {len(texts)} English texts sent to spaCy", file=log)

    bare = spacy.load(settings.spacy_model)
    list(bare.pipe(texts[:5]))
    t0 = time.perf_counter()
    for _ in bare.pipe(texts):
        pass
    t_spacy = time.perf_counter() - t0
    print(f"(a) spaCy alone:        {t_spacy:7.2f}s  {len(texts) / t_spacy:6.2f} docs/s", file=log)

    def ingest(workers: int) -> float:
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp) / "bench.db")
            s = settings.replace(workers=workers, db=db)
            with open_store(db) as store:
                t = time.perf_counter()
                report = run_batch(sources, store, s)
                elapsed = time.perf_counter() - t
            if report.count("failed"):
                print(f"    ({report.count('failed')} inputs failed)", file=log)
        return elapsed

    t_one = ingest(1)
    print(f"(b) ingest, 1 worker:   {t_one:7.2f}s  {n_inputs / t_one:6.2f} docs/s", file=log)
    t_two = ingest(2)
    print(f"(c) ingest, 2 workers:  {t_two:7.2f}s  {n_inputs / t_two:6.2f} docs/s", file=log)

    result = {
        "spacy_docs_per_s": round(len(texts) / t_spacy, 3),
        "pipeline_docs_per_s": round(n_inputs / t_one, 3),
        "workers2_docs_per_s": round(n_inputs / t_two, 3),
        "ratio": round(t_spacy / t_one, 3),
        "workers2_speedup": round(t_one / t_two, 3),
        "peak_rss_mb": round(max(peak_rss_mb(resource.RUSAGE_SELF), peak_rss_mb(resource.RUSAGE_CHILDREN)), 1),
        "peak_rss_mb_main": round(peak_rss_mb(resource.RUSAGE_SELF), 1),
        "peak_rss_mb_pool_worker": round(peak_rss_mb(resource.RUSAGE_CHILDREN), 1),
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
