"""``wirewatch eval attribution``: attribution relations scored against PolNeAR.

Data layout (``networkdynamics/PolNeAR``, one split directory): ``text/<name>.txt`` holds an article and
``attributions/<name>_<annotator>.ann`` its brat standoff annotation. ``T`` lines carry spans of type
``Source``, ``Cue``, ``Content``, ``Attribution`` or ``Attribution-no-source`` (discontinuous spans are
written ``start end;start end``); ``E`` lines join them into one attribution
(``Attribution:T4 Content:T3 Cue:T2 Source:T1``; numbered roles such as ``Content2`` add parts to their
role). ``Discuss`` and ``Discard`` spans are annotator flags, not attributions, and are dropped, as is an
``E`` line with no cue, source or content. Where an article has several annotators' files, the one whose
annotator id sorts first is used.

Every gold text is analysed verbatim by :func:`wirewatch.pipeline.analyze_batch` (a ``record`` input of
format ``text``); :func:`evaluate` refuses to score an analysis whose ``article.text`` differs from the gold
text, since the gold offsets index that text.

The metric (DESIGN.md, "Evaluation"):

- tokens are Unicode ``\\w+`` runs; a role's tokens are those whose character range overlaps one of the
  role's spans;
- predictions are claims of kind ``statement`` or ``denial`` whose evidential is not ``asserted``
  (:func:`predictions_from_claims`);
- each prediction is paired one-to-one with a gold attribution, greedily: first the candidate pairs whose
  cues share tokens, highest cue overlap first; then the pairs whose contents share tokens, highest content
  overlap first (so a prediction whose cue-matched gold was taken may still pair on its content). Ties go
  to the earlier prediction, then the earlier gold attribution;
- per role (cue, source, content), token-overlap precision is the overlapping tokens summed over the pairs
  divided by the role's tokens summed over all predictions, recall the same overlap divided by the role's
  tokens over all gold attributions; micro-averaged over the split;
- exact F1 per role counts the pairs whose role spans are identical; precision divides by the predictions
  that have that role, recall by the gold attributions that have it;
- ``content_cov30_f1`` counts a pair when the prediction's content holds at least 30% of the gold
  content's tokens; precision divides by all predictions, recall by all gold attributions;
- ``speaker_accuracy`` is the share of pairs whose gold attribution has a source where the predicted
  source shares a token with it;
- F1 is the harmonic mean; a zero denominator gives 0.0.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wirewatch.errors import InputError, WirewatchError
from wirewatch.records import Analysis, RawDocument
from wirewatch.settings import Settings

__all__ = [
    "GoldAttribution",
    "Span",
    "evaluate",
    "predictions_from_claims",
    "read_ann",
    "read_split",
    "score",
]

logger = logging.getLogger(__name__)

Span = tuple[int, int]  # character offsets, end exclusive

ROLES = ("cue", "source", "content")
BATCH = 8  # gold texts per analyze_batch call
COVERAGE = 0.3  # content_cov30: share of the gold content's tokens a prediction must cover

_TOKEN = re.compile(r"\w+")
_ROLE_OF = {"Cue": "cue", "Source": "source", "Content": "content"}
_TRIGGERS = frozenset({"Attribution", "Attribution-no-source"})
_EVIDENTIAL_KINDS = frozenset({"statement", "denial"})


@dataclass(frozen=True)
class GoldAttribution:
    """One attribution: the character spans of each role, parts in text order (empty when the role is
    absent). Predictions use the same record."""

    cue: list[Span]
    source: list[Span]
    content: list[Span]

    def spans(self, role: str) -> list[Span]:
        spans: list[Span] = getattr(self, role)
        return spans


# --- reading PolNeAR ---------------------------------------------------------------------------------------


def read_split(directory: Path) -> Iterator[tuple[str, str, list[GoldAttribution]]]:
    """``(name, text, gold attributions)`` for every article of a PolNeAR split directory, sorted by name.

    An article without an annotation file has no gold attributions.
    """
    text_dir, ann_dir = directory / "text", directory / "attributions"
    for sub in (text_dir, ann_dir):
        if not sub.is_dir():
            raise InputError(
                f"not a PolNeAR split directory: no {sub.name}/ folder (expected text/ and attributions/)",
                input=str(directory),
            )
    annotations: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann"), key=lambda p: p.name):
        name, sep, annotator = ann.stem.rpartition("_")
        if not sep or not annotator:
            continue
        best = annotations.get(name)
        if best is None or annotator < best.stem.rpartition("_")[2]:
            annotations[name] = ann
    for path in sorted(text_dir.glob("*.txt"), key=lambda p: p.name):
        text = _read_text(path)
        ann_path = annotations.get(path.stem)
        gold = read_ann(ann_path, len(text)) if ann_path is not None else []
        yield path.stem, text, gold


def read_ann(path: Path, text_length: int | None = None) -> list[GoldAttribution]:
    """The attributions of one brat ``.ann`` file, in the order of their ``E`` lines.

    ``text_length``, when given, is checked against every span's end.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"can't read the annotation file: {e}", input=str(path)) from e
    spans: dict[str, tuple[str, list[Span]]] = {}
    events: list[tuple[int, list[tuple[str, str]]]] = []
    for number, line in enumerate(lines, start=1):
        fields = line.split("\t")
        if not line.strip() or len(fields) < 2:
            continue
        key, body = fields[0], fields[1]
        try:
            if key.startswith("T"):
                kind, _, offsets = body.partition(" ")
                spans[key] = (kind, _parse_offsets(offsets, text_length))
            elif key.startswith("E"):
                parts = [arg.partition(":") for arg in body.split()]
                events.append((number, [(role, ref) for role, _, ref in parts]))
        except ValueError as e:
            raise InputError(f"line {number} is not valid brat standoff ({e})", input=str(path)) from e
    result: list[GoldAttribution] = []
    for number, args in events:
        roles: dict[str, list[Span]] = {role: [] for role in ROLES}
        for role, ref in args:
            base = _ROLE_OF.get(role.rstrip("0123456789"))
            if base is None:  # the trigger (Attribution / Attribution-no-source) or an unknown role
                continue
            if ref not in spans:
                raise InputError(f"line {number} refers to {ref}, which no T line defines", input=str(path))
            roles[base].extend(spans[ref][1])
        trigger = spans.get(args[0][1], ("", []))[0] if args else ""
        if args and args[0][0] not in _TRIGGERS and trigger not in _TRIGGERS:
            continue  # not an attribution event
        if not any(roles.values()):
            continue  # a bare trigger with no role: nothing to score
        result.append(GoldAttribution(**{role: sorted(set(parts)) for role, parts in roles.items()}))
    return result


def _parse_offsets(offsets: str, text_length: int | None) -> list[Span]:
    parts: list[Span] = []
    for chunk in offsets.split(";"):
        start_s, end_s = chunk.split()
        start, end = int(start_s), int(end_s)
        if not 0 <= start <= end or (text_length is not None and end > text_length):
            raise ValueError(f"span {start} {end} is outside the text")
        parts.append((start, end))
    if not parts:
        raise ValueError("no span")
    return parts


def _read_text(path: Path) -> str:
    try:
        # newline="" keeps the text exactly as stored: brat offsets count every character, \r included
        with path.open(encoding="utf-8", newline="") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"can't read the text: {e}", input=str(path)) from e


# --- predictions -------------------------------------------------------------------------------------------


def predictions_from_claims(claims: Sequence[Mapping[str, Any]]) -> list[GoldAttribution]:
    """The scored attributions of an analysis' Claim records.

    Kept: kind ``statement`` or ``denial`` with an evidential other than ``asserted``. The cue is the
    claim's ``cue`` span; the source is one span covering every ``sources[*].span`` (relays in ``via`` are
    not scored); the content is ``content_parts`` when there are any, else ``content``.
    """
    result: list[GoldAttribution] = []
    for claim in claims:
        certainty = claim.get("certainty") or {}
        if claim.get("kind") not in _EVIDENTIAL_KINDS or certainty.get("evidential") == "asserted":
            continue
        cue = claim.get("cue")
        source_spans = [s["span"] for s in claim.get("sources") or () if s.get("span")]
        source = (
            [(min(s["start"] for s in source_spans), max(s["end"] for s in source_spans))]
            if source_spans
            else []
        )
        parts = claim.get("content_parts") or ([claim["content"]] if claim.get("content") else [])
        result.append(
            GoldAttribution(
                cue=[(cue["start"], cue["end"])] if cue else [],
                source=source,
                content=[(p["start"], p["end"]) for p in parts],
            )
        )
    return result


# --- the metric --------------------------------------------------------------------------------------------


@dataclass
class _Counts:
    overlap: dict[str, int]
    pred_tokens: dict[str, int]
    gold_tokens: dict[str, int]
    exact: dict[str, int]
    pred_with: dict[str, int]
    gold_with: dict[str, int]
    cov30: int = 0
    speaker_total: int = 0
    speaker_right: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @classmethod
    def zero(cls) -> _Counts:
        def zeros() -> dict[str, int]:
            return dict.fromkeys(ROLES, 0)

        return cls(zeros(), zeros(), zeros(), zeros(), zeros(), zeros())


def _token_sets(text: str, attributions: Sequence[GoldAttribution]) -> list[dict[str, frozenset[int]]]:
    """Per attribution and role, the indices of the tokens that overlap the role's spans."""
    tokens = [m.span() for m in _TOKEN.finditer(text)]
    return [
        {
            role: frozenset(
                i for i, (ts, te) in enumerate(tokens) if any(ts < e and s < te for s, e in a.spans(role))
            )
            for role in ROLES
        }
        for a in attributions
    ]


def pair(
    gold: Sequence[Mapping[str, frozenset[int]]], pred: Sequence[Mapping[str, frozenset[int]]]
) -> list[tuple[int, int]]:
    """One-to-one ``(pred index, gold index)`` pairs: cue overlap first, then content overlap, greedily,
    highest overlap first (see the module docstring)."""
    pairs: list[tuple[int, int]] = []
    used_pred: set[int] = set()
    used_gold: set[int] = set()
    for role in ("cue", "content"):
        candidates = sorted(
            (-len(p[role] & g[role]), i, j)
            for i, p in enumerate(pred)
            for j, g in enumerate(gold)
            if p[role] & g[role]
        )
        for _, i, j in candidates:
            if i not in used_pred and j not in used_gold:
                pairs.append((i, j))
                used_pred.add(i)
                used_gold.add(j)
    return pairs


def score(
    articles: Iterable[tuple[str, Sequence[GoldAttribution], Sequence[GoldAttribution]]],
) -> dict[str, float | int]:
    """Metrics over ``(text, gold, predicted)`` per article (the text gives the tokens)."""
    c = _Counts.zero()
    for text, gold, pred in articles:
        gold_tokens, pred_tokens = _token_sets(text, gold), _token_sets(text, pred)
        c.n_gold += len(gold)
        c.n_pred += len(pred)
        for role in ROLES:
            c.gold_tokens[role] += sum(len(g[role]) for g in gold_tokens)
            c.pred_tokens[role] += sum(len(p[role]) for p in pred_tokens)
            c.gold_with[role] += sum(1 for g in gold if g.spans(role))
            c.pred_with[role] += sum(1 for p in pred if p.spans(role))
        for i, j in pair(gold_tokens, pred_tokens):
            g, p = gold_tokens[j], pred_tokens[i]
            for role in ROLES:
                c.overlap[role] += len(g[role] & p[role])
                spans = gold[j].spans(role)
                c.exact[role] += bool(spans) and sorted(spans) == sorted(pred[i].spans(role))
            if g["content"] and len(g["content"] & p["content"]) >= COVERAGE * len(g["content"]):
                c.cov30 += 1
            if gold[j].source:
                c.speaker_total += 1
                c.speaker_right += bool(g["source"] & p["source"])
    return _metrics(c)


def _metrics(c: _Counts) -> dict[str, float | int]:
    result: dict[str, float | int] = {}
    for role in ROLES:
        p = _div(c.overlap[role], c.pred_tokens[role])
        r = _div(c.overlap[role], c.gold_tokens[role])
        result[f"{role}_precision"] = round(p, 4)
        result[f"{role}_recall"] = round(r, 4)
        result[f"{role}_f1"] = round(_f1(p, r), 4)
    for role in ROLES:
        p = _div(c.exact[role], c.pred_with[role])
        r = _div(c.exact[role], c.gold_with[role])
        result[f"{role}_exact_f1"] = round(_f1(p, r), 4)
    result["content_cov30_f1"] = round(_f1(_div(c.cov30, c.n_pred), _div(c.cov30, c.n_gold)), 4)
    result["speaker_accuracy"] = round(_div(c.speaker_right, c.speaker_total), 4)
    result["n_gold"] = c.n_gold
    result["n_pred"] = c.n_pred
    return result


def _div(a: float, b: float) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


# --- the evaluation ----------------------------------------------------------------------------------------


def evaluate(directory: Path, settings: Settings, *, limit: int | None = None) -> dict[str, Any]:
    """Analyse every gold text of a PolNeAR split verbatim and score the claims against the attributions.

    ``limit`` scores only the first N articles in name order. Returns the metrics of :func:`score` plus
    ``n_docs``, ``n_failed`` (analyses that raised an input error: scored with no prediction) and
    ``docs_per_s`` (analysis only). Raises ``RuntimeError`` when the pipeline changed a gold text.
    """
    from wirewatch.pipeline import analyze_batch

    articles = list(read_split(directory))
    if limit is not None:
        articles = articles[:limit]
    scored: list[tuple[str, list[GoldAttribution], list[GoldAttribution]]] = []
    n_failed = 0
    elapsed = 0.0
    for start in range(0, len(articles), BATCH):
        batch = articles[start : start + BATCH]
        raws = [
            RawDocument(
                name=str(directory / "text" / f"{name}.txt"),
                data=text.encode("utf-8"),
                kind="record",
                record_format="verbatim",
            )
            for name, text, _ in batch
        ]
        started = time.perf_counter()
        results = analyze_batch(raws, settings)
        elapsed += time.perf_counter() - started
        for raw, (_, text, gold), result in zip(raws, batch, results, strict=True):
            if isinstance(result, WirewatchError):
                logger.info("%s", result)
                n_failed += 1
                scored.append((text, gold, []))
                continue
            _check_verbatim(raw.name, text, result)
            scored.append((text, gold, predictions_from_claims(result.claims)))

    metrics: dict[str, Any] = dict(score(scored))
    metrics["n_docs"] = len(scored)
    metrics["n_failed"] = n_failed
    metrics["docs_per_s"] = round(len(scored) / elapsed, 4) if elapsed else 0.0
    return metrics


def _check_verbatim(name: str, text: str, analysis: Analysis) -> None:
    analysed = analysis.article.text
    if analysed == text:
        return
    at = next((k for k, (a, b) in enumerate(zip(analysed, text, strict=False)) if a != b), None)
    at = min(len(analysed), len(text)) if at is None else at
    raise RuntimeError(
        f"{name}: the pipeline changed the gold text (first difference at character {at}: "
        f"{text[at : at + 20]!r} became {analysed[at : at + 20]!r}); the gold offsets need it verbatim"
    )
