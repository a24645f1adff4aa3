"""`wirewatch eval extraction` end to end on a few pages of the real benchmark (no score threshold here:
accuracy is measured by the command itself, not asserted by a unit test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wirewatch.cli import main

pytestmark = pytest.mark.shared_data


def test_eval_extraction_prints_one_flat_json_object(shared_data: Path) -> None:
    directory = shared_data / "extraction" / "scrapinghub-aeb"
    result = CliRunner().invoke(main, ["eval", "extraction", str(directory), "--json", "--limit", "3"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert {"precision", "recall", "f1", "docs_per_s"} <= set(metrics)
    assert metrics["n_docs"] == 3
    assert all(isinstance(v, (int, float)) for v in metrics.values())
    assert 0.0 <= metrics["f1"] <= 1.0 and metrics["docs_per_s"] > 0


def test_eval_extraction_on_a_folder_without_ground_truth_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "extraction", str(tmp_path), "--json"])
    assert result.exit_code == 1
    assert "ground-truth.json" in result.output and "Traceback" not in result.output
