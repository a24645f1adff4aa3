"""The per-article pipeline: stage contracts, one-article analysis, and the batch job that stores results.

Stages declare what they need and what they produce; :func:`check_order` verifies the order at import time,
so a stage can never read a record that an earlier stage did not make. Stages of later issues (claims, geo,
events) plug in here with their own entry function.

``analyze_raw`` is a pure function of one :class:`RawDocument`; it is what process-pool workers run. The batch
job (:func:`run_batch`) reads inputs in the main process, sends extraction and NLP to the workers, and writes
each finished article to the store in one transaction, so a killed job leaves no partial article and a re-run
finishes it without duplicates.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

import wirewatch
from wirewatch.errors import InputError, WirewatchError
from wirewatch.records import Analysis, RawDocument
from wirewatch.settings import Settings
from wirewatch.store.base import Store

__all__ = [
    "STAGES",
    "BatchReport",
    "Outcome",
    "Stage",
    "analyze_raw",
    "check_order",
    "producer",
    "run_batch",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    language_bound: bool  # skipped (not failed) for articles outside ``settings.languages``


STAGES: tuple[Stage, ...] = (
    Stage("ingest", requires=("raw",), assigns=("article",), language_bound=False),
    Stage("nlp", requires=("article",), assigns=("doc", "entities"), language_bound=True),
    Stage("claims", requires=("doc", "entities"), assigns=("claims",), language_bound=True),
    Stage("geo", requires=("doc", "entities"), assigns=("places",), language_bound=True),
    Stage("events", requires=("doc", "claims", "places"), assigns=("events",), language_bound=True),
)
"""Stages in run order; ``claims``, ``geo`` and ``events`` are declared, not built: they add empty lists."""

BUILT_STAGES = frozenset({"ingest", "nlp"})


def check_order(stages: Iterable[Stage]) -> None:
    """Raise ``RuntimeError`` when a stage needs a record that no earlier stage assigns."""
    available = {"raw"}
    for stage in stages:
        missing = [r for r in stage.requires if r not in available]
        if missing:
            raise RuntimeError(f"stage {stage.name!r} requires {missing} before any stage assigns them")
        available.update(stage.assigns)


check_order(STAGES)


def producer(settings: Settings) -> dict[str, str]:
    """Versions of everything that made a record; stored with every article and run."""
    return dict(_producer(settings.spacy_model))


@functools.cache
def _producer(spacy_model: str) -> tuple[tuple[str, str], ...]:
    from importlib.metadata import version

    from wirewatch import nlp

    return (
        ("wirewatch", wirewatch.__version__),
        ("spacy", version("spacy")),
        ("spacy_model", nlp.model_version_of(spacy_model)),
        ("trafilatura", version("trafilatura")),
    )


def analyze_raw(raw: RawDocument, settings: Settings) -> Analysis:
    """Run every built stage on one input. Raises :class:`WirewatchError` for bad input."""
    from wirewatch import nlp
    from wirewatch.ingest.extract import extract

    article = extract(raw, settings)
    prod = producer(settings)
    if article.language not in settings.language_set:
        reason = f"language {article.language or 'unknown'}"
        skipped = {s.name: reason for s in STAGES if s.language_bound}
        return Analysis(article=article, producer=prod, skipped=skipped)
    model = nlp.load(settings.spacy_model)
    doc = model(article.text)
    return Analysis(article=article, entities=tuple(nlp.entities(doc)), producer=prod)


# --- the batch job ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one input: ``new``, ``updated``, ``unchanged``, ``skipped`` or ``failed``.

    ``error`` is the one-line error of a failed input, or why a stored input was skipped ("language ru").
    """

    name: str
    status: str
    article_id: str | None = None
    title: str | None = None
    error: str | None = None


@dataclass(slots=True)
class BatchReport:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def counts(self) -> dict[str, int]:
        keys = ("new", "updated", "unchanged", "skipped", "failed")
        return {k: self.count(k) for k in keys}

    @property
    def all_failed(self) -> bool:
        return bool(self.outcomes) and all(o.status == "failed" for o in self.outcomes)


_worker_settings: Settings | None = None


def _worker_init(settings: Settings) -> None:
    """Process-pool initializer: load the spaCy model once per worker."""
    global _worker_settings
    from wirewatch import nlp

    _worker_settings = settings
    nlp.load(settings.spacy_model)


def _worker_analyze(raw: RawDocument) -> Analysis | WirewatchError:
    assert _worker_settings is not None
    try:
        return analyze_raw(raw, _worker_settings)
    except WirewatchError as e:
        return e


def _safe_analyze(raw: RawDocument, settings: Settings) -> Analysis | WirewatchError:
    try:
        return analyze_raw(raw, settings)
    except WirewatchError as e:
        return e
    except Exception as e:  # a bug in a stage must not stop the batch; it is stored as the input's error
        log.exception("unexpected error on %s", raw.name)
        return InputError(f"internal error ({type(e).__name__}: {e}); please report it", input=raw.name)


def _analyses(
    raws: Iterable[RawDocument], settings: Settings
) -> Iterator[tuple[RawDocument, Analysis | WirewatchError]]:
    """Analyse in this process (1 worker) or a process pool, keeping a bounded number in flight."""
    if settings.workers <= 1:
        for raw in raws:
            yield raw, _safe_analyze(raw, settings)
        return
    limit = settings.workers * 4
    # spawn, not fork: the reader runs fetch threads, which fork would copy mid-flight, and a forked worker
    # would also inherit (and be charged for) whatever memory the parent holds.
    with ProcessPoolExecutor(
        max_workers=settings.workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(settings,),
    ) as pool:
        # Results are stored in input order, as with one worker: when two inputs are versions of one
        # article (same canonical URL), the later input is the one that stays, whatever finishes first.
        pending: deque[tuple[RawDocument, Future[Analysis | WirewatchError]]] = deque()
        for raw in raws:
            pending.append((raw, pool.submit(_worker_analyze, raw)))
            while len(pending) >= limit or (pending and pending[0][1].done()):
                head, fut = pending.popleft()
                yield head, _result(fut)
        while pending:
            head, fut = pending.popleft()
            yield head, _result(fut)


def _result(fut: Future[Analysis | WirewatchError]) -> Analysis | WirewatchError:
    try:
        return fut.result()
    except Exception as e:  # a worker that died (e.g. out of memory) fails that input only
        return InputError(f"worker failed ({type(e).__name__}: {e})")


def run_batch(
    sources: Iterable[str],
    store: Store,
    settings: Settings,
    *,
    command: str = "ingest",
    published: str | None = None,
    outlet: str | None = None,
    raws: Iterable[RawDocument] | None = None,
    force: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchReport:
    """Read ``sources`` (or re-run ``raws``), analyse, and store each article in its own transaction.

    ``published`` / ``outlet`` fill in inputs that carry none. With ``force`` (reprocess) inputs whose bytes
    are already stored are analysed again; otherwise they are reported unchanged without any work.
    """
    from wirewatch.ingest.sources import InputFailure, read_sources

    report = BatchReport()
    started = time.perf_counter()
    run_id = store.start_run(command, producer(settings), dataclasses.asdict(settings))

    def emit(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    def todo() -> Iterator[RawDocument]:
        items: Iterable[RawDocument | InputFailure] = (
            raws if raws is not None else read_sources(sources, settings)
        )
        for item in items:
            if isinstance(item, InputFailure):
                store.save_failure(item.name, item.error, item.data, run_id)
                emit(Outcome(item.name, "failed", error=str(item.error)))
                continue
            if published or outlet:
                item = dataclasses.replace(
                    item, published=item.published or published, outlet=item.outlet or outlet
                )
            if not force:
                known = store.known_raw(item)
                if known is not None:
                    emit(Outcome(item.name, "unchanged", article_id=known))
                    continue
            yield item

    try:
        for raw, result in _analyses(todo(), settings):
            if isinstance(result, WirewatchError):
                if result.input is None:
                    result.input = raw.name
                store.save_failure(raw.name, result, raw.data, run_id, url=raw.url, raw=raw)
                emit(Outcome(raw.name, "failed", error=str(result)))
                continue
            saved: str = store.save_analysis(result, raw, run_id)
            reason = None
            if saved != "unchanged" and result.skipped:
                saved = "skipped"
                reason = "; ".join(sorted(set(result.skipped.values())))
            emit(Outcome(raw.name, saved, result.article.id, result.article.title, error=reason))
    finally:
        report.seconds = time.perf_counter() - started
        store.finish_run(run_id, report.counts)
    return report


def looks_like_html(data: bytes) -> bool:
    """True when the start of ``data`` looks like an HTML document or fragment."""
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")) or (
        head.startswith(b"<") and (b"<p" in head or b"<div" in head or b"<article" in head)
    )


def analyze(
    text_or_html: str | bytes,
    *,
    url: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    title: str | None = None,
    settings: Settings | None = None,
) -> Analysis:
    """Analyse one article given as HTML or as (scraped) text, without storing it.

    >>> from wirewatch import analyze
    >>> a = analyze(open("page.html").read(), url="https://example.org/a", published="2024-10-16")
    >>> a.article.title, [e.text for e in a.entities]
    """
    from wirewatch.settings import load_settings

    data = text_or_html.encode("utf-8") if isinstance(text_or_html, str) else text_or_html
    raw = RawDocument(
        name=url or "<text>",
        data=data,
        kind="html" if looks_like_html(data) else "text",
        url=url,
        title=title,
        published=published,
        outlet=outlet,
    )
    return analyze_raw(raw, settings or load_settings())
