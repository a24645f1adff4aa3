from __future__ import annotations

import csv
import io

from wirewatch.records import Analysis, Article, Entity
from wirewatch.render import analysis_summary, articles_csv, csv_safe


def test_csv_cells_never_start_a_formula() -> None:
    assert csv_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert csv_safe("+7") == "'+7" and csv_safe("@SUM(A1)") == "'@SUM(A1)" and csv_safe("-1") == "'-1"
    assert csv_safe("Kyiv") == "Kyiv" and csv_safe(None) == ""
    rows = list(
        csv.reader(io.StringIO(articles_csv([{"id": "a", "title": "=cmd|' /C calc'!A0"}], ["id", "title"])))
    )
    assert rows == [["id", "title"], ["a", "'=cmd|' /C calc'!A0"]]


def test_summary_groups_entities_and_says_what_was_skipped() -> None:
    art = Article(
        id="0123456789abcdef", text="Para one.\n\nPara two.\n\nPara three.", title="T", language="en"
    )
    ents = (
        Entity("ORG", 0, 4, "Para", kind="outlet", country="UA"),
        Entity("ORG", 11, 15, "Para", kind="outlet", country="UA"),
    )
    text = analysis_summary(Analysis(article=art, entities=ents), paragraphs=1)
    assert "3 paragraphs" in text and "Para one." in text and "Para three." not in text
    assert "ORG (outlet)" in text and text.count("Para [UA]") == 1
    skipped = analysis_summary(Analysis(article=art, skipped={"nlp": "language ru"}))
    assert "language ru" in skipped


def _place(n: int, mention: str, name: str, **kw: object) -> dict[str, object]:
    start = 10 * n
    base: dict[str, object] = {
        "id": f"a:p{n}",
        "mention": {"start": start, "end": start + len(mention), "text": mention},
        "name": name,
        "geonameid": kw.pop("geonameid", None),
        "level": kw.pop("level", "country"),
        "country": kw.pop("country", None),
        "lat": kw.pop("lat", None),
        "lon": kw.pop("lon", None),
        "relative": kw.pop("relative", None),
        "metonymy": kw.pop("metonymy", None),
    }
    return base


def test_where_groups_mentions_of_one_place_and_lists_unresolved_last() -> None:
    places = [
        _place(0, "Russia", "Russia", geonameid=2017370, country="RU", lat=60.0, lon=100.0),
        _place(
            1,
            "Ukrainian",
            "Ukraine",
            geonameid=690791,
            country="UA",
            lat=49.0,
            lon=32.0,
            relative={"text": "four miles from the Ukrainian border"},
        ),
        _place(
            2,
            "Moscow",
            "Moscow",
            geonameid=524901,
            level="populated",
            country="RU",
            lat=55.7,
            lon=37.6,
            metonymy="government",
        ),
        _place(3, "Russian", "Russia", geonameid=2017370, country="RU", lat=60.0, lon=100.0),
        _place(4, "Zzyzxgrad", "Zzyzxgrad", level=None),
    ]
    text = analysis_summary(Analysis(article=Article(id="a", text="x"), places=tuple(places)))
    where = text[text.index("Where") :].splitlines()
    assert where[0] == "Where (5 place mentions)"
    assert where[1] == "  Russia [country, RU]: 2× as Russia, Russian"
    assert where[2] == "  Ukraine [country, UA]: 1× as Ukrainian; four miles from the Ukrainian border"
    assert where[3] == "  Moscow [populated, RU]: 1× as Moscow; acting as a government"
    assert where[4] == "  not in the gazetteer: Zzyzxgrad"


def test_what_happened_lists_each_event_with_who_where_when_and_flags() -> None:
    places = [
        _place(0, "Kharkiv", "Kharkiv", geonameid=706483, level="populated", country="UA", lat=50.0, lon=36.2)
    ]
    event = {
        "id": "a:e0",
        "type": "AID",
        "mode": "military",
        "acled": None,
        "actors": [
            {"role": "actor", "name": "North Korea", "country": "KP"},
            {"role": "recipient", "name": "Russia", "country": "RU"},
        ],
        "where": [{"place": "a:p0"}],
        "when": {"start": "2024-06-01", "end": "2024-06-30", "precision": "month"},
        "size": None,
        "fatalities": None,
        "claims": ["a:c18"],
        "allegation": True,
    }
    text = analysis_summary(
        Analysis(article=Article(id="a", text="x"), places=tuple(places), events=(event,))
    )
    block = text[text.index("What happened") :].splitlines()
    assert block[0] == "What happened (1 events)"
    assert " ".join(line.strip() for line in block[1:]) == (
        "AID (military): North Korea [KP] → Russia [RU] · at Kharkiv · 2024-06-01 to 2024-06-30 · "
        "held by c18 · ALLEGATION"
    )
