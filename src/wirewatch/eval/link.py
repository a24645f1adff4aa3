"""``wirewatch eval link DIR``: story clusters against a ``docs.jsonl`` gold set with a ``cluster`` per
document (the ECB+ story set in ``../shared/data/link/ecbplus-stories``).

Each document of the chosen split (``--split dev|test``, default ``test``) is analysed verbatim and the split
linked as one block, as ``wirewatch link`` links a week (:func:`wirewatch.link.run.link_block`: story
clusters at the ``link_threshold`` setting, then stories joined on one incident). The scores (DESIGN.md):

* ``b3_precision`` / ``b3_recall``: for each document, the share of its predicted story that shares its gold
  cluster, and the share of its gold cluster inside its predicted story, averaged over documents;
  ``b3_f1`` their harmonic mean;
* ``pairwise_precision`` / ``pairwise_recall`` / ``pairwise_f1`` over all pairs of documents put in one story;
* ``n_docs``, ``n_clusters`` (predicted stories), ``n_gold_clusters``, ``n_failed``, ``docs_per_s``.

The ``topic`` field of the set is never read: it is a coarser gold level.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wirewatch.errors import InputError, WirewatchError
from wirewatch.eval.geo import _div
from wirewatch.records import RawDocument
from wirewatch.settings import Settings

__all__ = ["KEYS", "GoldDoc", "evaluate", "read_gold", "score"]

logger = logging.getLogger(__name__)

KEYS = (
    "b3_precision",
    "b3_recall",
    "b3_f1",
    "pairwise_precision",
    "pairwise_recall",
    "pairwise_f1",
    "n_docs",
    "n_clusters",
    "n_gold_clusters",
    "n_failed",
    "docs_per_s",
)
BATCH = 32


@dataclass(frozen=True)
class GoldDoc:
    id: str
    text: str
    cluster: str
    published: str | None = None


def read_gold(directory: Path, split: str | None) -> list[GoldDoc]:
    """The documents of ``directory/docs.jsonl`` (of ``split`` when given), in file order."""
    path = directory / "docs.jsonl" if directory.is_dir() else directory
    docs: list[GoldDoc] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"can't read the gold set: {e}", input=str(path)) from e
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if split is not None and record.get("split") not in (split, None):
                continue
            docs.append(GoldDoc(str(record["id"]), str(record["text"]), str(record["cluster"]),
                                record.get("published")))  # fmt: skip
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(
                f"line {n} is not a gold document with id, text and cluster: {e}", input=str(path)
            ) from e
    if not docs:
        raise InputError(f"no documents{' in split ' + split if split else ''}", input=str(path))
    return docs


def _f1(p: float, r: float) -> float:
    return _div(2 * p * r, p + r)


def score(predicted: Sequence[str], gold: Sequence[str]) -> dict[str, float]:
    """B-cubed and pairwise precision, recall and F1 of a predicted labelling against a gold one."""
    by_pred: dict[str, set[int]] = defaultdict(set)
    by_gold: dict[str, set[int]] = defaultdict(set)
    for i, (p, g) in enumerate(zip(predicted, gold, strict=True)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    n = len(gold)
    p_sum = r_sum = 0.0
    for i in range(n):
        a, b = by_pred[predicted[i]], by_gold[gold[i]]
        inter = len(a & b)
        p_sum += inter / len(a)
        r_sum += inter / len(b)
    b3p, b3r = _div(p_sum, n), _div(r_sum, n)

    def pairs(k: int) -> int:
        return k * (k - 1) // 2

    tp = sum(pairs(len(a & b)) for a in by_pred.values() for b in by_gold.values())
    pp = _div(tp, sum(pairs(len(a)) for a in by_pred.values()))
    pr = _div(tp, sum(pairs(len(b)) for b in by_gold.values()))
    return {
        "b3_precision": round(b3p, 4),
        "b3_recall": round(b3r, 4),
        "b3_f1": round(_f1(b3p, b3r), 4),
        "pairwise_precision": round(pp, 4),
        "pairwise_recall": round(pr, 4),
        "pairwise_f1": round(_f1(pp, pr), 4),
    }


def evaluate(directory: Path, settings: Settings, *, split: str | None = "test") -> dict[str, Any]:
    """Analyse and cluster the split; the metrics of :data:`KEYS`, in that order."""
    from tqdm import tqdm

    from wirewatch.link.run import link_block
    from wirewatch.pipeline import analyze_batch

    docs = read_gold(directory, split)
    analyses: list[dict[str, Any]] = []
    n_failed = 0
    started = time.perf_counter()
    with tqdm(total=len(docs), desc="eval link", unit=" doc", disable=None) as bar:
        for start in range(0, len(docs), BATCH):
            batch = docs[start : start + BATCH]
            raws = [
                RawDocument(
                    name=d.id,
                    data=d.text.encode("utf-8"),
                    kind="record",
                    record_format="verbatim",
                    published=d.published,
                )
                for d in batch
            ]
            for d, result in zip(batch, analyze_batch(raws, settings), strict=True):
                if isinstance(result, WirewatchError):
                    logger.info("%s", result)
                    n_failed += 1
                    analyses.append({"article": {"id": d.id, "text": ""}})
                    continue
                analysis = result.to_dict()
                analysis["article"] = {**analysis["article"], "id": d.id}  # the gold id, to score by
                analyses.append(analysis)
            bar.update(len(batch))
    linked, _ = link_block(analyses, threshold=settings.link_threshold)
    stories = [story["articles"] for story in linked]
    elapsed = time.perf_counter() - started
    label = {aid: str(n) for n, story in enumerate(stories) for aid in story}
    metrics: dict[str, Any] = dict(score([label[d.id] for d in docs], [d.cluster for d in docs]))
    metrics.update(
        n_docs=len(docs),
        n_clusters=len(stories),
        n_gold_clusters=len({d.cluster for d in docs}),
        n_failed=n_failed,
        docs_per_s=round(len(docs) / elapsed, 4) if elapsed else 0.0,
    )
    return {k: metrics[k] for k in KEYS}
