"""Certainty grading (wirewatch.claims.certainty): the example's claims table, yardsticks, negation, and the
integrity of the data files. No model needed."""

from __future__ import annotations

import csv
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest

from wirewatch.claims.certainty import (
    EVIDENTIALS,
    POLARITIES,
    ROLES,
    STRENGTHS,
    Certainty,
    entries,
    find_terms,
    grade,
    yardstick_for,
    yardsticks,
)

EXAMPLE = Path(str(resources.files("wirewatch").joinpath("data", "examples", "nk-desertion-report.txt")))


def data_rows(name: str) -> tuple[list[str], list[dict[str, str]]]:
    text = resources.files("wirewatch.claims").joinpath("data", name).read_text(encoding="utf-8")
    header = [ln for ln in text.splitlines() if ln.startswith("#")]
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    out = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert all(None not in r and all(v is not None for v in r.values()) for r in out), f"{name}: ragged row"
    return header, out


def sentence(needle: str) -> str:
    """The sentence of the example article that holds ``needle``."""
    text = EXAMPLE.read_text(encoding="utf-8")
    at = text.index(needle)
    start = max(text.rfind(". ", 0, at) + 2, text.rfind("\n", 0, at) + 1)
    end = text.find(". ", at)
    return text[start : end + 1 if end >= 0 else len(text)]


def triple(c: Certainty) -> tuple[str, str, str]:
    return c.evidential, c.strength, c.polarity


# --- the example's claims table ------------------------------------------------------------------------


def test_row1_reportedly_reported() -> None:
    s = sentence("is reportedly on the run")
    c = grade(cue="reported", window=s, source_kind="outlet", source_country="UA")
    assert triple(c) == ("reported", "unknown", "positive")
    assert c.term == "reportedly"
    assert c.probability is None


def test_row2_allegedly_without_cue() -> None:
    s = sentence("are allegedly conducting")
    c = grade(cue=None, window=s, source_kind="outlet", source_country="UA")
    assert triple(c) == ("alleged", "unknown", "positive")
    assert c.term == "allegedly"


@pytest.mark.parametrize(
    ("needle", "cue", "kind", "country"),
    [
        ("commanders are attempting", "suggested", "intelligence", "UA"),  # row 3
        ("intended to be part", "suggested", "outlet", "UA"),  # row 5
        ("persuaded North Korea", "indicated", "military", "UA"),  # row 9
    ],
)
def test_suggested_and_indicated_are_possible(needle: str, cue: str, kind: str, country: str) -> None:
    c = grade(cue=cue, window=sentence(needle), source_kind=kind, source_country=country)
    assert triple(c) == ("reported", "possible", "positive")
    assert c.term is None
    assert c.probability is None


def test_row4_speculation() -> None:
    s = sentence("follows speculation that")
    assert triple(grade(cue="speculation", window=s)) == ("speculated", "possible", "positive")
    no_cue = grade(cue=None, window=s)
    assert triple(no_cue) == ("speculated", "possible", "positive")
    assert no_cue.term == "speculation"


@pytest.mark.parametrize("cue", ["noting", "commented"])
def test_row6_highly_likely_from_a_south_korean_minister(cue: str) -> None:
    s = sentence("highly likely")
    c = grade(cue=cue, window=s, source_kind="government", source_country="KR", source_name="Kim Yong-hyun")
    assert triple(c) == ("reported", "probable", "positive")
    assert c.term == "highly likely"
    assert c.probability is None  # no UK/US yardstick
    assert c.to_dict() == {
        "evidential": "reported",
        "strength": "probable",
        "polarity": "positive",
        "term": "highly likely",
        "probability": None,
    }


@pytest.mark.parametrize(
    ("needle", "cue"),
    [("He referenced", "referenced"), ("have reported the presence", "reported")],  # rows 7, 8
)
def test_plain_reports(needle: str, cue: str) -> None:
    c = grade(cue=cue, window=sentence(needle), source_kind="outlet", source_country="UA")
    assert c == Certainty("reported", "unknown", "positive", None, None)


def test_row10_accused_is_alleged() -> None:
    s = sentence("has accused North Korea")
    cue_and_content = "accused North Korea of providing artillery supplies to Russia"
    for window in (cue_and_content, s):  # the denial later in the sentence is another claim (row 11)
        c = grade(cue="accused", window=window, source_kind="government", source_country="US")
        assert triple(c) == ("alleged", "unknown", "positive")


def test_row11_denied_is_reported_certain_negative() -> None:
    s = sentence("allegations denied by")
    c = grade(cue="denied", window=s, source_kind="government", source_country="KP")
    assert c == Certainty("reported", "certain", "negative", None, None)


def test_row12_no_comment_sentence_and_asserted_sentences() -> None:
    s = sentence("Newsweek reached out")
    assert grade(cue=None, window=s) == Certainty("asserted", "unknown", "positive", None, None)
    s = sentence("Putin visited North Korea")
    assert grade(cue=None, window=s) == Certainty("asserted", "unknown", "positive", None, None)


def test_no_cue_booster() -> None:
    c = grade(cue=None, window="The strike on the depot was Confirmed by satellite images.")
    assert triple(c) == ("asserted", "certain", "positive")
    assert c.term == "Confirmed"  # as written


# --- yardsticks ----------------------------------------------------------------------------------------


def test_yardstick_uk_intelligence() -> None:
    w = "Russia is highly likely to have moved the battalion."
    gb = grade(cue="assessed", window=w, source_kind="intelligence", source_country="GB")
    assert gb.probability == (0.8, 0.9)
    assert gb.to_dict()["probability"] == [0.8, 0.9]
    assert (
        grade(cue="assessed", window=w, source_kind="intelligence", source_country="KR").probability is None
    )
    assert grade(cue="assessed", window=w, source_kind="outlet", source_country="GB").probability is None
    assert grade(cue="assessed", window=w, source_kind=None, source_country=None).probability is None


def test_yardstick_us_icd203_terms_only() -> None:
    w = "it is very likely that the shipments continued"
    assert grade(cue="said", window=w, source_kind="military", source_country="US").probability == (0.8, 0.95)
    # "highly likely" is a PHIA term, not an ICD 203 one
    w2 = "the shipments are highly likely to continue"
    assert grade(cue="said", window=w2, source_kind="intelligence", source_country="US").probability is None


def test_yardstick_defence_ministry_and_named_yardstick() -> None:
    w = "an attack is unlikely"
    mod = grade(
        cue="said", window=w, source_kind="government", source_country="GB", source_name="Ministry of Defence"
    )
    assert mod.probability == (0.25, 0.35)
    assert triple(mod) == ("reported", "probable", "negative")
    foreign_office = grade(
        cue="said", window=w, source_kind="government", source_country="GB", source_name="Foreign Office"
    )
    assert foreign_office.probability is None
    named = grade(
        cue="wrote",
        window=w,
        source_kind="expert",
        source_country="DE",
        text="Using the UK Probability Yardstick, the analyst wrote that an attack is unlikely.",
    )
    assert named.probability == (0.25, 0.35)
    assert yardstick_for(source_kind="expert", source_country=None, text="per ICD 203 standards") is not None


# --- negation, unverified, matching --------------------------------------------------------------------


def test_negation() -> None:
    c = grade(cue="said", window="officials said there was no evidence of chemical weapons use")
    assert c.polarity == "negative"
    assert c.term == "no evidence"
    c = grade(cue=None, window="Moscow rejected the report.")
    assert triple(c) == ("reported", "certain", "negative")
    c = grade(cue="dismissed", window="The Kremlin dismissed the report as baseless.")
    assert c == Certainty("reported", "certain", "negative", None, None)
    c = grade(cue="said", window="The claims are baseless, the ministry said.")
    assert c.polarity == "negative"


def test_unverified_is_reported_unknown_with_term() -> None:
    w = "Footage of the strike could not be independently verified."
    c = grade(cue=None, window=w)
    assert triple(c) == ("reported", "unknown", "positive")
    assert c.term == "could not be independently verified"
    c = grade(cue="said", window="The figures, which cannot be verified, were published by the governor.")
    assert triple(c) == ("reported", "unknown", "positive")
    assert c.term == "cannot be verified"


def test_without_evidence_is_alleged() -> None:
    c = grade(cue="claimed", window="Russia claimed without evidence that Kyiv planned the attack")
    assert triple(c) == ("alleged", "unknown", "positive")
    assert c.term == "without evidence"


def test_strength_takes_the_strongest_hedge() -> None:
    c = grade(cue="said", window="the troops may possibly be highly likely to move")
    assert c.strength == "probable"
    assert c.term == "highly likely"
    c = grade(cue="suggested", window="the troops had reportedly moved")
    assert (c.evidential, c.strength, c.term) == ("reported", "possible", "reportedly")


def test_find_terms_offsets_longest_match_and_may() -> None:
    text = "In May the unit may have moved, which Could Not Be Independently Verified; it is highly\nlikely."
    hits = find_terms(text)
    assert [h.text for h in hits] == ["may", "Could Not Be Independently Verified", "highly\nlikely"]
    for h in hits:
        assert text[h.start : h.end] == h.text
    assert [h.text for h in find_terms("May they be right. May 9 parades.")] == ["May"]
    assert [h.text for h in find_terms("the likelyhood of unlikelyness")] == []
    assert [h.text for h in find_terms("He allegedly fled.")] == ["allegedly"]


# --- data files ----------------------------------------------------------------------------------------


REQUIRED = """reportedly allegedly purportedly apparently supposedly unconfirmed deny denies denied denial
reject rejected dismiss dismissed refute refuted rebuff likely probably possibly may might could suggest
suggested indicate indicated claim claimed accuse accused allegations speculation speculate confirm confirmed
said told stated""".split()  # noqa: SIM905
REQUIRED_PHRASES = [
    "could not be independently verified",
    "cannot be verified",
    "no evidence",
    "without evidence",
    "highly likely",
    "almost certainly",
    "according to",
]


def test_certainty_tsv_integrity() -> None:
    header, rows = data_rows("certainty.tsv")
    assert len(rows) >= 300
    seen: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for r in rows:
        assert r["term"] == r["term"].lower().strip() and "  " not in r["term"], r
        assert r["evidential"] in EVIDENTIALS, r
        assert r["strength"] in STRENGTHS, r
        assert r["polarity"] in POLARITIES, r
        assert r["role"] in ROLES, r
        assert r["case"] in ("any", "lower"), r
        assert set(r["source"].split("|")) <= {"ggt", "hedges", "wirewatch"}, r
        seen[r["term"]].append((r["evidential"], r["strength"], r["polarity"], r["role"]))
    assert not {t: v for t, v in seen.items() if len(v) > 1}, "duplicate terms"
    lex = entries()
    assert len(lex) == len(rows)
    assert set(REQUIRED) | set(REQUIRED_PHRASES) <= set(lex)
    for t in ("said", "told", "stated", "according to", "reported"):
        assert (lex[t].evidential, lex[t].strength) == ("reported", "unknown"), t
    assert all(
        lex[t].polarity == "negative" for t in ("denied", "rejected", "dismissed", "refuted", "rebuff")
    )
    # the seeds' licences and attribution are recorded
    head = "\n".join(header)
    assert "MIT" in head and "Maite Taboada" in head and "Titus Wormer" in head
    assert (
        "5501de31e8598e18ace47982220e91961ca5460a" in head
        and "4bd0fe5929901539e41492abb3e1f3e22f32bbe7" in head
    )


def test_yardsticks_tsv_integrity() -> None:
    _, rows = data_rows("yardsticks.tsv")
    ys = yardsticks()
    assert set(ys) == {"PHIA", "ICD203"}
    assert ys["PHIA"].countries == {"GB"} and ys["ICD203"].countries == {"US"}
    assert ys["PHIA"].bands["highly likely"] == (0.8, 0.9)
    assert ys["ICD203"].bands["roughly even chance"] == (0.45, 0.55)
    lex = entries()
    for y in ys.values():
        assert {"intelligence", "military"} <= y.kinds
        assert y.names
        for term, (lo, hi) in y.bands.items():
            assert 0.0 <= lo <= hi <= 1.0
            assert term in lex, f"yardstick term {term!r} is not in certainty.tsv"
            assert lex[term].strength in ("possible", "probable"), term
    assert len([r for r in rows if r["what"] == "band"]) == sum(len(y.bands) for y in ys.values())
