"""The ScrapingHub article-extraction metric, on hand-made strings, and ``evaluate()`` on a tiny data set."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from wirewatch.errors import InputError
from wirewatch.eval.extraction import (
    accuracy,
    evaluate,
    metrics_from_counts,
    shingle_counts,
    shingles,
    tokenize,
)
from wirewatch.settings import Settings


def test_tokens_are_unicode_word_runs() -> None:
    assert tokenize("Київ, 24 Feb — don't") == ["Київ", "24", "Feb", "don", "t"]


def test_shingles() -> None:
    assert shingles("a b c d e") == Counter({("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1})
    assert shingles("a b") == Counter({("a", "b"): 1})  # shorter than 4 tokens: one short shingle
    assert shingles("  ,. ") == Counter()
    assert shingles("x x x x x") == Counter({("x", "x", "x", "x"): 2})  # a multiset


def test_identical_and_disjoint() -> None:
    assert shingle_counts("one two three four five", "one two three four five") == (1.0, 0.0, 0.0)
    assert shingle_counts("one two three four", "five six seven eight") == (0.0, 0.5, 0.5)
    assert shingle_counts("", "") == (0.0, 0.0, 0.0)


def test_partial_overlap_is_normalised() -> None:
    # truth: a b c d e f -> 3 shingles; prediction: a b c d e x -> 3 shingles; 2 shared.
    tp, fp, fn = shingle_counts("a b c d e f", "a b c d e x")
    assert (tp, fp, fn) == pytest.approx((2 / 4, 1 / 4, 1 / 4))


def test_means_over_documents_and_harmonic_f1() -> None:
    counts = [(1.0, 0.0, 0.0), (0.5, 0.5, 0.0)]  # precision 1 and 0.5; recall 1 and 1
    m = metrics_from_counts(counts)
    assert m["precision"] == pytest.approx(0.75)
    assert m["recall"] == pytest.approx(1.0)
    assert m["f1"] == pytest.approx(2 * 0.75 * 1.0 / 1.75)  # F1 of the means, not the mean of F1s


def test_empty_prediction_costs_recall_only() -> None:
    counts = [shingle_counts("a b c d e", "a b c d e"), shingle_counts("a b c d e", "")]
    m = metrics_from_counts(counts)
    assert m["precision"] == 1.0  # the empty prediction is not in the precision mean (as the benchmark)
    assert m["recall"] == pytest.approx(0.5)


def test_nothing_to_score() -> None:
    assert metrics_from_counts([]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_accuracy_compares_token_sequences() -> None:
    assert accuracy("A, b.\n\nc", "A b c") == 1.0
    assert accuracy("A b c", "a b c") == 0.0


def _dataset(tmp_path: Path, pages: dict[str, tuple[str, str]]) -> Path:
    (tmp_path / "html").mkdir()
    truth = {}
    for item_id, (html, body) in pages.items():
        (tmp_path / "html" / f"{item_id}.html.gz").write_bytes(gzip.compress(html.encode()))
        truth[item_id] = {"articleBody": body, "url": f"https://example.org/{item_id}"}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return tmp_path


def test_evaluate_runs_the_ingest_extractor(tmp_path: Path) -> None:
    body = (
        "The regional governor said air defence units shot down most of the drones launched overnight.\n\n"
        "Debris damaged two houses and a school, but nobody was hurt, officials added on Wednesday."
    )
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    good = f"<html><body><nav><a href='/'>Home</a></nav><article>{paras}</article></body></html>"
    empty = "<html><body><script>1</script></body></html>"
    result = evaluate(_dataset(tmp_path, {"a": (good, body), "b": (empty, body)}), Settings())
    assert set(result) >= {"precision", "recall", "f1", "accuracy", "n_docs", "docs_per_s"}
    assert result["n_docs"] == 2
    assert result["n_empty"] == 1  # the page without text counts as an empty prediction
    assert result["precision"] == 1.0
    assert result["recall"] == 0.5
    assert result["accuracy"] == 0.5
    assert result["docs_per_s"] > 0


def test_evaluate_limit(tmp_path: Path) -> None:
    text = "Officials said the bridge was damaged in the overnight attack."
    page = f"<html><body><article><p>{text}</p></article></body></html>"
    data = _dataset(tmp_path, {"a": (page, "x"), "b": (page, "y"), "c": (page, "z")})
    assert evaluate(data, Settings(), limit=2)["n_docs"] == 2


def test_evaluate_missing_ground_truth(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="can't read the ground truth"):
        evaluate(tmp_path, Settings())
