"""Rule-based attribution extraction (wirewatch.claims.attribution) on small sentences of our own."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

from wirewatch import nlp as wnlp
from wirewatch.claims.attribution import extract

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def model() -> Language:
    return wnlp.load()


def run(model: Language, text: str) -> list[dict[str, Any]]:
    claims = extract(model(text), "art")
    for claim in claims:
        spans = [claim["content"], *claim["content_parts"]]
        spans += [claim["cue"]] if claim["cue"] else []
        spans += [s["span"] for s in claim["sources"] + claim["via"] if s["span"]]
        for span in spans:
            assert text[span["start"] : span["end"]] == span["text"]
    return claims


def attributed(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The claims someone is said to hold: everything but the article's own assertions."""
    return [c for c in claims if c["certainty"]["evidential"] != "asserted" or c["kind"] != "statement"]


def only(claims: list[dict[str, Any]]) -> dict[str, Any]:
    found = attributed(claims)
    assert len(found) == 1, claims
    return found[0]


def test_said_that(model: Language) -> None:
    c = only(run(model, "The Pentagon said that Russian troops had crossed the border."))
    assert c["id"] == "art:c1"
    assert c["cue"]["text"] == "said"
    assert c["sources"][0]["name"] == "Pentagon"
    assert c["sources"][0]["kind"] == "government"
    assert c["sources"][0]["country"] == "US"
    assert "Russian troops had crossed the border" in c["content"]["text"]
    assert c["quote"] == "indirect"
    assert c["kind"] == "statement"
    assert c["certainty"]["evidential"] == "reported"
    assert c["asked_by"] is None and c["denies"] is None


def test_direct_quote_then_said(model: Language) -> None:
    c = only(run(model, "“We will not retreat,” Zelensky said."))
    assert c["content"]["text"] == "We will not retreat"
    assert c["quote"] == "direct"
    assert c["sources"][0]["kind"] == "person"


def test_according_to(model: Language) -> None:
    c = only(run(model, "According to Reuters, the convoy was hit near Kharkiv."))
    assert c["cue"]["text"] == "According to"
    assert c["sources"][0]["name"] == "Reuters"
    assert c["sources"][0]["kind"] == "outlet"
    assert c["content"]["text"] == "the convoy was hit near Kharkiv"


def test_passive_it_was_reported(model: Language) -> None:
    c = only(run(model, "It was reported that the bridge was destroyed."))
    assert c["sources"] == []
    assert c["cue"]["text"] == "was reported"  # the cue keeps its auxiliaries
    assert "the bridge was destroyed" in c["content"]["text"]
    assert c["certainty"]["evidential"] != "asserted"


def test_as_reported_by(model: Language) -> None:
    c = only(run(model, "The village was shelled overnight, as reported by TASS."))
    assert c["sources"][0]["name"] == "TASS"
    assert c["content"]["text"] == "The village was shelled overnight"


def test_citing_makes_the_cited_the_source_and_the_citer_a_relay(model: Language) -> None:
    c = only(run(model, "Officials said 12 people died, citing the Kyiv Post."))
    assert [s["name"] for s in c["sources"]] == ["Kyiv Post"]
    assert [(v["name"], v["kind"]) for v in c["via"]] == [("Officials", "official")]
    assert "citing" not in c["content"]["text"]


def test_pronoun_source_resolves(model: Language) -> None:
    claims = run(model, "John Smith arrived on Monday. He said the talks had failed.")
    c = only(claims)
    assert c["sources"][0]["span"]["text"] == "He"
    assert c["sources"][0]["name"] == "John Smith"
    assert c["sources"][0]["kind"] == "person"


def test_parenthetical_splits_content(model: Language) -> None:
    c = only(run(model, "The attack, officials said, killed four soldiers."))
    assert [p["text"] for p in c["content_parts"]] == ["The attack", "killed four soldiers"]


def test_denial(model: Language) -> None:
    c = only(run(model, "Moscow denied that its forces were involved."))
    assert c["kind"] == "denial"
    assert c["certainty"]["polarity"] == "negative"


def test_ids_in_text_order(model: Language) -> None:
    claims = run(model, "Kyiv said the bridge fell. Moscow said it was intact.")
    assert [c["id"] for c in claims] == ["art:c1", "art:c2"]
    assert [c["sources"][0]["country"] for c in claims] == ["UA", "RU"]
    assert claims[0]["content"]["start"] < claims[1]["content"]["start"]


def test_empty_doc(model: Language) -> None:
    assert extract(model(""), "art") == []
    assert extract(model("   \n\n"), "art") == []


@pytest.mark.parametrize(
    "text",
    ['"We will win, he said.', "“They lied, the minister said “ again.", 'He said "no', "”Said“"],
)
def test_unbalanced_quotes_do_not_crash(model: Language, text: str) -> None:
    run(model, text)


def test_cue_keeps_auxiliaries_negation_and_particles(model: Language) -> None:
    c = only(run(model, "The ministry has also said that the dam was not damaged."))
    assert c["cue"]["text"] == "has also said"
    c = only(run(model, "The spokesman pointed out that the convoy had turned back."))
    assert c["cue"]["text"] == "pointed out"


def test_a_cue_inside_a_quotation_belongs_to_the_quotation(model: Language) -> None:
    claims = attributed(run(model, "“I think the front will hold,” the commander said."))
    assert [c["cue"]["text"] for c in claims] == ["said"]
    assert claims[0]["content"]["text"] == "I think the front will hold"


def test_relative_pronoun_source_keeps_its_span_and_takes_the_name(model: Language) -> None:
    text = "The attack was condemned by Josep Borrell, who said that civilians had been targeted."
    condemned, said = attributed(run(model, text))
    assert (condemned["cue"]["text"], condemned["content"]["text"]) == ("was condemned", "The attack")
    assert condemned["sources"][0]["span"]["text"] == "Josep Borrell"
    assert said["sources"][0]["span"]["text"] == "who"
    assert said["sources"][0]["name"] == "Josep Borrell"
    assert said["content"]["text"] == "that civilians had been targeted"


def test_quotation_before_the_speaker_is_the_content(model: Language) -> None:
    c = only(run(model, "“We were wrong to wait,” Ramos, 58, told AFP in an interview on Monday."))
    assert c["content"]["text"] == "We were wrong to wait" and c["quote"] == "direct"
    assert c["sources"][0]["name"] == "Ramos"


def test_that_clause_hung_below_a_noun_of_the_verb(model: Language) -> None:
    c = only(run(model, "Adelson said on Friday during a news conference that he may wait until February."))
    assert c["content"]["text"] == "that he may wait until February"
