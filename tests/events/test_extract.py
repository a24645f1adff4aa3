"""Event constructions, one sentence each, through the pipeline (fixture gazetteer, no store)."""

from __future__ import annotations

from typing import Any

import pytest

from wirewatch.pipeline import analyze_raw
from wirewatch.records import RawDocument
from wirewatch.settings import Settings

pytestmark = pytest.mark.model


def _analyse(text: str, published: str | None = "2024-10-16") -> dict[str, Any]:
    raw = RawDocument(
        name="t", data=text.encode(), kind="record", record_format="verbatim", published=published
    )
    return analyze_raw(raw, Settings()).to_dict()


def _first(a: dict[str, Any]) -> dict[str, Any]:
    assert a["events"], a["article"]["text"]
    return dict(a["events"][0])


def _acled(e: dict[str, Any]) -> tuple[str, str] | None:
    return (e["acled"]["event_type"], e["acled"]["sub_event_type"]) if e["acled"] else None


def test_shelling_is_an_explosion_with_actor_place_and_day() -> None:
    a = _analyse("Russian forces shelled Kharkiv on Tuesday, killing five civilians and injuring 12.")
    e = _first(a)
    assert e["type"] == "ASSAULT"
    assert _acled(e) == ("Explosions/Remote violence", "Shelling/artillery/missile attack")
    actor = next(x for x in e["actors"] if x["role"] == "actor")
    assert (actor["country"], actor["sector"]) == ("RU", "military")
    assert (e["when"]["start"], e["when"]["precision"], e["time_precision"]) == ("2024-10-15", "day", 1)
    (where,) = e["where"]
    place = next(p for p in a["places"] if p["id"] == where["place"])
    assert place["name"] == "Kharkiv" and where["geo_precision"] == 1
    assert (e["fatalities"], e["injuries"]) == (5, 12)


EXPLOSION = "Explosions/Remote violence"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ukrainian forces hit Russian positions near Bakhmut with drones.", (EXPLOSION, "Air/drone strike")),
        ("Russian and Ukrainian troops clashed near Lyman.", ("Battles", "Armed clash")),
        ("A civilian car hit a landmine near Kupiansk.", (EXPLOSION, "Remote explosive/landmine/IED")),
        (
            "Ukrainian air defence shot down 12 drones over Kyiv.",
            ("Strategic developments", "Disrupted weapons use"),
        ),
    ],
)
def test_acled_sub_event_types_from_triggers_and_instruments(text: str, expected: tuple[str, str]) -> None:
    assert _acled(_first(_analyse(text))) == expected


def test_a_near_place_is_geo_precision_two() -> None:
    a = _analyse("Russian forces shelled near Kupiansk on Monday.")
    (where,) = _first(a)["where"]
    assert (where["relation"], where["geo_precision"]) == ("near", 2)


def test_modality_flags() -> None:
    assert _first(_analyse("Russian forces did not shell Kharkiv on Monday."))["negated"] is True
    assert _first(_analyse("Russia could attack Kyiv again, officials fear."))["hypothetical"] is True
    future = _first(_analyse("Russia will deploy more troops to Kursk Oblast."))
    assert future["type"] == "MOBILIZE" and future["future"] is True


def test_protest_with_its_size() -> None:
    e = _first(_analyse("About 200 protesters rallied in Kyiv on Sunday."))
    assert e["type"] == "PROTEST" and e["size"] == 200
    assert _acled(e) == ("Protests", "Peaceful protest")


def test_two_mentions_of_one_shelling_are_one_event() -> None:
    a = _analyse("Russian forces shelled Kharkiv on Monday.\n\nThe shelling of Kharkiv damaged 40 homes.")
    shelling = [e for e in a["events"] if e["type"] == "ASSAULT"]
    assert len(shelling) == 1 and len(shelling[0]["mentions"]) == 2


def test_without_a_publication_date_a_weekday_stays_unknown() -> None:
    e = _first(_analyse("Russian forces shelled Kharkiv on Tuesday.", published=None))
    assert (e["when"]["start"], e["when"]["end"], e["when"]["precision"]) == (None, None, "unknown")


def test_an_attributed_event_is_held_by_its_claim() -> None:
    a = _analyse("Ukrainian officials said Russian forces shelled Kharkiv overnight.")
    e = _first(a)
    (holder,) = e["claims"]
    claim = next(c for c in a["claims"] if c["id"] == holder)
    assert claim["sources"][0]["country"] == "UA" and e["allegation"] is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The United Nations will provide 25,000 tons of food aid to refugees.", "AGREE"),  # a promise
        ("Norway is willing to send weapons to Ukraine.", "AGREE"),
        ("Syria will not accept any more refugees.", "REJECT"),  # refusing a cooperative act
        ("Farmers said they would blockade Paris from Monday night.", "THREATEN"),  # announcing a hostile one
        ("Russian forces shelled Kharkiv on Monday.", "ASSAULT"),  # a deed stays a deed
    ],
)
def test_what_an_actor_says_it_will_do_is_the_verbal_event(text: str, expected: str) -> None:
    e = _first(_analyse(text))
    assert e["type"] == expected
    if expected in {"AGREE", "REJECT", "THREATEN"}:
        assert e["acled"] is None  # announced, not done


def test_a_light_verb_defers_to_the_event_its_object_names() -> None:
    a = _analyse("Serbian military police have launched an investigation into alleged crimes.")
    assert [(e["type"], e["trigger"]["text"]) for e in a["events"]] == [("ACCUSE", "investigation")]


def test_a_demand_on_another_is_a_request() -> None:
    e = _first(_analyse("The administration said that China must drop its barriers to imports."))
    assert e["type"] == "REQUEST"


def test_harm_before_the_first_trigger_of_a_paragraph_counts() -> None:
    """The victims can precede the trigger: "a civilian was killed, having set off a booby trap"."""
    a = _analyse(
        "On 4 May 2023, a civilian was killed, having set off a Russian booby trap in his field, near "
        "Bilozerka, Kherson region."
    )
    assert next(e["fatalities"] for e in a["events"] if e["acled"]) == 1


def test_short_english_note_is_analysed_not_skipped_as_another_language() -> None:
    a = _analyse("On 2 November 2023, Russian forces shelled Robotyne, Zaporizhia. Casualties unknown.")
    e = _first(a)
    assert _acled(e) == (EXPLOSION, "Shelling/artillery/missile attack")
    assert e["fatalities"] is None  # unknown, not 0


def _where_names(a: dict[str, Any], e: dict[str, Any]) -> list[str]:
    by_id = {p["id"]: p for p in a["places"]}
    return [by_id[w["place"]]["name"] for w in e["where"]]


def test_an_event_without_a_place_takes_the_nearest_earlier_sentence_of_its_paragraph() -> None:
    a = _analyse("Rebels used machine guns near Kharkiv. During the day two soldiers were wounded.")
    wounded = next(e for e in a["events"] if any(m["text"] == "wounded" for m in e["mentions"]))
    assert _where_names(a, wounded)[0] == "Kharkiv"


def test_a_place_after_a_quotation_that_cut_the_sentence() -> None:
    a = _analyse(
        "On 10 March 2024, demonstrators held a protest 'Bring them home! Free them now!' in Kharkiv."
    )
    protest = next(e for e in a["events"] if e["type"] == "PROTEST")
    assert _where_names(a, protest)[0] == "Kharkiv"


def test_a_misread_town_abroad_is_not_where_a_local_event_happened() -> None:
    """ "Tyulpan" (a howitzer) fuzzily resolved to Turpan in China next to "Luhansk region"; here "Seoul"."""
    a = _analyse("Ukrainian forces hit with a drone a tank called Seoul near Lyman, Donetsk Oblast.")
    e = _first(a)
    assert e["where"], a["places"]
    by_id = {p["id"]: p for p in a["places"]}
    assert {by_id[w["place"]]["country"] for w in e["where"]} == {"UA"}


def _main(a: dict[str, Any]) -> dict[str, Any]:
    """The sentence's main event: the typed event whose trigger sits highest in the parse."""
    typed = [e for e in a["events"] if e["type"]]
    assert typed, a["article"]["text"]
    return dict(
        min(typed, key=lambda e: (e["depth"] if e["depth"] is not None else 99, e["trigger"]["start"]))
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dock workers began a general strike in Odesa on Monday.", ("PROTEST", "strike-gen")),
        ("The teachers' union called off a three-day strike after talks.", ("CONCEDE", "ease")),
        (
            "The secretary-general announced that he will withdraw the monitors from Syria.",
            ("THREATEN", None),
        ),
        ("The rebels declared a unilateral ceasefire on Friday.", ("RETREAT", "ceasefire")),
        ("The governor shortened the nightly curfew by two hours.", ("CONCEDE", "ease")),
        ("The court cancelled restrictions on opposition newspapers.", ("CONCEDE", "ease")),
        (
            "The ministry said it would allow journalists into the zone.",
            ("AGREE", None),
        ),  # a reported promise
        ("Rescue helicopters evacuated the injured from the besieged town.", ("AID", "humanitarian")),
        ("Settlers set fire to a mosque near Nablus overnight.", ("COERCE", "destroy")),  # CAMEO 1712
    ],
)
def test_the_type_the_trigger_s_neighbours_decide(text: str, expected: tuple[str, str | None]) -> None:
    e = _main(_analyse(text))
    assert (e["type"], e["mode"]) == expected


def test_a_noun_naming_another_noun_s_kind_is_no_event() -> None:
    a = _analyse("Border patrol agents detained 40 migrants near the river.")
    assert [e["type"] for e in a["events"]] == ["COERCE"]  # the detention, not a patrol
    kept = _analyse("The emir launched a mediation effort between the two states.")
    assert _main(kept)["type"] == "CONSULT"


def test_a_strike_by_aircraft_is_still_an_attack() -> None:
    e = _main(_analyse("Russian forces carried out a strike on Sumy with guided aerial bombs."))
    assert e["type"] == "ASSAULT"
