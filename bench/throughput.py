#!/usr/bin/env python3
"""Throughput of the ingest pipeline against a bare spaCy pass over the same texts, measured in one run.

Corpus: the Guardian articles (plain text, JSONL) and the Fundus news pages (gzip HTML, 41 countries) in
``../shared/data``. Phases:

  (a) spaCy alone: ``spacy.load(model).pipe`` over exactly the texts the pipeline sends to spaCy (the English
      ones, as extracted by wirewatch beforehand, untimed), in batches of the pipeline's own size;
  (b) the whole ingest (read, extract, detect language, NLP with the entity ruler, store) into a fresh SQLite
      database with 1 worker and ``stages=""`` (no stage after nlp);
  (b') the same with ``stages="claims"`` (attribution extraction after nlp);
  (b'') the same with ``stages="claims,geo,events"`` (the default: claims, places, then events);
  (c) the whole ingest with 2 workers and the default ``stages`` setting.

Each ingest runs warm (model loaded, extractor run once) in a fresh spawned process. (a) runs again after (c)
and the mean of the two passes is the baseline, since the machine's speed drifts over minutes.

Prints articles/s for each, ``ratio`` = time(a) / time(b) (1.0 means ingest, extraction and storage
cost nothing over the bare spaCy pass; the target is ≥ 0.8), ``workers2_speedup`` = time(b'') / time(c)
(both with the default stages), and the peak RSS of a worker. ``stage_overhead`` maps each later stage to
its time as a fraction of (a): ``stage_overhead["claims"]`` = (time(b') - time(b)) / time(a) and
``stage_overhead["geo,events"]`` = (time(b'') - time(b')) / time(a); ``claims_seconds`` is time(b') and
``n_claims`` the claims stored by (b'), ``n_places`` the places stored by (b''). Those differences of two
whole ingests are within the machine's drift, so (d) also times each stage directly: the same texts parsed
by the pipeline's model, then ``claims.attribution.extract``, ``geo.resolve.places`` and
``events.extract.extract`` on each doc, each on its own clock; ``stage_overhead_direct[stage]`` = stage time
/ parse time (targets: claims ≤ 0.15, geo ≤ 0.10, events ≤ 0.15). Phase (c) runs the default stages
(claims, geo, events). (e) measures the geo stage's memory in a fresh process: the high-water RSS after
parsing every text without geo, then after resolving their places (``geo_rss_mb``, the target is ≤ 150 MB).

Live blog: a synthetic 5,000-word live blog (many short timestamped updates with quotes, "said",
"according to" and unbalanced quotation marks) is parsed once with the pipeline's model
(``liveblog_parse_seconds``) and the claims stage runs alone on that parsed doc (``liveblog_claims_seconds``,
``liveblog_n_claims``): the worst case for the rules is one long doc of many short sentences.

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


def _timed_ingest(sources: list[str], workers: int, stages: str | None) -> tuple[float, int, int, int]:
    """Ingest ``sources`` into a fresh SQLite database; returns (seconds, failed inputs, claims stored,
    places stored).

    ``stages`` is the ``stages`` setting (``None``: the default). Start-up is not timed, as in phase (a): the
    model is loaded (in this process, or in every pool worker) and the extractor, language model and stages
    have run once before the clock starts. Claims are counted from the store afterwards, untimed.
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
        settings = load_settings({"workers": workers, "db": db, "stages": stages})
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
            n_claims = n_places = 0
            for summary in store.articles():  # "skipped" too: an article with a stage left out
                analysis = store.analysis(summary["id"])
                n_claims += len(analysis.claims) if analysis is not None else 0
                n_places += len(analysis.places) if analysis is not None else 0
    return elapsed, report.count("failed"), n_claims, n_places


def _geo_memory(texts: list[str], model_name: str) -> dict[str, float]:
    """Phase (e), in a fresh process: the high-water RSS after parsing every text, then after resolving the
    places of every text too. The difference is what the geo stage (gazetteer connection, shape cache,
    candidates) adds over the spaCy process."""
    from wirewatch import nlp
    from wirewatch.geo.resolve import places
    from wirewatch.geo.stage import open_default
    from wirewatch.pipeline import NLP_BATCH
    from wirewatch.settings import load_settings

    model = nlp.load(model_name)
    for k in range(0, len(texts), NLP_BATCH):
        list(model.pipe(texts[k : k + NLP_BATCH], batch_size=NLP_BATCH))
    before = _vm_hwm_mb()
    gazetteer = open_default(load_settings({}))
    for k in range(0, len(texts), NLP_BATCH):
        for doc in model.pipe(texts[k : k + NLP_BATCH], batch_size=NLP_BATCH):
            places(doc, "bench", gazetteer)
    return {"spacy_rss_mb": round(before, 1), "geo_rss_mb": round(_vm_hwm_mb() - before, 1)}


def _vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return peak_rss_mb(resource.RUSAGE_SELF)


_LIVEBLOG_UPDATES = (
    "“We are holding the line,” {person} said.",
    "According to {outlet}, {n} drones were shot down over {place} overnight.",
    "{person} told reporters that the convoy had reached {place}, but gave no details.",
    "“The situation is difficult, {person} said, adding that evacuations would continue.",
    "Officials in {place} said at least {n} people were injured; the figure could not be verified.",
    "{outlet} reported that air-raid sirens sounded across {place}.",
    "A spokesperson denied the report.” No further comment was given.",
    'The "humanitarian corridor from {place} has reportedly reopened, {outlet} said.',
    "“It is highly likely that the strike was deliberate,” {person} said, citing {outlet}.",
    "Residents said the shelling stopped at dawn.",
    "{person}, according to {outlet}, said that talks would resume “as soon as possible.",
    "Power was restored to {n} homes in {place}.",
)
_LIVEBLOG_FILL = {
    "person": ("Volodymyr Zelensky", "Dmitry Peskov", "John Kirby", "the governor", "a military spokesman"),
    "outlet": ("Reuters", "the BBC", "Interfax-Ukraine", "the Kyiv Independent", "TASS"),
    "place": ("Kharkiv", "Odesa", "Zaporizhzhia", "Bakhmut", "Kherson", "Lviv"),
    "n": ("3", "12", "40", "seven", "dozens of"),
}


def liveblog_text(words: int = 5000) -> str:
    """A synthetic live blog of about ``words`` words: timestamped paragraphs of 1 to 3 short updates."""
    paragraphs: list[str] = []
    total = 0
    k = 0
    minute = 0
    while total < words:
        updates = []
        for _ in range(1 + k % 3):
            template = _LIVEBLOG_UPDATES[k % len(_LIVEBLOG_UPDATES)]
            fill = {
                key: vals[(k * 7 + i) % len(vals)] for i, (key, vals) in enumerate(_LIVEBLOG_FILL.items())
            }
            update = template.format(**fill)
            updates.append(update[0].upper() + update[1:])
            k += 1
        paragraph = f"{minute // 60:02d}:{minute % 60:02d} GMT — " + " ".join(updates)
        paragraphs.append(paragraph)
        total += len(paragraph.split())
        minute = (minute + 7) % (24 * 60)
    return "\n\n".join(paragraphs)


def liveblog_timing(model_name: str) -> dict[str, float | int]:
    """Parse the synthetic live blog with the pipeline's model; time the claims stage alone on that doc."""
    from wirewatch import nlp
    from wirewatch.claims import attribution

    model = nlp.load(model_name)
    text = liveblog_text()
    model("Officials said so.")  # warm
    started = time.perf_counter()
    doc = model(text)
    parse = time.perf_counter() - started
    started = time.perf_counter()
    claims = attribution.extract(doc, "liveblog")
    extract = time.perf_counter() - started
    return {
        "liveblog_parse_seconds": round(parse, 3),
        "liveblog_claims_seconds": round(extract, 3),
        "liveblog_words": len(text.split()),
        "liveblog_sentences": sum(1 for _ in doc.sents),
        "liveblog_n_claims": len(claims),
    }


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

    from wirewatch.claims.attribution import extract as extract_claims
    from wirewatch.events.extract import extract as extract_events
    from wirewatch.geo.resolve import places as resolve_places
    from wirewatch.geo.stage import open_default
    from wirewatch.nlp import load as load_model

    claims_model = load_model(settings.spacy_model)  # the pipeline's own (with wirewatch's entity ruler)
    gazetteer = open_default(settings)  # built here, untimed, if this machine has none yet
    stage_time = {"claims": 0.0, "geo": 0.0, "events": 0.0}

    def spacy_pass(stages: bool = False) -> float:
        """The bare pass; with ``stages`` the claims and geo stages also run on each doc, each timed on its
        own clock."""
        started = time.perf_counter()
        if not stages:
            for _ in bare.pipe(texts, batch_size=NLP_BATCH):  # the pipeline's own batch size: like for like
                pass
            return time.perf_counter() - started
        parse = 0.0
        for k in range(0, len(texts), NLP_BATCH):
            t0 = time.perf_counter()
            docs = list(claims_model.pipe(texts[k : k + NLP_BATCH], batch_size=NLP_BATCH))
            parse += time.perf_counter() - t0
            t0 = time.perf_counter()
            claims = [extract_claims(doc, "bench") for doc in docs]
            t1 = time.perf_counter()
            places = [resolve_places(doc, "bench", gazetteer, demonyms=settings.geo_demonyms) for doc in docs]
            t2 = time.perf_counter()
            for doc, c, p in zip(docs, claims, places, strict=True):
                extract_events(doc, "bench", published="2024-01-01", claims=c, places=p)
            stage_time["claims"] += t1 - t0
            stage_time["geo"] += t2 - t1
            stage_time["events"] += time.perf_counter() - t2
        return parse

    t_spacy_before = spacy_pass()
    print(
        f"(a) spaCy alone:        {t_spacy_before:7.2f}s  {len(texts) / t_spacy_before:6.2f} docs/s", file=log
    )

    peaks: dict[str, float] = {}

    def ingest(workers: int, stages: str | None) -> tuple[float, int, int]:
        # each ingest runs in a fresh spawned process, as `wirewatch ingest` would: its peak RSS (and its
        # pool workers') is then its own, not the bare-spaCy batch of phase (a) held by this process
        ctx = multiprocessing.get_context("spawn")
        with PeakWatcher() as watcher, ProcessPoolExecutor(1, mp_context=ctx) as runner:
            elapsed, failed, n_claims, n_places = runner.submit(
                _timed_ingest, sources, workers, stages
            ).result()
        peaks[f"{workers}:{stages}"] = max(watcher.peaks.values(), default=0.0)
        if failed:
            print(f"    ({failed} inputs failed)", file=log)
        return elapsed, n_claims, n_places

    t_one, _, _ = ingest(1, "")
    print(f"(b) ingest, 1 worker:   {t_one:7.2f}s  {n_inputs / t_one:6.2f} docs/s", file=log)
    t_claims, n_claims, _ = ingest(1, "claims")
    print(
        f"(b') + claims stage:    {t_claims:7.2f}s  {n_inputs / t_claims:6.2f} docs/s  {n_claims} claims",
        file=log,
    )
    t_full, _, n_places = ingest(1, "claims,geo,events")
    print(
        f"(b'') + geo, events:    {t_full:7.2f}s  {n_inputs / t_full:6.2f} docs/s  {n_places} places",
        file=log,
    )
    t_two, _, _ = ingest(2, None)
    print(f"(c) ingest, 2 workers:  {t_two:7.2f}s  {n_inputs / t_two:6.2f} docs/s", file=log)
    # the machine's speed drifts over minutes: (a) again, and the mean of both is the baseline
    t_spacy_after = spacy_pass()
    print(
        f"(a) spaCy alone again:  {t_spacy_after:7.2f}s  {len(texts) / t_spacy_after:6.2f} docs/s", file=log
    )
    t_spacy = (t_spacy_before + t_spacy_after) / 2
    # the stages timed directly on the same docs: free of the drift between two whole ingests
    t_parse_direct = spacy_pass(stages=True)
    print(
        f"(d) claims stage alone: {stage_time['claims']:7.2f}s, geo: {stage_time['geo']:7.2f}s, "
        f"events: {stage_time['events']:7.2f}s "
        f"after a {t_parse_direct:.2f}s parse of the texts",
        file=log,
    )
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=ctx) as runner:
        memory = runner.submit(_geo_memory, texts, settings.spacy_model).result()
    print(
        f"(e) geo stage memory: +{memory['geo_rss_mb']} MB over a {memory['spacy_rss_mb']} MB spaCy process",
        file=log,
    )
    liveblog = liveblog_timing(settings.spacy_model)
    print(
        f"live blog: {liveblog['liveblog_words']} words parsed in {liveblog['liveblog_parse_seconds']}s, "
        f"claims stage {liveblog['liveblog_claims_seconds']}s ({liveblog['liveblog_n_claims']} claims)",
        file=log,
    )
    peak_one = max(peaks["1:"], peaks["1:claims"], peaks["1:claims,geo,events"])
    # like for like: the 1-worker run with the stages the 2-worker run used (the default setting)
    t_same = {frozenset(): t_one, frozenset({"claims"}): t_claims}.get(settings.stage_set, t_full)

    result = {
        "spacy_docs_per_s": round(len(texts) / t_spacy, 3),
        "pipeline_docs_per_s": round(n_inputs / t_one, 3),
        "workers2_docs_per_s": round(n_inputs / t_two, 3),
        "ratio": round(t_spacy / t_one, 3),
        "workers2_speedup": round(t_same / t_two, 3),
        # the largest peak of any one process that ingested: the 1-worker runs, the 2-worker run's
        # coordinator and its workers (this process, which held phase (a)'s whole spaCy batch, is apart)
        "peak_rss_mb": round(max(peaks.values()), 1),
        "peak_rss_mb_1_worker": round(peak_one, 1),  # the largest of (b), (b') and (b'')
        "peak_rss_mb_2_workers": round(peaks["2:None"], 1),
        "peak_rss_mb_bench_process": round(peak_rss_mb(resource.RUSAGE_SELF), 1),
        "spacy_seconds": [round(t_spacy_before, 2), round(t_spacy_after, 2)],
        "stage_overhead": {
            "claims": round((t_claims - t_one) / t_spacy, 3),
            "geo,events": round((t_full - t_claims) / t_spacy, 3),
        },
        "stage_overhead_direct": {
            "claims": round(stage_time["claims"] / t_parse_direct, 3),
            "geo": round(stage_time["geo"] / t_parse_direct, 3),
            "events": round(stage_time["events"] / t_parse_direct, 3),
        },
        **memory,
        "claims_seconds": round(t_claims, 2),
        "n_claims": n_claims,
        "n_places": n_places,
        **liveblog,
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
