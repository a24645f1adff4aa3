"""The GWN and LGL readers, the geo metric on hand-made Place dicts, and the CIR row scorer (no model, no data
set)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from wirewatch.errors import InputError
from wirewatch.eval.geo import (
    GoldToponym,
    country_hint,
    haversine_km,
    read_cir,
    read_gold,
    score,
    score_cir_row,
)

#       0         1         2         3         4         5         6
#       0123456789012345678901234567890123456789012345678901234567890123
TEXT = "Shelling hit Kharkiv and Izium on Monday, Ukraine's army said."
KHARKIV = (13, 20)
IZIUM = (25, 30)
UKRAINE = (42, 49)

GWN_XML = f"""<?xml version="1.0" ?>
<articles>
  <article file="0">
    <title>T</title>
    <link>http://example.org/a</link>
    <text>{TEXT}</text>
    <toponyms>
      <toponym>
        <extractedName>Kharkiv</extractedName><normalisedName>Kharkiv</normalisedName>
        <type>Literal</type><modifierType/><nonLocational>No</nonLocational>
        <start>13</start><end>20</end>
        <geonamesID>706483</geonamesID><latitude>49.98081</latitude><longitude>36.25272</longitude>
      </toponym>
      <toponym>
        <extractedName>Izium</extractedName><normalisedName/>
        <type>Literal</type><modifierType/><nonLocational>No</nonLocational>
        <start>25</start><end>30</end>
        <geonamesID/><latitude>49.2128</latitude><longitude>37.2569</longitude>
      </toponym>
      <toponym>
        <extractedName>Ukraine</extractedName><normalisedName>Ukraine</normalisedName>
        <type>Literal_Modifier</type><modifierType>Adjective</modifierType><nonLocational>No</nonLocational>
        <start>42</start><end>49</end>
        <geonamesID>690791</geonamesID><latitude>49.0</latitude><longitude>32.0</longitude>
      </toponym>
      <toponym>
        <extractedName>army</extractedName><normalisedName/>
        <type>Non_Lit_Expression</type><modifierType/><nonLocational>Yes</nonLocational>
        <start>52</start><end>56</end>
      </toponym>
      <toponym>
        <extractedName>Monday</extractedName><normalisedName>Monday</normalisedName>
        <type>Literal</type><modifierType/><nonLocational>No</nonLocational>
        <start>30</start><end>36</end>
        <geonamesID>1</geonamesID><latitude>1</latitude><longitude>1</longitude>
      </toponym>
    </toponyms>
  </article>
</articles>
"""

LGL_XML = f"""<?xml version="1.0" encoding="utf-8"?>
<articles>
  <article docid="17">
    <title>T</title>
    <text><![CDATA[{TEXT}]]></text>
    <toponyms count="3">
      <toponym>
        <start>13</start><end>20</end><phrase>Kharkiv</phrase>
        <gaztag geonameid="706483">
          <name>Kharkiv</name><fclass>P</fclass><fcode>PPLA</fcode><lat>49.98081</lat><lon>36.25272</lon>
          <country geonameid="690791">Ukraine</country><admin1 geonameid="706482">Kharkiv</admin1>
        </gaztag>
      </toponym>
      <toponym><start>25</start><end>30</end><phrase>Izium</phrase></toponym>
      <toponym>
        <start>42</start><end>49</end><phrase>Ukraine</phrase>
        <gaztag geonameid="690791">
          <name>Ukraine</name><fclass>A</fclass><fcode>PCLI</fcode><lat>49.0</lat><lon>32.0</lon>
          <country geonameid="690791">Ukraine</country><admin1 geonameid=""/>
        </gaztag>
      </toponym>
    </toponyms>
  </article>
  <article docid="18"><text><![CDATA[Nothing here.]]></text><toponyms count="0"/></article>
</articles>
"""


def _write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


# --- the readers -------------------------------------------------------------------------------------------


def test_read_gwn(tmp_path: Path) -> None:
    fmt, articles, mismatches = read_gold(_write(tmp_path, "x.xml", GWN_XML))
    assert fmt == "gwn" and len(articles) == 1
    (article,) = articles
    assert article.name == "0" and article.text == TEXT
    # gold: the spans with a GeoNames id; annotated: those with an id or coordinates ("army" is neither)
    assert [(g.start, g.end) for g in article.toponyms] == [KHARKIV, UKRAINE, (30, 36)]
    assert article.annotated == [KHARKIV, IZIUM, UKRAINE, (30, 36)]
    kharkiv, ukraine, _ = article.toponyms
    assert (kharkiv.geonameid, kharkiv.lat, kharkiv.lon, kharkiv.level) == (706483, 49.98081, 36.25272, None)
    # a gold whose id is a country's is country-level, with its ISO code
    assert (ukraine.level, ukraine.country) == ("country", "UA")
    assert mismatches == 1  # "Monday" says start 30: the text there is " on Mo"


def test_read_lgl(tmp_path: Path) -> None:
    fmt, articles, mismatches = read_gold(_write(tmp_path, "gwn_named.xml", LGL_XML))
    assert fmt == "lgl" and mismatches == 0  # the file name says nothing: the XML decides
    first, second = articles
    assert (first.name, first.text, second.name, second.toponyms) == ("17", TEXT, "18", [])
    assert first.annotated == [KHARKIV, IZIUM, UKRAINE]
    kharkiv, ukraine = first.toponyms
    assert (kharkiv.level, kharkiv.country, kharkiv.admin1) == (None, "UA", "Kharkiv")
    assert (ukraine.level, ukraine.country, ukraine.geonameid) == ("country", "UA", 690791)


@pytest.mark.parametrize(
    "content",
    [
        "not xml at all <",
        "<?xml version='1.0'?><feed><article><text>x</text></article></feed>",
        "<articles><article><text>x</text><toponyms><toponym><name>x</name></toponym></toponyms></article>"
        "</articles>",
    ],
)
def test_read_gold_refuses_other_files(tmp_path: Path, content: str) -> None:
    path = _write(tmp_path, "x.xml", content)
    with pytest.raises(InputError) as info:
        read_gold(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_read_gold_names_a_malformed_toponym(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.xml", LGL_XML.replace("<start>25</start>", "<start>x</start>"))
    with pytest.raises(InputError, match="article 17"):
        read_gold(path)


# --- the metric --------------------------------------------------------------------------------------------

KHARKIV_LL = (49.98081, 36.25272)
GOLD = [
    GoldToponym(*KHARKIV, "Kharkiv", *KHARKIV_LL, geonameid=706483, name="Kharkiv"),
    GoldToponym(
        *UKRAINE, "Ukraine", 49.0, 32.0, geonameid=690791, name="Ukraine", level="country", country="UA"
    ),
]
ANNOTATED = [KHARKIV, IZIUM, UKRAINE]


def place(
    span: tuple[int, int],
    lat: float | None,
    lon: float | None,
    *,
    geonameid: int | None = None,
    level: str = "populated",
    country: str | None = "UA",
    name: str = "x",
    admin1: str | None = None,
) -> dict[str, Any]:
    return {
        "id": "a:p1",
        "mention": {"start": span[0], "end": span[1], "text": TEXT[span[0] : span[1]]},
        "name": name,
        "geonameid": geonameid,
        "level": level,
        "country": country,
        "admin1": admin1,
        "lat": lat,
        "lon": lon,
        "relative": None,
        "score": 1.0,
        "candidates": [],
    }


def perfect(gold: list[GoldToponym]) -> list[dict[str, Any]]:
    return [place((g.start, g.end), g.lat, g.lon, geonameid=g.geonameid) for g in gold]


def test_perfect_prediction_scores_one() -> None:
    result = score([(GOLD, ANNOTATED, perfect(GOLD))])
    for key in (
        "ner_precision",
        "ner_recall",
        "ner_f1",
        "acc161_matched",
        "acc161_e2e",
        "acc_e2e_id",
        "acc25_e2e",
    ):
        assert result[key] == 1.0, key
    assert result["mean_error_km"] == 0.0 and result["median_error_km"] == 0.0
    assert (result["n_gold"], result["n_pred"]) == (2, 2)
    assert list(result) == [
        "ner_precision",
        "ner_recall",
        "ner_f1",
        "acc161_matched",
        "acc161_e2e",
        "acc_e2e_id",
        "acc25_e2e",
        "mean_error_km",
        "median_error_km",
        "n_gold",
        "n_pred",
    ]


def test_haversine() -> None:
    assert haversine_km(0, 0, 0, 0) == 0.0
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.195, abs=0.01)  # one degree of the equator
    assert haversine_km(50.45, 30.52, 49.98, 36.25) == pytest.approx(411, abs=3)  # Kyiv - Kharkiv


def test_distances_and_unresolved_predictions() -> None:
    preds = [
        place((13, 17), 49.98, 37.0),  # "Khar": overlaps Kharkiv; ~54 km east: within 161, not 25
        place(UKRAINE, None, None),  # found, unresolved: wrong everywhere but NER
        place(IZIUM, 49.2, 37.2),  # an annotated non-gold span: NER-correct, no gold to score
        place((0, 8), 50.0, 36.0),  # "Shelling": not annotated
    ]
    result = score([(GOLD, ANNOTATED, preds)])
    assert result["ner_precision"] == 0.75 and result["ner_recall"] == 1.0
    assert result["acc161_matched"] == 0.5 and result["acc161_e2e"] == 0.5
    assert result["acc25_e2e"] == 0.0
    assert result["mean_error_km"] == result["median_error_km"] == pytest.approx(53.6, abs=0.5)


def test_each_gold_takes_the_prediction_it_overlaps_most() -> None:
    far, near = place((12, 14), 0.0, 0.0), place((14, 22), *KHARKIV_LL)  # " K" vs "harkiv a"
    result = score([(GOLD[:1], ANNOTATED, [far, near])])
    assert result["acc161_e2e"] == 1.0 and result["n_pred"] == 2
    # a tie goes to the earlier prediction
    result = score([(GOLD[:1], ANNOTATED, [place((13, 16), 0.0, 0.0), place((17, 20), *KHARKIV_LL)])])
    assert result["acc161_e2e"] == 0.0 and result["ner_recall"] == 1.0


def test_acc_e2e_id_credits_ids_countries_and_admin1() -> None:
    far = (0.0, 0.0)
    by_id = place(KHARKIV, *far, geonameid=706483)
    country = place(UKRAINE, *far, level="country", country="UA")
    wrong_country = place(UKRAINE, *far, level="country", country="RU")
    result = score([(GOLD, ANNOTATED, [by_id, country])])
    assert (result["acc161_e2e"], result["acc_e2e_id"]) == (0.0, 1.0)
    assert score([(GOLD, ANNOTATED, [wrong_country])])["acc_e2e_id"] == 0.0
    # a populated place in the right country is no country answer
    assert score([(GOLD[1:], ANNOTATED, [place(UKRAINE, *far, country="UA")])])["acc_e2e_id"] == 0.0
    oblast = GoldToponym(
        *KHARKIV, "Kharkiv", 49.5, 36.5, geonameid=1, name="Kharkiv", level="admin1", country="UA"
    )
    answer = place(KHARKIV, *far, level="admin1", name="Kharkivska oblast", admin1="Kharkiv")
    assert score([([oblast], ANNOTATED, [answer])])["acc_e2e_id"] == 1.0
    answer = place(KHARKIV, *far, level="admin1", country="RU", admin1="Kharkiv")
    assert score([([oblast], ANNOTATED, [answer])])["acc_e2e_id"] == 0.0


def test_missing_predictions_cost_recall_only() -> None:
    result = score([(GOLD, ANNOTATED, perfect(GOLD[:1]))])
    assert (result["ner_precision"], result["ner_recall"]) == (1.0, 0.5)
    assert result["acc161_matched"] == 1.0 and result["acc161_e2e"] == 0.5


@pytest.mark.parametrize(
    "articles",
    [[], [([], [], [])], [(GOLD, ANNOTATED, [])], [([], [], perfect(GOLD))]],
)
def test_empty_inputs_give_zeros(articles: list[Any]) -> None:
    result = score(articles)
    assert all(v == 0.0 for k, v in result.items() if not k.startswith("n_"))


def test_a_prediction_without_a_mention_counts_but_matches_nothing() -> None:
    bad = place(KHARKIV, *KHARKIV_LL)
    bad["mention"] = None
    result = score([(GOLD, ANNOTATED, [bad])])
    assert (result["n_pred"], result["ner_precision"], result["ner_recall"]) == (1, 0.0, 0.0)


# --- CIR ---------------------------------------------------------------------------------------------------


@dataclass
class Entry:
    lat: float
    lon: float


ROW = {"entry": "UW1", "town/city": "Kup'yans'k", "province": "Kharkiv Oblast", "country": "Ukraine"}
ROW_LL = {"lat": "49.7106", "lon": "37.6153"}


def test_country_hint() -> None:
    assert [country_hint(c) for c in ("Ukraine", " russia ", "Belaurs", "Crimea", "Kursk Oblast", "")] == [
        "UA",
        "RU",
        "BY",
        "UA",
        None,
        None,
    ]


def test_score_cir_row() -> None:
    row = {**ROW, **ROW_LL}
    near = place(KHARKIV, 49.72, 37.60)
    km, oracle, miss = score_cir_row(row, near, [Entry(0, 0), Entry(49.71, 37.62)])
    assert km is not None and km < 2 and oracle and miss is None
    km, oracle, miss = score_cir_row(row, None, [Entry(0, 0)])
    assert km is None and not oracle and miss is not None and miss.kind == "unresolved"
    _, _, miss = score_cir_row(row, place(KHARKIV, None, None), [])
    assert miss is not None and miss.kind == "unresolved" and miss.got_name == "x"
    _, _, miss = score_cir_row(row, place(KHARKIV, 55.75, 37.62, country="RU", name="Moscow"), [])
    assert miss is not None and (miss.kind, miss.got_name, miss.got_country) == (
        "wrong_country",
        "Moscow",
        "RU",
    )
    km, _, miss = score_cir_row(row, place(KHARKIV, 49.99, 36.23), [])
    assert miss is not None and miss.kind == "far" and miss.km == pytest.approx(km, abs=0.1)
    _, _, miss = score_cir_row({**ROW, "lat": "", "lon": "37"}, near, [])
    assert miss is not None and miss.kind == "no_coords_in_gold"


def test_read_cir(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "events.csv",
        "entry,town/city,province,country,lat,lon\nA,Kyiv,Kyiv Oblast,Ukraine,50.45,30.52\nB,,,Ukraine,1,2\n",
    )
    assert [r["entry"] for r in read_cir(path)] == ["A"]
    with pytest.raises(InputError, match="town/city"):
        list(read_cir(_write(tmp_path, "other.csv", "a,b\n1,2\n")))
