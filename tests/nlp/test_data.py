"""Integrity of the data files behind the ruler, and the look-ups later stages use (no model needed)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from wirewatch.nlp import lexicon, load_lexicon
from wirewatch.nlp.ruler import BODY_KINDS, DATA_DIR, OUTLET_KINDS

# ISO 3166-1 alpha-2, officially assigned codes (249).
ISO_ALPHA2 = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW""".split()  # noqa: SIM905
)


def rows(name: str) -> list[dict[str, str]]:
    path: Path = DATA_DIR / name
    lines = [
        ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")
    ]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    out = list(reader)
    assert all(None not in r and all(v is not None for v in r.values()) for r in out), f"{name}: ragged row"
    return out


def test_iso_list_is_complete() -> None:
    assert len(ISO_ALPHA2) == 249


def test_outlets() -> None:
    outlets = rows("outlets.tsv")
    assert len(outlets) >= 150
    names = [r["name"] for r in outlets]
    assert len(names) == len(set(names))
    for r in outlets:
        assert r["kind"] in OUTLET_KINDS, r
        assert r["country"] in ISO_ALPHA2, r
        assert r["aliases"].strip(), r
    agencies = {r["name"] for r in outlets if r["kind"] == "agency"}
    assert {"Reuters", "Associated Press", "Agence France-Presse", "TASS", "Yonhap News Agency"} <= agencies


def test_bodies() -> None:
    bodies = rows("bodies.tsv")
    assert len(bodies) >= 60
    for r in bodies:
        assert r["kind"] in BODY_KINDS, r
        assert r["country"] == "" or r["country"] in ISO_ALPHA2, r  # empty: international (UN, NATO)


def test_countries_and_places() -> None:
    countries = rows("countries.tsv")
    assert len(countries) >= 100
    assert all(r["code"] in ISO_ALPHA2 for r in countries)
    assert len({r["code"] for r in countries}) == len(countries)
    places = rows("places.tsv")
    assert all(r["country"] in ISO_ALPHA2 and r["label"] in {"GPE", "LOC"} for r in places)


def test_no_alias_names_two_entities() -> None:
    """Independent of the loader: every alias (case-folded) maps to one row across all tables."""
    seen: dict[str, set[str]] = defaultdict(set)
    for fname in ("outlets.tsv", "bodies.tsv", "places.tsv"):
        for r in rows(fname):
            for alias in [r["name"], *r["aliases"].split("|")]:
                key = alias.lstrip("?").strip().replace("’", "'").casefold()
                key = key.removeprefix("the ")
                if key:
                    seen[key].add(f"{fname}:{r['name']}")
    clashes = {k: v for k, v in seen.items() if len(v) > 1}
    assert not clashes
    demonyms: dict[str, set[str]] = defaultdict(set)
    for r in rows("countries.tsv"):
        for d in r["demonyms"].split("|"):
            if d:
                demonyms[d.casefold()].add(r["code"])
    assert not {k: v for k, v in demonyms.items() if len(v) > 1}


def test_loader_accepts_the_files() -> None:
    lex = load_lexicon()  # raises on any disagreement
    assert len(lex.outlets) >= 150
    assert lex.patterns()


@pytest.mark.parametrize(
    ("name", "kind", "country", "normalised"),
    [
        ("Suspilne", "outlet", "UA", "Suspilne"),
        ("LIGA", "outlet", "UA", "LIGA.net"),
        ("Interfax-Ukraine", "outlet", "UA", "Interfax-Ukraine"),
        ("the Kyiv Post’s", "outlet", "UA", "Kyiv Post"),
        ("Yonhap", "agency", "KR", "Yonhap News Agency"),
        ("Newsweek", "outlet", "US", "Newsweek"),
        ("AP", "agency", "US", "Associated Press"),
        ("Agence France-Presse", "agency", "FR", "Agence France-Presse"),
        ("Reuters", "agency", "GB", "Reuters"),
        ("HUR", "intelligence", "UA", "Main Directorate of Intelligence of Ukraine"),
        ("Russian Defence Ministry", "government", "RU", "Russian Ministry of Defence"),
        ("Center of National Resistance", "military", "UA", "Center of National Resistance"),
        ("North Korea’s Mission to the United Nations", "government", "KP", None),
        ("ISW", "organization", "US", "Institute for the Study of War"),
        ("NATO", "organization", None, "NATO"),
        ("Kursk", "place", "RU", "Kursk"),
    ],
)
def test_lookup(name: str, kind: str, country: str | None, normalised: str | None) -> None:
    info = lexicon().lookup(name)
    assert info is not None, name
    assert (info.kind, info.country) == (kind, country)
    if normalised is not None:
        assert info.name == normalised


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("Ukrainian", "UA"),
        ("Russians", "RU"),
        ("North Korean", "KP"),
        ("South Korean", "KR"),
        ("American", "US"),
        ("British", "GB"),
        ("Belarusian", "BY"),
        ("Iranian", "IR"),
        ("israeli", "IL"),
    ],
)
def test_demonym(word: str, code: str) -> None:
    assert lexicon().demonym(word) == code


def test_demonym_unknown_and_countries() -> None:
    lex = lexicon()
    assert lex.demonym("Martian") is None
    assert lex.country("the United States") == "US"
    assert lex.country("DPRK") == "KP"
    assert lex.lookup("no such outlet") is None


def test_by_domain() -> None:
    lex = lexicon()
    assert (info := lex.by_domain("www.kyivpost.com")) is not None and info.name == "Kyiv Post"
    assert (info := lex.by_domain("en.yna.co.kr")) is not None and info.name == "Yonhap News Agency"
    assert lex.by_domain("example.org") is None
