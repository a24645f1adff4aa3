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

import contextlib
import dataclasses
import functools
import itertools
import logging
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import wirewatch
from wirewatch.errors import InputError, ModelError, WirewatchError
from wirewatch.records import Analysis, Article, RawDocument
from wirewatch.settings import OPTIONAL_STAGES, Settings
from wirewatch.store.base import Store

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "STAGES",
    "Analyser",
    "BatchReport",
    "Outcome",
    "Stage",
    "analyze_batch",
    "analyze_raw",
    "check_order",
    "producer",
    "run_batch",
    "worker_pool",
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
"""Stages in run order."""

BUILT_STAGES = frozenset({"ingest", "nlp", "claims", "geo", "events"})


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
    from wirewatch.claims.attribution import RULES_VERSION
    from wirewatch.events.extract import EVENTS_RULES_VERSION
    from wirewatch.geo.resolve import GEO_RULES_VERSION

    return (
        ("wirewatch", wirewatch.__version__),
        ("claims_rules", RULES_VERSION),
        ("geo_rules", GEO_RULES_VERSION),
        ("events_rules", EVENTS_RULES_VERSION),
        ("spacy", version("spacy")),
        ("spacy_model", nlp.model_version_of(spacy_model)),
        ("trafilatura", version("trafilatura")),
    )


NLP_BATCH = 4
"""Articles per ``nlp.pipe`` call and per task sent to a worker. Small: on this project's 2-core machines
batching showed no gain beyond noise in whole-corpus runs, while large tasks leave a pool's last worker
alone at the end and raise a worker's peak memory."""


def analyze_raw(raw: RawDocument, settings: Settings) -> Analysis:
    """Run every built stage on one input. Raises :class:`WirewatchError` for bad input."""
    (result,) = analyze_batch([raw], settings)
    if isinstance(result, WirewatchError):
        raise result
    return result


def analyze_batch(raws: Sequence[RawDocument], settings: Settings) -> list[Analysis | WirewatchError]:
    """Run every built stage on several inputs, one result per input in the same order.

    A bad input gives its error in its place and never affects the others; the NLP stage runs on the batch
    with one ``nlp.pipe`` call. This is what process-pool workers run.
    """
    from wirewatch import nlp
    from wirewatch.claims import attribution
    from wirewatch.events import extract as event_rules
    from wirewatch.geo import stage as geo_stage
    from wirewatch.ingest.extract import extract

    prod = producer(settings)
    results: list[Analysis | WirewatchError | None] = [None] * len(raws)
    todo: list[tuple[int, Article]] = []
    model = None
    for i, raw in enumerate(raws):
        try:
            article = extract(raw, settings)
            if article.language not in settings.language_set:
                reason = f"language {article.language or 'unknown'}"
                skipped = {s.name: reason for s in STAGES if s.language_bound}
                results[i] = Analysis(article=article, producer=prod, skipped=skipped)
                continue
            model = model or nlp.load(settings.spacy_model)
            _check_length(article, raw, model.max_length)
            todo.append((i, article))
        except WirewatchError as e:
            results[i] = e
        except Exception as e:  # a bug in a stage must not stop the batch: it becomes this input's error
            results[i] = _internal_error(e, raw)
    if todo and model is not None and "claims" in settings.stage_set and not model.has_pipe("parser"):
        raise ModelError(
            f"spaCy model {settings.spacy_model} has no dependency parser, which the claims stage reads; "
            "use a model with one, or leave claims out of the 'stages' setting",
            code="W502",
        )
    if todo and model is not None:
        run_claims = "claims" in settings.stage_set
        run_geo = "geo" in settings.stage_set
        run_events = "events" in settings.stage_set
        skipped = {s: "not in the 'stages' setting" for s in OPTIONAL_STAGES if s not in settings.stage_set}
        if run_geo:
            geo_stage.open_default(settings)  # a missing or broken gazetteer fails the batch, not each input

        def analysed(article: Article, doc: Doc) -> Analysis:
            claims = tuple(attribution.extract(doc, article.id)) if run_claims else ()
            places = tuple(geo_stage.places_of(doc, article.id, settings)) if run_geo else ()
            events: tuple[dict[str, Any], ...] = ()
            if run_events:
                found = event_rules.extract(
                    doc, article.id, published=article.published, claims=claims, places=places
                )
                events = tuple(found)
            return Analysis(
                article=article,
                entities=tuple(nlp.entities(doc)),
                claims=claims,
                places=places,
                events=events,
                producer=prod,
                skipped=dict(skipped),
            )

        try:
            docs = model.pipe([article.text for _, article in todo], batch_size=len(todo))
            for (i, article), doc in zip(todo, docs, strict=True):
                results[i] = analysed(article, doc)
        except Exception:  # find the text that broke the batch: the others still get analysed
            for i, article in todo:
                if results[i] is None:
                    try:
                        results[i] = analysed(article, model(article.text))
                    except Exception as e:
                        results[i] = _internal_error(e, raws[i])
    missing = RuntimeError("no result")
    return [r if r is not None else _internal_error(missing, raws[k]) for k, r in enumerate(results)]


def _check_length(article: Article, raw: RawDocument, max_length: int) -> None:
    if len(article.text) > max_length:  # spaCy's own guard: the parser's memory grows with the length
        raise InputError(
            f"article text is {len(article.text):,} characters, more than the spaCy model's limit of "
            f"{max_length:,}; split the input into articles",
            input=raw.name,
            code="W104",
        )


def _internal_error(e: Exception, raw: RawDocument) -> InputError:
    log.error("unexpected error on %s", raw.name, exc_info=e)
    return InputError(f"internal error ({type(e).__name__}: {e}); please report it", input=raw.name)


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


STATUSES = ("new", "updated", "unchanged", "skipped", "failed")


@dataclass(slots=True)
class BatchReport:
    """What a batch did: the count of every outcome, and the outcomes themselves (all of them, or the first
    ``keep``: a run over millions of inputs keeps its memory flat with ``keep=0``)."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    keep: int | None = None
    inputs: int = 0
    _counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    def add(self, outcome: Outcome) -> None:
        self.inputs += 1
        self._counts[outcome.status] = self._counts.get(outcome.status, 0) + 1
        if self.keep is None or len(self.outcomes) < self.keep:
            self.outcomes.append(outcome)

    def count(self, status: str) -> int:
        return self._counts.get(status, 0)

    @property
    def counts(self) -> dict[str, int]:
        return {k: self.count(k) for k in STATUSES}

    @property
    def all_failed(self) -> bool:
        return self.inputs > 0 and self.count("failed") == self.inputs


def worker_pool(settings: Settings, workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool whose workers load the spaCy model once, as they start.

    Spawned, not forked: the reader runs fetch threads, which fork would copy mid-flight, and a forked worker
    would also inherit (and be charged for) whatever memory the parent holds. Any other
    ``concurrent.futures.Executor`` (e.g. a Dask client's ``get_executor()``) can be passed to
    :func:`run_batch` instead: tasks carry their settings, and a worker loads the model on first use.
    """
    return ProcessPoolExecutor(
        max_workers=workers or settings.workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(settings,),
    )


def _worker_init(settings: Settings) -> None:
    from wirewatch import nlp

    nlp.load(settings.spacy_model)


def _chunks(items: Iterable[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _analyses(
    raws: Iterable[RawDocument], settings: Settings, executor: Executor | None = None
) -> Iterator[tuple[RawDocument, Analysis | WirewatchError]]:
    """Analyse in this process (1 worker, no executor) or on an executor, in batches, keeping a bounded
    number in flight. Results come back in input order."""
    if executor is None and settings.workers <= 1:
        for chunk in _chunks(raws, NLP_BATCH):
            yield from zip(chunk, analyze_batch(chunk, settings), strict=True)
        return
    with contextlib.ExitStack() as stack:
        if executor is None:
            executor = stack.enter_context(worker_pool(settings))
        limit = max(settings.workers, 2) * 3
        # Results are stored in input order, as with one worker: when two inputs are versions of one
        # article (same canonical URL), the later input is the one that stays, whatever finishes first.
        pending: deque[tuple[list[RawDocument], Future[list[Analysis | WirewatchError]]]] = deque()
        for chunk in _chunks(raws, NLP_BATCH):
            pending.append((chunk, executor.submit(analyze_batch, chunk, settings)))
            while len(pending) >= limit or (pending and pending[0][1].done()):
                head, fut = pending.popleft()
                yield from zip(head, _results(fut, head), strict=True)
        while pending:
            head, fut = pending.popleft()
            yield from zip(head, _results(fut, head), strict=True)


def _results(
    fut: Future[list[Analysis | WirewatchError]], raws: list[RawDocument]
) -> list[Analysis | WirewatchError]:
    try:
        return fut.result()
    except Exception as e:  # a worker that died (e.g. out of memory) fails its batch only
        return [InputError(f"worker failed ({type(e).__name__}: {e})", input=r.name) for r in raws]


Analyser = Callable[[Iterable[RawDocument]], Iterator[tuple[RawDocument, Analysis | WirewatchError]]]
"""Turns inputs into ``(input, result)`` pairs, in input order, where to analyse them is its business."""


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
    executor: Executor | None = None,
    analyser: Analyser | None = None,
    keep: int | None = None,
) -> BatchReport:
    """Read ``sources`` (or re-run ``raws``), analyse, and store each article in its own transaction.

    ``published`` / ``outlet`` fill in inputs that carry none. With ``force`` (reprocess) inputs whose bytes
    are already stored are analysed again; otherwise they are reported unchanged without any work.
    ``executor`` runs the analyses (e.g. a warm :func:`worker_pool`); without one, ``settings.workers`` says
    whether they run in this process or in a pool made for this batch. ``analyser`` replaces both: it is
    given the inputs still to do (already-stored ones are skipped before it sees them) and yields each with
    its result, e.g. :func:`wirewatch.pipeline_dask.dask_analyser` on a Dask cluster; this process stays
    the only writer. ``keep`` bounds the outcomes the report holds (see :class:`BatchReport`); ``on_outcome``
    sees every one.
    """
    from wirewatch.ingest.sources import InputFailure, read_sources

    report = BatchReport(keep=keep)
    started = time.perf_counter()
    run_id = store.start_run(command, producer(settings), dataclasses.asdict(settings))

    def emit(outcome: Outcome) -> None:
        report.add(outcome)
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
        results = analyser(todo()) if analyser is not None else _analyses(todo(), settings, executor)
        for raw, result in results:
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
