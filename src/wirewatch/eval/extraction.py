"""``wirewatch eval extraction``: article-body extraction scored as the ScrapingHub benchmark scores it.

Data layout (``scrapinghub/article-extraction-benchmark``): ``ground-truth.json`` maps an item id to
``{"articleBody": str, "url": str}``; ``html/<id>.html.gz`` holds the page. Every page goes through the
same :func:`wirewatch.ingest.extract.extract` the ingest uses (``kind="html"``, the URL from the ground
truth).

The metric re-implements the benchmark's ``evaluate.py``:

- tokens are Unicode ``\\w+`` runs (case kept); shingles are runs of 4 consecutive tokens, counted as a
  multiset; a text of 1-3 tokens has one shorter shingle, a text with no token none;
- per document, TP / FP / FN are the multiset overlaps of predicted and true shingles, divided by their
  sum so that every document weighs the same;
- per-document precision is TP / (TP + FP) and recall TP / (TP + FN), both 1.0 when FP = FN = 0;
- precision is the mean over documents with a non-empty prediction (TP + FP > 0) and recall the mean
  over documents with a non-empty truth (TP + FN > 0), as the benchmark does: an empty prediction costs
  recall only. ``n_empty`` says how many predictions were empty (extraction errors count as empty);
- F1 is the harmonic mean of those two means (not a mean of per-document F1);
- accuracy is the share of documents whose predicted token sequence equals the true one.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from wirewatch.errors import InputError, WirewatchError
from wirewatch.ingest.extract import extract
from wirewatch.records import RawDocument
from wirewatch.settings import Settings

__all__ = [
    "accuracy",
    "evaluate",
    "metrics_from_counts",
    "shingle_counts",
    "shingles",
    "tokenize",
]

logger = logging.getLogger(__name__)

SHINGLE_SIZE = 4
_TOKEN = re.compile(r"\w+")

Counts = tuple[float, float, float]  # normalised (tp, fp, fn) of one document


def tokenize(text: str) -> list[str]:
    """The benchmark's tokens: Unicode ``\\w+`` runs, case kept."""
    return _TOKEN.findall(text or "")


def shingles(text: str, n: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of ``n``-token shingles; 1 to ``n - 1`` tokens make one short shingle, none make none."""
    tokens = tokenize(text)
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def shingle_counts(true: str, pred: str) -> Counts:
    """Normalised ``(tp, fp, fn)`` of one document (they sum to 1, or are all 0 when both are empty)."""
    t, p = shingles(true), shingles(pred)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def metrics_from_counts(counts: list[Counts]) -> dict[str, float]:
    """Precision and recall (means over documents, see the module docstring) and F1 of their means."""
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    p = statistics.fmean(precisions) if precisions else 0.0
    r = statistics.fmean(recalls) if recalls else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def accuracy(true: str, pred: str) -> float:
    """1.0 when both texts have the same token sequence, else 0.0."""
    return float(tokenize(true) == tokenize(pred))


def evaluate(directory: Path, settings: Settings, *, limit: int | None = None) -> dict[str, Any]:
    """Extract every page of a ScrapingHub-format data set and score the bodies against the truth.

    ``limit`` scores only the first N pages in item-id order. Returns ``precision``, ``recall``, ``f1``,
    ``accuracy`` (rounded to 4 places), ``n_docs``, ``n_empty`` and ``docs_per_s`` (extraction only:
    reading and decompressing the files is not timed).
    """
    truth_path = directory / "ground-truth.json"
    try:
        truth: dict[str, dict[str, Any]] = json.loads(truth_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise InputError(f"can't read the ground truth: {e}", input=str(truth_path)) from e
    if not truth:
        raise InputError("the ground truth is empty", input=str(truth_path))

    counts: list[Counts] = []
    accuracies: list[float] = []
    n_empty = 0
    elapsed = 0.0
    items = sorted(truth.items())
    for item_id, item in items[:limit] if limit is not None else items:
        raw = _read_page(directory, item_id, item)
        started = time.perf_counter()
        try:
            predicted = extract(raw, settings).text
        except WirewatchError as e:
            logger.info("%s", e)
            predicted = ""
        elapsed += time.perf_counter() - started
        true = item.get("articleBody") or ""
        n_empty += not tokenize(predicted)
        counts.append(shingle_counts(true, predicted))
        accuracies.append(accuracy(true, predicted))

    result: dict[str, Any] = {k: round(v, 4) for k, v in metrics_from_counts(counts).items()}
    result["accuracy"] = round(statistics.fmean(accuracies), 4)
    result["n_docs"] = len(counts)
    result["n_empty"] = n_empty
    result["docs_per_s"] = round(len(counts) / elapsed, 4) if elapsed else 0.0
    return result


def _read_page(directory: Path, item_id: str, item: dict[str, Any]) -> RawDocument:
    path = directory / "html" / f"{item_id}.html.gz"
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise InputError(f"can't read the page: {e}", input=str(path)) from e
    return RawDocument(name=str(path), data=data, kind="html", url=item.get("url") or None)
