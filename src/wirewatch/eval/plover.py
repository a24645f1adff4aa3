"""``wirewatch eval plover``: event types scored against the PLOVER gold-standard records.

The gold file (``PLOVER_GSR_CAMEO.txt``, Open Event Data Alliance) is a JSON array of records: one
``DOCUMENT`` header, skipped, and example sentences from the CAMEO manual, each with ``id``, ``text``,
``event`` (a PLOVER 0.5b1 label), ``eventText`` (the trigger words) and actors. The labels are mapped to
PLOVER 2.0 types by ``data/plover_labels.tsv`` (:func:`label_map`): DEMAND → REQUEST, DISAPPROVE → ACCUSE,
INVESTIGATE → ACCUSE (mode investigate), FIGHT → ASSAULT; the other labels are already 2.0 types. Only the
type is scored, not the mode.

Each ``text`` is analysed verbatim by :func:`wirewatch.pipeline.analyze_batch` (a ``record`` input of
format ``verbatim``; no publication date) with every stage. The prediction for a sentence is
:func:`chosen_type`: the type of the main event (the trigger highest in the parse, ``depth``), else the first.
(Matching the trigger against the gold ``eventText`` words was considered; the first typed event is simpler
to state, and the sentences are single events.) The metric:

- ``event_type_acc``: sentences whose chosen type is the mapped gold type, over all sentences;
- ``any_type_acc``: sentences where any predicted event has the gold type;
- ``n`` sentences, ``n_no_event`` sentences with no typed event (failed analyses included),
  ``n_failed`` analyses that raised an input error, ``docs_per_s`` (analysis only).

:func:`evaluate` also returns the confusion of the wrong sentences, ``(gold, predicted)`` → count, most
common first; ``predicted`` is ``"none"`` when there was no typed event.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from wirewatch.errors import InputError, WirewatchError
from wirewatch.eval.acled import events_settings
from wirewatch.eval.attribution import _check_verbatim
from wirewatch.eval.geo import _div
from wirewatch.records import RawDocument
from wirewatch.settings import Settings

__all__ = [
    "KEYS",
    "GoldSentence",
    "chosen_type",
    "evaluate",
    "label_map",
    "read_gold",
    "score",
]

logger = logging.getLogger(__name__)

BATCH = 16  # sentences per analyze_batch call
NONE = "none"  # the predicted type of a sentence with no typed event, in the confusion
KEYS = ("event_type_acc", "any_type_acc", "n", "n_no_event", "n_failed", "docs_per_s")


@dataclass(frozen=True)
class GoldSentence:
    """One gold record: its id, text, the label as written and the PLOVER 2.0 type (and mode) it maps to."""

    id: str
    text: str
    label: str
    type: str
    mode: str | None = None
    event_text: str = ""


@cache
def label_map() -> dict[str, tuple[str, str | None]]:
    """PLOVER 0.5b1 label → (PLOVER 2.0 type, mode or None), from ``data/plover_labels.tsv``."""
    text = resources.files("wirewatch.eval").joinpath("data/plover_labels.tsv").read_text(encoding="utf-8")
    table: dict[str, tuple[str, str | None]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("old\t"):
            continue
        old, new, mode = [*line.split("\t"), "", ""][:3]
        table[old.strip().upper()] = (new.strip().upper(), mode.strip() or None)
    return table


def read_gold(path: Path) -> list[GoldSentence]:
    """The sentences of a PLOVER gold-standard file, in file order, without ``DOCUMENT`` records and records
    with no text. Raises :class:`InputError` when the file is not a JSON array of objects with ``event``."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise InputError(f"can't read the gold JSON: {e}", input=str(path)) from e
    if not isinstance(records, list) or not all(isinstance(r, dict) and "event" in r for r in records):
        raise InputError(
            "not a PLOVER gold-standard file: expected a JSON array of records with 'event' and 'text'",
            input=str(path),
        )
    labels = label_map()
    result: list[GoldSentence] = []
    for number, record in enumerate(records):
        label = str(record["event"]).strip().upper()
        text = record.get("text")
        if label == "DOCUMENT" or not isinstance(text, str) or not text.strip():
            continue
        new, mode = labels.get(label, (label, None))
        result.append(
            GoldSentence(
                id=str(record.get("id") or number),
                text=text,
                label=label,
                type=new,
                mode=mode,
                event_text=str(record.get("eventText") or ""),
            )
        )
    return result


def _typed_in_order(events: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    def start(event: Mapping[str, Any]) -> int:
        s = (event.get("trigger") or {}).get("start")
        return s if isinstance(s, int) else 1 << 62

    return [e for e in sorted(events, key=start) if e.get("type")]


def chosen_type(events: Sequence[Mapping[str, Any]]) -> str | None:
    """The predicted type of a sentence: that of its main event, the typed event whose trigger sits highest
    in the parse (``depth``, 0 for the root verb; events without one count as deepest), the earlier in text
    order on a tie; None when there is none. A sentence's coded event is its main clause's ("officials
    agreed ... that their countries should cooperate" is AGREE, not COOPERATE)."""
    typed = _typed_in_order(events)
    if not typed:
        return None

    def depth(event: Mapping[str, Any]) -> int:
        value = event.get("depth")
        return value if isinstance(value, int) else 1 << 30

    return str(min(typed, key=depth)["type"])


def score(
    sentences: Iterable[tuple[GoldSentence, Sequence[Mapping[str, Any]]]],
) -> tuple[dict[str, float | int], list[tuple[tuple[str, str], int]]]:
    """``(metrics, confusion)`` over ``(gold sentence, predicted Event dicts)`` pairs: ``event_type_acc``,
    ``any_type_acc``, ``n`` and ``n_no_event``, and the ``(gold, predicted)`` counts of the wrong sentences,
    most common first (ties in order of first appearance)."""
    n = right = any_right = no_event = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for gold, events in sentences:
        n += 1
        predicted = chosen_type(events)
        no_event += predicted is None
        right += predicted == gold.type
        any_right += any(e.get("type") == gold.type for e in events)
        if predicted != gold.type:
            confusion[(gold.type, predicted or NONE)] += 1
    metrics: dict[str, float | int] = {
        "event_type_acc": round(_div(right, n), 4),
        "any_type_acc": round(_div(any_right, n), 4),
        "n": n,
        "n_no_event": no_event,
    }
    return metrics, confusion.most_common()


def evaluate(
    path: Path, settings: Settings, *, limit: int | None = None
) -> tuple[dict[str, Any], list[tuple[tuple[str, str], int]]]:
    """Analyse every gold sentence verbatim and score the event types.

    ``limit`` scores only the first N sentences in file order. Returns the metrics (``KEYS``, in that order)
    and the confusion of :func:`score`. A progress bar goes to stderr when it is a terminal. Raises
    ``RuntimeError`` when the pipeline changed a text.
    """
    from tqdm import tqdm

    from wirewatch.pipeline import analyze_batch

    sentences = read_gold(path)
    if limit is not None:
        sentences = sentences[:limit]
    settings = events_settings(settings)
    scored: list[tuple[GoldSentence, Sequence[Mapping[str, Any]]]] = []
    n_failed = 0
    elapsed = 0.0
    with tqdm(total=len(sentences), desc="eval plover", unit=" doc", disable=None) as bar:
        for start in range(0, len(sentences), BATCH):
            batch = sentences[start : start + BATCH]
            raws = [
                RawDocument(
                    name=f"{path}#{s.id}",
                    data=s.text.encode("utf-8"),
                    kind="record",
                    record_format="verbatim",
                )
                for s in batch
            ]
            started = time.perf_counter()
            results = analyze_batch(raws, settings)
            elapsed += time.perf_counter() - started
            for raw, sentence, result in zip(raws, batch, results, strict=True):
                if isinstance(result, WirewatchError):
                    logger.info("%s", result)
                    n_failed += 1
                    scored.append((sentence, []))
                    continue
                _check_verbatim(raw.name, sentence.text, result)
                scored.append((sentence, list(result.events)))
            bar.update(len(batch))

    base, confusion = score(scored)
    metrics: dict[str, Any] = dict(base)
    metrics["n_failed"] = n_failed
    metrics["docs_per_s"] = round(len(scored) / elapsed, 4) if elapsed else 0.0
    return metrics, confusion
