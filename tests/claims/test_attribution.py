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


# --- one test per construction the issue lists --------------------------------------------------------


def names(claim: dict[str, Any], key: str = "sources") -> list[str]:
    return [s["name"] for s in claim[key]]


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("The governor told reporters that two drones were shot down.", "told"),
        ("The governor told Reuters that two drones were shot down.", "told Reuters"),
        ("Ukrainian officials noted that the strike hit a school.", "noted"),
        ("The analyst indicated that the offensive had stalled.", "indicated"),
        ("Ukrainian officials commented that the attack was expected.", "commented"),
        ("The ministry has claimed that the bridge is intact.", "has claimed"),
    ],
)
def test_reporting_verbs(model: Language, text: str, cue: str) -> None:
    c = only(run(model, text))
    assert c["cue"]["text"] == cue
    assert c["content"]["text"].startswith("that ")


def test_noun_cues_claims_by_reports_of_speculation_that(model: Language) -> None:
    c = only(run(model, "There were claims by Ukrainian officials that the dam was mined."))
    assert (c["cue"]["text"], names(c)) == ("claims", ["Ukrainian officials"])
    assert c["certainty"]["evidential"] == "alleged"
    dismissal, c = attributed(run(model, "Analysts dismissed speculation that Moscow would retreat."))
    assert c["cue"]["text"] == "speculation" and c["sources"] == []
    assert c["certainty"]["evidential"] == "speculated"
    assert (dismissal["kind"], dismissal["denies"]) == ("denial", c["id"])  # the claim it names
    c = next(
        c
        for c in attributed(run(model, "He cited reports of heavy losses near Avdiivka."))
        if c["cue"]["text"] == "reports"
    )
    assert "heavy losses near Avdiivka" in c["content"]["text"]


def test_possessive_report_that(model: Language) -> None:
    c = only(run(model, "The Kremlin's report that the dam was mined was never confirmed."))
    assert (c["cue"]["text"], names(c), c["sources"][0]["country"]) == ("report", ["Kremlin"], "RU")
    assert c["content"]["text"] == "that the dam was mined"


def test_sourceless_reportedly_and_carried_over_source(model: Language) -> None:
    c = only(run(model, "The army is reportedly preparing an offensive."))
    assert c["sources"] == [] and c["certainty"]["evidential"] == "reported"
    claims = attributed(run(model, "Reuters reported that the port was hit. Two ships were allegedly sunk."))
    assert [names(c) for c in claims] == [["Reuters"], ["Reuters"]]
    assert claims[1]["cue"] is None and claims[1]["certainty"]["term"] == "allegedly"
    other = attributed(
        run(model, "Reuters reported that the port was hit.\n\nTwo ships were allegedly sunk.")
    )
    assert names(other[1]) == []  # a new paragraph does not carry the source over


def test_several_sources_for_one_claim(model: Language) -> None:
    c = only(run(model, "The Kyiv Post and Interfax-Ukraine have reported heavy fighting near Bakhmut."))
    assert names(c) == ["Kyiv Post", "Interfax-Ukraine"]
    assert [s["span"]["text"] for s in c["sources"]] == ["The Kyiv Post", "Interfax-Ukraine"]
    assert c["content"]["text"] == "heavy fighting near Bakhmut"


def test_titles_and_short_names_resolve(model: Language) -> None:
    text = (
        "South Korean Defense Minister Kim Yong-hyun spoke on Monday. The minister said the drills would "
        "continue. Kim added that they were defensive."
    )
    said, added = attributed(run(model, text))
    for claim, span in ((said, "The minister"), (added, "Kim")):
        assert claim["sources"][0]["span"]["text"] == span
        assert (claim["sources"][0]["name"], claim["sources"][0]["kind"]) == ("Kim Yong-hyun", "government")
        assert claim["sources"][0]["country"] == "KR"


@pytest.mark.parametrize(
    ("text", "source", "via"),
    [
        ("The minister said the talks failed, as reported by Yonhap.", ["minister"], ["Yonhap News Agency"]),
        ("According to the mayor, citing police, three people were injured.", ["police"], ["mayor"]),
        ("Reuters reported, quoting officials, that the plant was shut.", ["officials"], ["Reuters"]),
        ("Officials, cited by Suspilne, suggested that the plant was shut.", ["Officials"], ["Suspilne"]),
    ],
)
def test_source_chains(model: Language, text: str, source: list[str], via: list[str]) -> None:
    c = only(run(model, text))
    assert (names(c), names(c, "via")) == (source, via)
    assert not any(w in c["content"]["text"] for w in ("cited", "citing", "quoting", "reported by"))


def test_yardstick_only_for_uk_and_us_defence_and_intelligence(model: Language) -> None:
    uk = only(run(model, "The UK Ministry of Defence said it is highly likely that Russia lost 20 tanks."))
    assert uk["certainty"]["term"] == "highly likely" and uk["certainty"]["probability"] == [0.8, 0.9]
    other = only(run(model, "Analysts said it is highly likely that Russia lost 20 tanks."))
    assert other["certainty"]["strength"] == "probable" and other["certainty"]["probability"] is None


def test_denial_of_an_accusation(model: Language) -> None:
    accusation, denial = attributed(
        run(model, "Moscow accused Kyiv of shelling the plant. Kyiv rejected the accusation.")
    )
    assert accusation["certainty"]["evidential"] == "alleged"
    assert (denial["kind"], denial["denies"], names(denial)) == ("denial", accusation["id"], ["Kyiv"])
    assert denial["certainty"]["polarity"] == "negative"


def test_denial_of_a_clause_links_by_shared_words(model: Language) -> None:
    text = (
        "Kyiv said Russian troops shelled the Zaporizhzhia plant. "
        "Moscow denied that its troops shelled the plant."
    )
    claim, denial = attributed(run(model, text))
    assert denial["denies"] == claim["id"]


@pytest.mark.parametrize(
    ("text", "asked", "asked_by"),
    [
        ("The Pentagon declined to comment.", ["Pentagon"], None),
        (
            "Reuters contacted the Russian embassy, which did not respond to a request for comment.",
            ["Russian embassy"],
            "Reuters",
        ),
    ],
)
def test_no_comment(model: Language, text: str, asked: list[str], asked_by: str | None) -> None:
    (c,) = [c for c in run(model, text) if c["kind"] == "no_comment"]
    assert names(c) == asked
    assert (c["asked_by"] or {}).get("name") == asked_by
    assert c["certainty"]["evidential"] == "asserted" and c["quote"] == "none"


def test_the_article_asserts_a_plain_sentence(model: Language) -> None:
    (c,) = run(model, "Russian forces shelled Kharkiv on Tuesday night.")
    assert (c["sources"], c["cue"], c["certainty"]["evidential"]) == ([], None, "asserted")
    assert run(model, "Will the front hold?") == []  # a question asserts nothing
    opinion = run(model, "I think we should leave.")  # "I" holds it: an attribution, never the article's
    assert [c["certainty"]["evidential"] for c in opinion] == ["reported"]


def test_a_quotation_over_several_sentences_is_one_claim(model: Language) -> None:
    c = only(
        run(model, "“We will hold the line,” the general said. “The enemy is exhausted. We have reserves.”")
    )
    assert [p["text"] for p in c["content_parts"]] == [
        "We will hold the line",
        "The enemy is exhausted. We have reserves",
    ]
    assert c["quote"] == "direct"


def test_headline_colon(model: Language) -> None:
    c = only(
        run(model, "Zelensky: Russia will pay for the strike on Odesa\n\nThe president spoke on Monday.")
    )
    assert (names(c), c["cue"]["text"]) == (["Zelensky"], ":")
    assert c["content"]["text"] == "Russia will pay for the strike on Odesa"


def test_stance_noun(model: Language) -> None:
    c = only(run(model, "Kyiv renewed its appeal for more air defence systems."))
    assert c["cue"]["text"] == "appeal for" and names(c) == ["Kyiv"]
    assert c["content"]["text"] == "more air defence systems"


def test_a_quotation_over_two_paragraphs(model: Language) -> None:
    text = "“We will hold the line,” the general said. “The enemy is exhausted.\n\n“We have reserves.”"
    c = only(run(model, text))
    assert [p["text"] for p in c["content_parts"]][-1] == "We have reserves"
    closed = "“We will hold the line,” the general said.\n\n“We have reserves,” a soldier said."
    assert [names(c) for c in attributed(run(model, closed))] == [["general"], ["soldier"]]


def test_speech_acts_keep_their_object_and_a_colon_introduces_the_quotation(model: Language) -> None:
    c = only(run(model, "Speaking in Kyiv, the minister condemned Moscow for the strike."))
    assert c["cue"]["text"] == "condemned" and "Moscow for the strike" in c["content"]["text"]
    c = only(run(model, "The commander continued:\n“We will not retreat from Bakhmut.”"))
    assert c["content"]["text"] == "We will not retreat from Bakhmut" and c["quote"] == "direct"


def test_a_purpose_infinitive_is_no_stance(model: Language) -> None:
    claims = attributed(run(model, "Moscow has been sending troops to support its offensive near Kupiansk."))
    assert claims == []
