"""The PLOVER gold reader, the label map and the type scorer on hand-made Event dicts (no model), and
`wirewatch eval plover` end to end on a tiny JSON file the test writes (keys and counts only: accuracy is
measured by the command, not asserted here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wirewatch.cli import main
from wirewatch.errors import InputError
from wirewatch.eval.plover import KEYS, GoldSentence, chosen_type, label_map, read_gold, score

RECORDS = [
    {"id": "PLOVER-GSR01-DOCUMENT-0001", "event": "DOCUMENT", "eventText": "documentation"},
    {
        "id": "PLOVER-GSR01-AGREE-0001",
        "event": "AGREE",
        "eventText": "agreed",
        "text": "Senior Hungarian and Romanian officials agreed on Wednesday to cooperate.",
    },
    {
        "id": "PLOVER-GSR01-DEMAND-0001",
        "event": "DEMAND",
        "eventText": "demanded",
        "text": "Protesters demanded the release of the detained journalists.",
    },
    {
        "id": "PLOVER-GSR01-INVESTIGATE-0001",
        "event": "INVESTIGATE",
        "eventText": "investigate",
        "text": "The police will investigate the bombing of the market.",
    },
]


def gold(type_: str) -> GoldSentence:
    return GoldSentence(id="x", text="t", label=type_, type=type_)


def ev(start: int, type_: str | None) -> dict[str, Any]:
    return {"id": f"e{start}", "type": type_, "trigger": {"start": start, "end": start + 3, "text": "x"}}


def test_label_map_folds_the_old_labels() -> None:
    labels = label_map()
    assert labels["DEMAND"] == ("REQUEST", None)
    assert labels["DISAPPROVE"] == ("ACCUSE", None)
    assert labels["INVESTIGATE"] == ("ACCUSE", "investigate")
    assert labels["FIGHT"] == ("ASSAULT", None)
    assert labels["AGREE"] == ("AGREE", None)
    assert len({t for t, _ in labels.values()}) == 16  # the PLOVER 2.0 types


def test_read_gold_skips_the_document_record_and_maps_labels(tmp_path: Path) -> None:
    path = tmp_path / "gsr.json"
    path.write_text(json.dumps(RECORDS), encoding="utf-8")
    sentences = read_gold(path)
    assert [(s.label, s.type, s.mode) for s in sentences] == [
        ("AGREE", "AGREE", None),
        ("DEMAND", "REQUEST", None),
        ("INVESTIGATE", "ACCUSE", "investigate"),
    ]
    assert sentences[1].text == RECORDS[2]["text"] and sentences[1].event_text == "demanded"


@pytest.mark.parametrize("content", ['{"event": "AGREE"}', "[1, 2]", "not json"])
def test_read_gold_refuses_what_is_not_a_gold_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError):
        read_gold(path)


def test_chosen_type_is_the_first_typed_event_in_text_order() -> None:
    assert chosen_type([ev(30, "ACCUSE"), ev(2, None), ev(10, "REQUEST")]) == "REQUEST"
    assert chosen_type([ev(2, None)]) is None and chosen_type([]) is None


def test_score_and_confusion() -> None:
    metrics, confusion = score(
        [
            (gold("REQUEST"), [ev(10, "REQUEST")]),  # right
            (gold("ACCUSE"), [ev(5, "REQUEST"), ev(20, "ACCUSE")]),  # wrong, but any_type
            (gold("ACCUSE"), [ev(5, "REQUEST")]),  # wrong
            (gold("AGREE"), []),  # no event
        ]
    )
    assert metrics == {"event_type_acc": 0.25, "any_type_acc": 0.5, "n": 4, "n_no_event": 1}
    assert confusion == [(("ACCUSE", "REQUEST"), 2), (("AGREE", "none"), 1)]
    assert score([])[0]["event_type_acc"] == 0.0


@pytest.mark.model
def test_eval_plover_prints_one_flat_json_object(tmp_path: Path) -> None:
    path = tmp_path / "gsr.json"
    path.write_text(json.dumps(RECORDS), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "plover", str(path), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert list(metrics) == list(KEYS)
    assert (metrics["n"], metrics["n_failed"]) == (3, 0)
    assert all(isinstance(v, (int, float)) for v in metrics.values())


@pytest.mark.model
def test_eval_plover_limit_and_text(tmp_path: Path) -> None:
    path = tmp_path / "gsr.json"
    path.write_text(json.dumps(RECORDS), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "plover", str(path), "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("event_type_acc")
    assert any(line.split() == ["n", "1"] for line in result.stdout.splitlines())


def test_eval_plover_on_a_file_that_is_not_gold_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "plover", str(path), "--json"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and str(path) in result.output
