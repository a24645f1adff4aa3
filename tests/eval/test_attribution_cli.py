"""`wirewatch eval attribution` end to end on a split folder the test writes itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wirewatch.cli import main

pytestmark = pytest.mark.model

TEXT = "The mayor said on Monday that the bridge would reopen.\r\nNo one else commented.\n"


def test_eval_attribution_scores_a_split_and_keeps_texts_verbatim(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_bytes(TEXT.encode("utf-8"))
    src, cue = TEXT.index("The mayor"), TEXT.index("said")
    content = TEXT.index("the bridge")
    ann = (
        f"T1\tSource {src} {src + 9}\tThe mayor\n"
        f"T2\tCue {cue} {cue + 4}\tsaid\n"
        f"T3\tContent {content} {content + 24}\tthe bridge would reopen.\n"
        f"T4\tAttribution {cue} {cue + 4}\tsaid\n"
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    )
    (tmp_path / "attributions" / "a_ann1.ann").write_text(ann, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "attribution", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["n_gold"] == 1 and metrics["n_docs"] == 1
    assert {"cue_f1", "source_f1", "content_f1", "content_cov30_f1", "speaker_accuracy"} <= set(metrics)


def test_eval_attribution_on_a_folder_that_is_not_a_split(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "attribution", str(tmp_path), "--json"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and str(tmp_path) in result.output
