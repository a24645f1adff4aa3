"""Toponym finding and resolution on the fixture gazetteer: the cases the issue names, one sentence each.

Each sentence holds the context that must decide: "Georgia" the country or the US state, "Lyman" and
"Pokrovsk" in which oblast or country, "New York" the city or the Donetsk-oblast village, Kharkov and
Kup'yans'k through transliteration variants.
"""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

from wirewatch import nlp
from wirewatch.geo.gazetteer import Gazetteer
from wirewatch.geo.resolve import geocode_name, places

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def model() -> Language:
    return nlp.load()


def _places(model: Language, gazetteer: Gazetteer, text: str, **kw: Any) -> list[dict[str, Any]]:
    return places(model(text), "t", gazetteer, **kw)


def _one(found: list[dict[str, Any]], mention: str) -> dict[str, Any]:
    hits = [p for p in found if p["mention"]["text"] == mention]
    assert len(hits) == 1, [(p["mention"]["text"], p["name"]) for p in found]
    return hits[0]


def test_georgia_is_the_country_next_to_tbilisi(model: Language, gazetteer: Gazetteer) -> None:
    text = "Protesters marched through Tbilisi, the capital of Georgia, on Sunday."
    found = _places(model, gazetteer, text)
    georgia = _one(found, "Georgia")
    assert (georgia["level"], georgia["country"]) == ("country", "GE")
    assert {c["level"] for c in georgia["candidates"]} >= {"country", "admin1"}  # the runner-up is kept


def test_georgia_is_the_state_in_a_story_about_atlanta(model: Language, gazetteer: Gazetteer) -> None:
    text = "Storms hit Atlanta and Washington on Monday. Officials in Georgia said more rain is due."
    georgia = _one(_places(model, gazetteer, text), "Georgia")
    assert (georgia["level"], georgia["country"], georgia["geonameid"]) == ("admin1", "US", 4197000)


def test_lyman_in_donetsk_oblast(model: Language, gazetteer: Gazetteer) -> None:
    text = "Russian troops shelled Lyman, Donetsk Oblast, overnight, Ukrainian officials said."
    lyman = _one(_places(model, gazetteer, text), "Lyman")
    assert lyman["geonameid"] == 704204 and lyman["admin1"] is not None
    assert [c["geonameid"] for c in lyman["candidates"]][:2] == [704204, 703071]


def test_pokrovsk_by_the_country_named_around_it(model: Language, gazetteer: Gazetteer) -> None:
    ua = _one(_places(model, gazetteer, "Ukraine said fighting near Pokrovsk had intensified."), "Pokrovsk")
    assert ua["country"] == "UA"
    text = "Russia said floods reached Pokrovsk and Moscow sent help."
    ru = _one(_places(model, gazetteer, text), "Pokrovsk")
    assert ru["country"] == "RU"


def test_new_york_the_village_in_donetsk_oblast(model: Language, gazetteer: Gazetteer) -> None:
    text = "Ukrainian forces withdrew from New York, Donetsk Oblast, after heavy shelling near Bakhmut."
    village = _one(_places(model, gazetteer, text), "New York")
    assert (village["country"], village["geonameid"]) == ("UA", 699751)


def test_new_york_the_city_in_an_american_story(model: Language, gazetteer: Gazetteer) -> None:
    city = _one(_places(model, gazetteer, "The mayor of New York met officials in Washington."), "New York")
    assert city["country"] == "US"


def test_transliteration_variants(model: Language, gazetteer: Gazetteer) -> None:
    kharkov = _one(_places(model, gazetteer, "Missiles struck Kharkov on Tuesday."), "Kharkov")
    assert kharkov["geonameid"] == 706483
    place = geocode_name("Kup'yans'k", "Kharkiv Oblast", "UA", gazetteer)
    assert place is not None and place["geonameid"] == 703656


def test_south_of_krasnohorivka_donetsk_oblast(model: Language, gazetteer: Gazetteer) -> None:
    text = "Fighting continued south of Krasnohorivka, Donetsk Oblast, the General Staff said."
    found = _places(model, gazetteer, text)
    town = _one(found, "Krasnohorivka")
    assert town["geonameid"] == 704393
    assert town["relative"]["relation"] == "direction" and town["relative"]["direction"] == "south"
    assert _one(found, "Donetsk Oblast")["level"] == "admin1"


def test_oblast_coordination_names_two_admin1_regions(model: Language, gazetteer: Gazetteer) -> None:
    found = _places(model, gazetteer, "Drones hit targets in Russia's Kursk and Bryansk oblasts.")
    assert _one(found, "Kursk")["geonameid"] == 538555
    assert _one(found, "Bryansk")["geonameid"] == 571473


def test_a_city_alone_is_the_city_not_its_oblast(model: Language, gazetteer: Gazetteer) -> None:
    donetsk = _one(_places(model, gazetteer, "Explosions were heard in Donetsk."), "Donetsk")
    assert (donetsk["level"], donetsk["geonameid"]) == ("populated", 709717)


def test_metonymy_marks_acting_capitals(model: Language, gazetteer: Gazetteer) -> None:
    acting = _one(_places(model, gazetteer, "Moscow denied the report on Friday."), "Moscow")
    assert acting["metonymy"] == "government"
    located = _one(_places(model, gazetteer, "The delegation arrived in Moscow on Friday."), "Moscow")
    assert located["metonymy"] is None


def test_a_place_that_owns_its_parts_is_not_acting(model: Language, gazetteer: Gazetteer) -> None:
    found = _places(model, gazetteer, "Drones hit Russia's Kursk Oblast. Russia's envoy protested.")
    first, second = (p for p in found if p["mention"]["text"] == "Russia")
    assert first["metonymy"] is None  # "Russia's Kursk Oblast": a part of the place
    assert second["metonymy"] == "government"  # "Russia's envoy": the state acts


def test_toponym_inside_an_organisation_name(model: Language, gazetteer: Gazetteer) -> None:
    text = "The Kharkiv Regional Military Administration reported two injured."
    kharkiv = _one(_places(model, gazetteer, text), "Kharkiv")
    assert kharkiv["use"] == "embedded" and kharkiv["country"] == "UA"


def test_demonym_setting(model: Language, gazetteer: Gazetteer) -> None:
    text = "Russian forces advanced four miles from the Ukrainian border."
    on = _places(model, gazetteer, text)
    assert {p["mention"]["text"] for p in on} == {"Russian", "Ukrainian"}
    off = _places(model, gazetteer, text, demonyms=False)
    (border,) = off  # a demonym in a border phrase is always a place
    assert border["mention"]["text"] == "Ukrainian" and border["relative"]["from"] == "border"


def test_an_unknown_place_is_kept_unresolved(model: Language, gazetteer: Gazetteer) -> None:
    found = _places(model, gazetteer, "Shelling was reported in Zzyzxgrad, officials said.")
    hits = [p for p in found if p["mention"]["text"] == "Zzyzxgrad"]
    assert hits == [] or (hits[0]["lat"] is None and hits[0]["candidates"] == [])


def test_town_comma_name_is_the_oblast_not_its_namesake_city(model: Language, gazetteer: Gazetteer) -> None:
    """ "near Heorhiivka, Donetsk": the gazetteer knows only a Heorhiivka in Luhansk Oblast; Donetsk is still
    the oblast, not the city (which the proximity of that Heorhiivka once made win back)."""
    found = _places(model, gazetteer, "Russian forces fired artillery near Heorhiivka, Donetsk, on Monday.")
    assert _one(found, "Donetsk")["geonameid"] == 709716
    lyman = _places(model, gazetteer, "Russian forces clashed with Ukrainian forces near Lyman, Donetsk.")
    assert _one(lyman, "Lyman")["geonameid"] == 704204
    assert _one(lyman, "Donetsk")["level"] == "admin1"
