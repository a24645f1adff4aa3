"""The canonical example article's hand analysis (../shared/examples/nk-desertion-report.md, "Claims"):
all 12 rows, asserted through the public JSON of ``wirewatch analyze --json``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from wirewatch.cli import example_path, main

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def analysis() -> dict[str, Any]:
    result = CliRunner().invoke(main, ["analyze", str(example_path()), "--published", "2024-10-16", "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def claims(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    text = analysis["article"]["text"]
    for c in analysis["claims"]:  # every span points at the characters that support it
        spans = [c["content"], *c["content_parts"], *([c["cue"]] if c["cue"] else [])]
        spans += [s["span"] for s in [*c["sources"], *c["via"]] if s["span"]]
        for span in spans:
            assert text[span["start"] : span["end"]] == span["text"]
    result: list[dict[str, Any]] = analysis["claims"]
    return result


def find(claims: list[dict[str, Any]], content: str) -> dict[str, Any]:
    """The claim whose content holds ``content`` (exactly one)."""
    hits = [c for c in claims if content in c["content"]["text"]]
    assert len(hits) == 1, (content, [c["content"]["text"] for c in hits])
    return hits[0]


def who(claim: dict[str, Any], key: str = "sources") -> list[tuple[str, str, str | None]]:
    return [(s["name"], s["kind"], s["country"]) for s in claim[key]]


def certainty(claim: dict[str, Any]) -> tuple[str, str, str]:
    c = claim["certainty"]
    return c["evidential"], c["strength"], c["polarity"]


def cue(claim: dict[str, Any]) -> str | None:
    """The cue's head word (the cue span also holds auxiliaries: "has accused", "have reported")."""
    return claim["cue"]["text"].split()[-1] if claim["cue"] else None


def test_row_1_reported_by_suspilne(claims: list[dict[str, Any]]) -> None:
    c = find(claims, "18 North Korean soldiers is reportedly on the run after deserting frontline positions")
    assert who(c) == [("Suspilne", "outlet", "UA")]
    assert c["sources"][0]["span"]["text"] == "Ukrainian public broadcaster Suspilne"
    assert c["via"] == [] and cue(c) == "reported"
    assert certainty(c) == ("reported", "unknown", "positive") and c["certainty"]["term"] == "reportedly"


def test_row_2_allegedly_carried_over(claims: list[dict[str, Any]]) -> None:
    c = find(claims, "local authorities are allegedly conducting a search to locate them")
    assert [s["name"] for s in c["sources"]] == ["Suspilne"] and c["via"] == []
    assert cue(c) is None
    assert certainty(c) == ("alleged", "unknown", "positive") and c["certainty"]["term"] == "allegedly"


def test_row_3_cited_by_suspilne(claims: list[dict[str, Any]]) -> None:
    c = find(claims, "commanders are attempting to hide the desertion from their superiors")
    assert who(c) == [("Ukrainian intelligence officials", "intelligence", "UA")]
    assert who(c, "via") == [("Suspilne", "outlet", "UA")]
    assert cue(c) == "suggested" and certainty(c) == ("reported", "possible", "positive")


def test_row_4_unnamed_speculation(claims: list[dict[str, Any]]) -> None:
    c = find(claims, "Moscow has been employing North Korean troops")
    assert c["sources"] == [] and cue(c) == "speculation"
    assert certainty(c) == ("speculated", "possible", "positive")


def test_row_5_report_by_liga(claims: list[dict[str, Any]]) -> None:
    c = find(claims, "these soldiers were intended to be part of a “special Buryat battalion")
    assert len(c["sources"]) == 1 and "LIGA" in c["sources"][0]["name"]
    assert (c["sources"][0]["kind"], c["sources"][0]["country"]) == ("outlet", "UA")
    assert cue(c) == "suggested" and certainty(c) == ("reported", "possible", "positive")


def test_row_6_highly_likely_without_a_yardstick(claims: list[dict[str, Any]]) -> None:
    c = find(claims, "the possibility of such deployment is highly likely")
    assert who(c) == [("Kim Yong-hyun", "government", "KR")]
    assert c["sources"][0]["span"]["text"] == "South Korean Defense Minister Kim Yong-hyun"
    assert who(c, "via") == [("Yonhap News Agency", "outlet", "KR")]
    assert cue(c) in ("noting", "commented") and c["quote"] == "direct"
    assert certainty(c) == ("reported", "probable", "positive")
    assert c["certainty"]["term"] == "highly likely" and c["certainty"]["probability"] is None
    assert "as reported by" not in c["content"]["text"]


def test_row_7_he_resolves_to_the_minister(claims: list[dict[str, Any]]) -> None:
    c = next(c for c in claims if cue(c) == "referenced")
    assert "Ukrainian media reports of North Korean casualties in Ukraine" in c["content"]["text"]
    assert who(c) == [("Kim Yong-hyun", "government", "KR")] and c["sources"][0]["span"]["text"] == "He"
    assert certainty(c) == ("reported", "unknown", "positive")


def test_row_8_two_outlets_one_claim(claims: list[dict[str, Any]]) -> None:
    c = find(claims, "presence of North Korean service personnel in the occupied territories near Donetsk")
    assert who(c) == [("Kyiv Post", "outlet", "UA"), ("Interfax-Ukraine", "outlet", "UA")]
    assert cue(c) == "reported" and certainty(c) == ("reported", "unknown", "positive")


def test_row_9_center_of_national_resistance(claims: list[dict[str, Any]]) -> None:
    c = find(claims, "Russian authorities persuaded North Korea to send citizens for construction work")
    assert who(c) == [("Center of National Resistance", "military", "UA")]
    assert cue(c) == "indicated" and certainty(c) == ("reported", "possible", "positive")


def test_rows_10_and_11_accusation_and_its_denial(claims: list[dict[str, Any]]) -> None:
    accusation = find(claims, "providing artillery supplies to Russia")
    assert who(accusation) == [("United States", "government", "US")]
    assert cue(accusation) == "accused" and certainty(accusation) == ("alleged", "unknown", "positive")
    denial = next(c for c in claims if c["kind"] == "denial")
    assert who(denial) == [("Pyongyang", "government", "KP"), ("Moscow", "government", "RU")]
    assert cue(denial) == "denied" and denial["content"]["text"] == "allegations"
    assert certainty(denial) == ("reported", "certain", "negative")
    assert denial["denies"] == accusation["id"]


def test_row_12_no_comment(claims: list[dict[str, Any]]) -> None:
    (c,) = [c for c in claims if c["kind"] == "no_comment"]
    assert c["content"]["text"].startswith("Newsweek reached out to the Russian Ministry of Defense")
    assert c["content"]["text"].endswith("no response has been reported yet")
    assert [(s["kind"], s["country"]) for s in c["sources"]] == [("government", "RU"), ("government", "KP")]
    assert [s["span"]["text"] for s in c["sources"]] == [
        "the Russian Ministry of Defense",
        "North Korea’s Mission to the United Nations",
    ]
    assert (c["asked_by"]["name"], c["asked_by"]["kind"]) == ("Newsweek", "outlet")
    assert c["cue"]["text"] == "no response" and certainty(c) == ("asserted", "unknown", "positive")


def test_the_article_asserts_the_visit_and_the_pact(claims: list[dict[str, Any]]) -> None:
    for content in ("Putin visited North Korea in June", "This pact includes a mutual defense clause"):
        c = find(claims, content)
        assert c["sources"] == [] and c["cue"] is None and c["kind"] == "statement"
        assert c["certainty"]["evidential"] == "asserted"


def test_ids_are_in_text_order(analysis: dict[str, Any], claims: list[dict[str, Any]]) -> None:
    article = analysis["article"]["id"]
    assert [c["id"] for c in claims] == [f"{article}:c{n}" for n in range(1, len(claims) + 1)]
    starts = [
        min(c["content"]["start"], c["cue"]["start"] if c["cue"] else c["content"]["start"]) for c in claims
    ]
    assert starts == sorted(starts)
