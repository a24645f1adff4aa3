"""Origins, claim clusters, denials and contradictions on the hand-made wire story of ``fixtures.py``."""

from __future__ import annotations

from tests.link.fixtures import fillers, wire_story

from wirewatch.link.origins import based_on, build_story, claim_origins, first_relay
from wirewatch.link.run import block_of, link_block


def test_a_wire_dateline_or_a_credit_makes_reuters_the_relay() -> None:
    wire, _copy, rewrite, confirm, *_ = wire_story()
    assert based_on(wire) == "Reuters" and based_on(rewrite) == "Reuters" and based_on(confirm) is None
    assert first_relay(rewrite["claims"][0], rewrite) == "Reuters"
    assert claim_origins(wire["claims"][0], wire) == ["reuters: anonymous sources"]
    assert claim_origins(rewrite["claims"][0], rewrite) == ["reuters: anonymous sources"]
    assert claim_origins(confirm["claims"][0], confirm) == ["odesa governor oleh kiper"]


def test_three_outlets_one_origin_then_an_independent_confirmation() -> None:
    wire, copy, rewrite, confirm, *_ = wire_story()
    circular = build_story([wire, copy, rewrite], {copy["article"]["id"]: wire["article"]["id"]})
    lead = circular["claim_clusters"][0]
    assert (lead["articles"], lead["outlets"], lead["independent_origins"]) == (3, 3, 1)
    assert lead["origins"] == ["reuters: anonymous sources"]
    assert any(w.startswith("circular reporting") for w in circular["why"])
    assert circular["copies"] == [[copy["article"]["id"], wire["article"]["id"]]]
    confirmed = build_story([wire, copy, rewrite, confirm], {copy["article"]["id"]: wire["article"]["id"]})
    lead = confirmed["claim_clusters"][0]
    assert lead["independent_origins"] == 2 and "odesa governor oleh kiper" in lead["origins"]
    assert confirmed["independent_origins"] == 2


def test_a_copy_adds_no_origin_even_under_another_outlet() -> None:
    wire, copy, *_ = wire_story()
    as_copy = build_story([wire, copy], {copy["article"]["id"]: wire["article"]["id"]})
    assert as_copy["claim_clusters"][0]["independent_origins"] == 1
    assert as_copy["claim_clusters"][0]["outlets"] == 2  # it was published twice, told once


def test_denials_and_conflicting_numbers_make_a_story_contested() -> None:
    wire, _copy, _rewrite, confirm, denial, _other = wire_story()
    story = build_story([wire, confirm, denial], {})
    lead = story["claim_clusters"][0]
    assert "aaaa000000000005:c1" in lead["denied_by"]
    (conflict,) = lead["contradictions"]
    assert (
        conflict["field"] == "numbers"
        and ["40,000"] in conflict["values"]
        and ["45,000"] in conflict["values"]
    )
    assert story["contested"] is True
    assert build_story([wire], {})["contested"] is False


def test_a_block_links_copies_and_stories_together() -> None:
    stories, copies = link_block(wire_story() + fillers(), threshold=0.14)
    assert [(a, c) for a, c, _, _ in copies] == [("aaaa000000000001", "aaaa000000000002")]
    odesa = next(s for s in stories if "aaaa000000000001" in s["articles"])
    assert sorted(odesa["articles"]) == [f"aaaa00000000000{n}" for n in range(1, 6)]  # the strike, 5 reports
    assert len(stories) == 1 + 1 + len(fillers())  # the wheat story and every filler stand alone
    assert (
        block_of("2026-03-03") == "2026-W10" and block_of(None) == "undated" and block_of("soon") == "undated"
    )


TOWNS = {"Izmail": (45.35, 28.84), "Mykolaiv": (46.97, 32.0), "Kharkiv": (50.0, 36.23)}


def _held_event(a: dict, day: str, town: str, region: str) -> None:
    """An ASSAULT held by the article's first claim, on ``day`` at ``town`` (in ``region``)."""
    aid = a["article"]["id"]
    place = {"id": f"{aid}:p0", "name": town, "level": "populated", "country": "UA", "admin1": region}
    lat, lon = TOWNS[town]
    a["places"] = [{**place, "lat": lat, "lon": lon}]
    when = {"start": day, "precision": "day"}
    held = [a["claims"][0]["id"]]
    a["events"] = [
        {
            "id": f"{aid}:e0",
            "type": "ASSAULT",
            "claims": held,
            "when": when,
            "where": [{"place": place["id"]}],
        }
    ]


def test_certainty_over_time_and_conflicting_dates_and_places() -> None:
    wire, _copy, _rewrite, confirm, *_ = wire_story()
    wire["claims"][0]["certainty"].update(evidential="reported", term="reportedly")
    confirm["claims"][0]["certainty"].update(evidential="asserted", strength="certain", term="confirmed")
    _held_event(wire, "2026-03-02", "Izmail", "Odesa Oblast")
    _held_event(confirm, "2026-03-03", "Mykolaiv", "Mykolaiv Oblast")
    lead = build_story([wire, confirm], {})["claim_clusters"][0]
    assert [(r["outlet"], r["term"]) for r in lead["timeline"]] == [
        ("outlet-a.example", "reportedly"),
        ("outlet-d.example", "confirmed"),
    ]
    fields = {c["field"]: c["values"] for c in lead["contradictions"]}
    assert fields["date"] == ["2026-03-02", "2026-03-03"]
    assert fields["place"] == ["Izmail, Odesa Oblast, UA", "Mykolaiv, Mykolaiv Oblast, UA"]
    _held_event(confirm, "2026-03-02", "Izmail", "Odesa Oblast")  # the same day and region: no conflict
    lead = build_story([wire, confirm], {})["claim_clusters"][0]
    assert {c["field"] for c in lead["contradictions"]} == {"numbers"}  # 40,000 against 45,000 homes remains


def test_the_story_view_shows_the_certainty_change_and_the_conflicts() -> None:
    from wirewatch.render import story_summary

    wire, _copy, _rewrite, confirm, *_ = wire_story()
    wire["claims"][0]["certainty"].update(evidential="reported", term="reportedly")
    confirm["claims"][0]["certainty"].update(evidential="asserted", term="confirmed")
    _held_event(wire, "2026-03-02", "Izmail", "Odesa Oblast")
    _held_event(confirm, "2026-03-03", "Izmail", "Odesa Oblast")
    story = build_story([wire, confirm], {})
    text = story_summary(story, {a["article"]["id"]: a for a in (wire, confirm)})
    assert "certainty: reported (reportedly) 2026-03-03 → asserted (confirmed) 2026-03-04" in text
    assert "contradiction in date: 2026-03-02 vs 2026-03-03" in text


def test_one_incident_reported_by_several_outlets_is_one_incident() -> None:
    wire, copy, _rewrite, confirm, denial, _other = wire_story()
    _held_event(wire, "2026-03-02", "Izmail", "Odesa Oblast")
    _held_event(copy, "2026-03-02", "Izmail", "Odesa Oblast")
    _held_event(confirm, "2026-03-02", "Izmail", "Odesa Oblast")
    confirm["events"][0]["when"] = {"start": "2026-03-01", "end": "2026-03-07", "precision": "week"}
    _held_event(denial, "2026-03-02", "Kharkiv", "Kharkiv Oblast")  # the same type, far away: another one
    story = build_story([wire, copy, confirm, denial], {copy["article"]["id"]: wire["article"]["id"]})
    (incident,) = story["incidents"]
    assert incident["type"] == "ASSAULT" and incident["articles"] == 2  # the copy is no report of its own
    assert sorted(incident["events"]) == ["aaaa000000000001:e0", "aaaa000000000002:e0", "aaaa000000000004:e0"]
    assert incident["when"] == {"start": "2026-03-02", "end": None} and incident["where"] == "Izmail"
    confirm["events"][0]["when"] = {"start": "2026-03-05", "end": "2026-03-05", "precision": "day"}
    assert (
        build_story([wire, confirm], {})["incidents"] == []
    )  # different days: two incidents, each told once


def test_a_heavy_week_is_linked_a_day_at_a_time() -> None:
    from wirewatch.link.run import block_before, blocks_of

    rows = [{"id": f"a{n}", "published": f"2026-03-0{2 + n % 3}"} for n in range(9)]  # Mon-Wed of W10
    rows += [{"id": "b", "published": "2026-02-26"}, {"id": "c", "published": None}]
    assert sorted(blocks_of(rows, max_block=100)) == ["2026-W09", "2026-W10", "undated"]
    by_block = blocks_of(rows, max_block=5)
    assert sorted(by_block) == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-W09", "undated"]
    assert len(by_block["2026-03-02"]) == 3
    assert block_before("2026-03-03", by_block) == "2026-03-02"
    assert block_before("2026-03-02", by_block) == "2026-W09"  # Sunday's week: the week before
    assert block_before("2026-W09", by_block) is None and block_before("undated", by_block) is None


def test_reports_of_one_incident_in_other_words_join_one_story() -> None:
    """Two reports that share no wording but one incident: an ASSAULT on one day, 10 km apart."""
    from tests.link.fixtures import analysis

    a_text = "Shelling damaged the water pumping station in Izmail early on Monday, officials said."
    b_text = (
        "A port-side pumping facility near the Danube was hit at dawn, knocking out supplies to the town."
    )
    a = analysis("dddd000000000001", a_text, "outlet-p.example", "2026-03-02", [])
    b = analysis("dddd000000000002", b_text, "outlet-q.example", "2026-03-02", [])
    for doc, lat, countries in ((a, 45.35, ["RU"]), (b, 45.40, [])):
        aid = doc["article"]["id"]
        doc["places"] = [{"id": f"{aid}:p0", "name": "Izmail", "level": "populated", "country": "UA",
                          "admin1": "Odesa Oblast", "lat": lat, "lon": 28.84}]  # fmt: skip
        actors = [{"role": "actor", "name": c, "country": c} for c in countries]
        when = {"start": "2026-03-02", "end": "2026-03-02", "precision": "day"}
        doc["events"] = [{"id": f"{aid}:e0", "type": "ASSAULT", "claims": [], "when": when, "actors": actors,
                          "where": [{"place": f"{aid}:p0"}]}]  # fmt: skip
    stories, _ = link_block([a, b, *fillers()], threshold=0.14)
    joined = next(s for s in stories if "dddd000000000001" in s["articles"])
    assert sorted(joined["articles"]) == ["dddd000000000001", "dddd000000000002"]
    assert "joined on one incident: ASSAULT on 2026-03-02" in joined["why"]
    b["events"][0]["when"] = {"start": "2026-03-03", "end": "2026-03-03", "precision": "day"}  # the next day
    stories, _ = link_block([a, b, *fillers()], threshold=0.14)
    assert ["dddd000000000001"] in [s["articles"] for s in stories]
