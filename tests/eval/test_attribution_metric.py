"""The PolNeAR reader and the attribution metric, on brat fixtures written here (no model, no data set)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wirewatch.errors import InputError
from wirewatch.eval.attribution import GoldAttribution, predictions_from_claims, read_split, score

#          0         1         2         3         4         5         6         7         8
#          012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789
TEXT_A = "The minister said that prices will rise sharply. Critics, it was reported, disagreed strongly."
TEXT_B = "Officials denied the report.\n\nNo one else spoke."

ANN_A = "\n".join(
    [
        "T1\tSource 0 12\tThe minister",
        "T2\tCue 13 17\tsaid",
        "T3\tContent 18 47\tthat prices will rise sharply",
        "T4\tAttribution 13 17\tsaid",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        "T5\tCue 61 73\twas reported",
        "T6\tContent 49 56;75 93\tCritics disagreed strongly",
        "T7\tAttribution-no-source 61 73\twas reported",
        "E2\tAttribution-no-source:T7 Cue:T5 Content:T6",
        "T8\tDiscuss 0 48\tThe minister said that prices will rise sharply.",
        "T9\tDiscard 49 94\tCritics, it was reported, disagreed strongly.",
        "E3\tAttribution-no-source:T7 ",
        "",
    ]
)
ANN_B_FIRST = "T1\tSource 0 9\tOfficials\nT2\tCue 10 16\tdenied\nT3\tContent 17 27\tthe report\n" + (
    "T4\tAttribution 10 16\tdenied\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
)
ANN_B_LATER = (
    "T1\tCue 10 16\tdenied\nT2\tContent 17 27\tthe report\nT3\tAttribution-no-source 10 16\tdenied\n"
    + ("E1\tAttribution-no-source:T3 Content:T2 Cue:T1\nE2\tAttribution-no-source:T3 Content:T2 Cue:T1\n")
)


def _split(tmp_path: Path) -> Path:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a_article.txt").write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "text" / "b_article.txt").write_text(TEXT_B, encoding="utf-8")
    (tmp_path / "attributions" / "a_article_ef2d.ann").write_text(ANN_A, encoding="utf-8")
    (tmp_path / "attributions" / "b_article_d473.ann").write_text(ANN_B_LATER, encoding="utf-8")
    (tmp_path / "attributions" / "b_article_4b22.ann").write_text(ANN_B_FIRST, encoding="utf-8")
    return tmp_path


def A(
    cue: list[tuple[int, int]], source: list[tuple[int, int]], content: list[tuple[int, int]]
) -> GoldAttribution:
    return GoldAttribution(cue=cue, source=source, content=content)


# --- the reader ---------------------------------------------------------------------------------------------


def test_read_split(tmp_path: Path) -> None:
    articles = list(read_split(_split(tmp_path)))
    assert [name for name, _, _ in articles] == ["a_article", "b_article"]
    _, text, gold = articles[0]
    assert text == TEXT_A
    assert gold == [
        A([(13, 17)], [(0, 12)], [(18, 47)]),
        # no source, a discontinuous content; the Discuss, Discard and bare E lines are gone
        A([(61, 73)], [], [(49, 56), (75, 93)]),
    ]
    assert [TEXT_A[s:e] for s, e in gold[1].content] == ["Critics", "disagreed strongly"]
    # two annotators: the id that sorts first (4b22) wins over d473, whatever the file order
    assert articles[1][2] == [A([(10, 16)], [(0, 9)], [(17, 27)])]


def test_read_split_numbered_role_and_late_definition(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "c.txt").write_text(TEXT_A, encoding="utf-8")
    ann = "E1\tAttribution:T4 Cue:T2 Source:T1 Content:T3 Content2:T5\nT1\tSource 0 12\tx\nT2\tCue 13 17\tx\n"
    ann += "T3\tContent 23 47\tx\nT4\tAttribution 13 17\tx\nT5\tContent 18 22\tx\n"
    (tmp_path / "attributions" / "c_0001.ann").write_text(ann, encoding="utf-8")
    ((_, _, gold),) = read_split(tmp_path)
    assert gold == [A([(13, 17)], [(0, 12)], [(18, 22), (23, 47)])]


def test_read_split_keeps_the_text_byte_for_byte(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "d.txt").write_bytes("Cafe\u0301 line \r\n  indented\n".encode())
    ((_, text, gold),) = read_split(tmp_path)
    assert text == "Cafe\u0301 line \r\n  indented\n" and gold == []


@pytest.mark.parametrize("missing", ["text", "attributions"])
def test_read_split_needs_both_folders(tmp_path: Path, missing: str) -> None:
    (tmp_path / ({"text", "attributions"} - {missing}).pop()).mkdir()
    with pytest.raises(InputError, match=f"no {missing}/ folder") as info:
        list(read_split(tmp_path))
    assert "\n" not in str(info.value)


def test_read_split_rejects_a_span_outside_the_text(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "e.txt").write_text("short", encoding="utf-8")
    (tmp_path / "attributions" / "e_1.ann").write_text("T1\tCue 0 99\tx\nE1\tAttribution:T1 Cue:T1\n")
    with pytest.raises(InputError, match="line 1"):
        list(read_split(tmp_path))


# --- the metric ---------------------------------------------------------------------------------------------

GOLD_A = [
    A([(13, 17)], [(0, 12)], [(18, 47)]),  # said / The minister / that prices will rise sharply
    A([(61, 73)], [], [(49, 56), (75, 93)]),  # was reported / - / Critics ... disagreed strongly
]


def test_perfect_prediction_scores_one() -> None:
    result = score([(TEXT_A, GOLD_A, list(GOLD_A))])
    for key in ("cue_f1", "source_f1", "content_f1", "cue_exact_f1", "source_exact_f1", "content_exact_f1"):
        assert result[key] == 1.0, key
    assert result["content_cov30_f1"] == 1.0
    assert result["speaker_accuracy"] == 1.0
    assert (result["n_gold"], result["n_pred"]) == (2, 2)


def test_partial_content_overlap_counts_tokens() -> None:
    # gold content "that prices will rise sharply" = 5 tokens; predicted "will rise sharply. Critics" = 4
    # tokens, 3 shared. Source "minister" (1 token) against gold "The minister" (2 tokens).
    pred = [A([(13, 17)], [(4, 12)], [(30, 56)])]
    result = score([(TEXT_A, GOLD_A[:1], pred)])
    assert result["content_precision"] == 0.75
    assert result["content_recall"] == 0.6
    assert result["content_f1"] == round(2 * 0.75 * 0.6 / 1.35, 4)
    assert result["source_precision"] == 1.0 and result["source_recall"] == 0.5
    assert result["cue_exact_f1"] == 1.0
    assert result["source_exact_f1"] == 0.0 and result["content_exact_f1"] == 0.0
    assert result["content_cov30_f1"] == 1.0  # 3 of 5 gold tokens >= 30%
    assert result["speaker_accuracy"] == 1.0


def test_coverage_below_thirty_percent_does_not_count() -> None:
    gold = [A([(13, 17)], [(0, 12)], [(18, 47)])]  # 5 content tokens
    pred = [A([(13, 17)], [], [(42, 56)])]  # "arply. Critics" touches "sharply": 1 shared token = 20%
    result = score([(TEXT_A, gold, pred)])
    assert result["content_cov30_f1"] == 0.0
    assert result["speaker_accuracy"] == 0.0  # the gold has a source, the prediction none
    assert result["source_precision"] == 0.0 and result["source_recall"] == 0.0


def test_unpaired_prediction_lowers_precision_only() -> None:
    extra = A([(58, 60)], [(0, 3)], [(4, 12)])  # "it" / "The" / "minister": no gold cue or content shared
    result = score([(TEXT_A, GOLD_A, [*GOLD_A, extra])])
    assert result["cue_recall"] == 1.0 and result["content_recall"] == 1.0 and result["source_recall"] == 1.0
    assert result["cue_precision"] == 3 / 4  # gold cues have 1 + 2 tokens, the extra one 1
    assert result["content_precision"] == round(8 / 9, 4)  # 5 + 3 gold content tokens, the extra one 1
    assert result["source_precision"] == round(2 / 3, 4)
    assert result["cue_exact_f1"] == round(2 * (2 / 3) / (2 / 3 + 1), 4)
    assert result["content_cov30_f1"] == round(2 * (2 / 3) / (2 / 3 + 1), 4)
    assert result["speaker_accuracy"] == 1.0
    assert result["n_pred"] == 3


def test_pairing_prefers_cue_overlap_over_content_overlap() -> None:
    # The prediction's cue overlaps gold 1's cue; its content overlaps gold 0's content far more.
    pred = [A([(61, 73)], [], [(18, 47)])]
    result = score([(TEXT_A, GOLD_A, pred)])
    assert result["cue_exact_f1"] == round(2 * 1 * 0.5 / 1.5, 4)  # paired with gold 1: identical cue
    assert result["content_precision"] == 0.0  # gold 1's content shares nothing with it


def test_pairing_is_one_to_one_and_falls_back_to_content() -> None:
    gold = [A([(13, 17)], [(0, 12)], [(18, 47)])]
    preds = [A([(13, 17)], [], [(18, 47)]), A([(13, 17)], [], [(18, 47)])]
    result = score([(TEXT_A, gold, preds)])
    assert result["content_precision"] == 0.5 and result["content_recall"] == 1.0
    # a prediction whose cue misses everything still pairs on content
    result = score([(TEXT_A, gold, [A([(61, 73)], [], [(18, 30)])])])
    assert result["content_precision"] == 1.0 and result["content_recall"] == 0.4


@pytest.mark.parametrize(
    "articles",
    [[], [(TEXT_A, [], [])], [(TEXT_A, GOLD_A, [])], [(TEXT_A, [], GOLD_A)], [("", [A([], [], [])], [])]],
)
def test_empty_inputs_give_zeros(articles: list[Any]) -> None:
    result = score(articles)
    assert all(v == 0.0 for k, v in result.items() if not k.startswith("n_"))
    assert set(result) >= {
        "cue_f1",
        "source_f1",
        "content_f1",
        "cue_exact_f1",
        "source_exact_f1",
        "content_exact_f1",
        "content_cov30_f1",
        "speaker_accuracy",
        "n_gold",
        "n_pred",
    }


# --- predictions from claims --------------------------------------------------------------------------------


def _span(start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": TEXT_A[start:end]}


def _claim(kind: str, evidential: str, **fields: Any) -> dict[str, Any]:
    claim: dict[str, Any] = {
        "id": "x:c1",
        "content": _span(18, 47),
        "content_parts": [],
        "cue": _span(13, 17),
        "sources": [],
        "via": [],
        "asked_by": None,
        "quote": "indirect",
        "certainty": {"evidential": evidential, "strength": "certain", "polarity": "positive"},
        "kind": kind,
        "denies": None,
    }
    claim.update(fields)
    return claim


def test_predictions_from_claims() -> None:
    claims = [
        _claim("statement", "asserted"),
        _claim("no_comment", "reported"),
        _claim(
            "statement",
            "reported",
            sources=[
                {"name": "minister", "kind": "official", "country": None, "span": _span(4, 12)},
                {"name": "anon", "kind": "anonymous", "country": None, "span": None},
                {"name": "The", "kind": "person", "country": None, "span": _span(0, 3)},
            ],
            via=[{"name": "Critics", "kind": "person", "country": None, "span": _span(49, 56)}],
        ),
        _claim("denial", "alleged", cue=None, content_parts=[_span(49, 56), _span(75, 93)]),
        _claim(
            "statement",
            "speculated",
            sources=[{"name": "x", "kind": "unknown", "country": None, "span": None}],
        ),
    ]
    assert predictions_from_claims(claims) == [
        A([(13, 17)], [(0, 12)], [(18, 47)]),
        A([], [], [(49, 56), (75, 93)]),
        A([(13, 17)], [], [(18, 47)]),
    ]
    assert predictions_from_claims([]) == []
