"""The story-clustering scores on hand-checked labellings (no model), the gold reader, and `wirewatch eval
link` end to end on a tiny docs.jsonl the test writes (keys and counts only: accuracy is measured by the
command, not asserted here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wirewatch.cli import main
from wirewatch.errors import InputError
from wirewatch.eval.link import KEYS, read_gold, score


def test_b_cubed_and_pairwise_by_hand() -> None:
    gold = ["x", "x", "x", "y", "y"]
    perfect = score(["1", "1", "1", "2", "2"], gold)
    assert perfect["b3_f1"] == 1.0 and perfect["pairwise_f1"] == 1.0
    merged = score(["1"] * 5, gold)
    # B3 precision: x docs 3/5 each, y docs 2/5 each -> (9/5 + 4/5) / 5 = 0.52; recall 1
    assert merged["b3_precision"] == 0.52 and merged["b3_recall"] == 1.0
    # pairwise: 10 predicted pairs, 3 + 1 gold pairs inside them
    assert merged["pairwise_precision"] == 0.4 and merged["pairwise_recall"] == 1.0
    split = score(["1", "1", "2", "3", "3"], gold)
    # recall of the x docs: 2/3, 2/3, 1/3; y docs 1 -> (5/3 + 2) / 5
    assert split["b3_recall"] == round((5 / 3 + 2) / 5, 4) and split["b3_precision"] == 1.0
    assert split["pairwise_recall"] == 0.5 and split["pairwise_precision"] == 1.0
    singletons = score(["1", "2", "3", "4", "5"], gold)
    assert singletons["pairwise_f1"] == 0.0 and singletons["b3_precision"] == 1.0


def _write(path: Path) -> Path:
    docs = [
        {"id": "q1", "cluster": "quake", "split": "test", "text": "An earthquake of magnitude 6.1 hit Aceh."},
        {"id": "q2", "cluster": "quake", "split": "test", "text": "The 6.1 quake in Aceh damaged 300 homes."},
        {"id": "o1", "cluster": "oscar", "split": "test", "text": "Hugh Jackman will host the Oscars."},
        {"id": "d1", "cluster": "other", "split": "dev", "text": "A dev document."},
    ]
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n", encoding="utf-8")
    return path


def test_reader_filters_the_split_and_refuses_bad_lines(tmp_path: Path) -> None:
    path = _write(tmp_path / "docs.jsonl")
    assert [d.id for d in read_gold(tmp_path, "test")] == ["q1", "q2", "o1"]
    assert [d.id for d in read_gold(path, None)] == ["q1", "q2", "o1", "d1"]
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "docs.jsonl").write_text('{"id": "a"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        read_gold(bad, None)
    with pytest.raises(InputError, match="no documents in split train"):
        read_gold(tmp_path / "docs.jsonl", "train")


@pytest.mark.model
def test_eval_link_prints_every_key(tmp_path: Path) -> None:
    _write(tmp_path / "docs.jsonl")
    result = CliRunner().invoke(main, ["eval", "link", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert list(metrics) == list(KEYS)
    assert (metrics["n_docs"], metrics["n_gold_clusters"], metrics["n_failed"]) == (3, 2, 0)
