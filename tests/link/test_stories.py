"""Story clusters on small Analysis-shaped fixtures written for these tests."""

from __future__ import annotations

from collections import Counter
from typing import Any

from wirewatch.link.stories import ENTITY_WEIGHT, cluster, features


def _analysis(aid: str, text: str, entities: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "article": {"id": aid, "text": text},
        "entities": [{"label": label, "text": t} for t, label in entities],
    }


QUAKE_A = "A magnitude 6.1 earthquake struck off Aceh province, damaging homes in Banda Aceh."
QUAKE_B = "A 7.6 magnitude earthquake hit West Sumatra, collapsing buildings in Padang."


def test_features_weigh_entities_and_keep_numbers() -> None:
    f = features(_analysis("a", QUAKE_A, [("Aceh", "GPE"), ("Banda Aceh", "GPE"), ("6.1", "CARDINAL")]))
    assert f.article == "a"
    assert f.counts["E:banda aceh"] == ENTITY_WEIGHT and f.counts["N:6.1"] == 1
    assert f.counts["earthquake"] == 1 and "the" not in f.counts and "a" not in f.counts


def test_reports_of_one_incident_join_and_two_incidents_of_one_kind_stay_apart() -> None:
    docs = [
        _analysis("a1", QUAKE_A, [("Aceh", "GPE"), ("Banda Aceh", "GPE"), ("6.1", "CARDINAL")]),
        _analysis("b1", QUAKE_B, [("West Sumatra", "GPE"), ("Padang", "GPE"), ("7.6", "CARDINAL")]),
        _analysis(
            "a2",
            "Rescuers searched rubble in Banda Aceh after the 6.1 quake off Aceh province killed two people.",
            [("Banda Aceh", "GPE"), ("6.1", "CARDINAL"), ("Aceh", "GPE")],
        ),
        _analysis(
            "b2",
            "The death toll from the 7.6 quake in West Sumatra rose to 500 as Padang hospitals filled.",
            [("West Sumatra", "GPE"), ("7.6", "CARDINAL"), ("Padang", "GPE"), ("500", "CARDINAL")],
        ),
        _analysis("c1", "Apple unveiled a new laptop in Cupertino on Tuesday.", [("Apple", "ORG")]),
    ]
    stories = cluster([features(d) for d in docs], threshold=0.14)
    assert sorted(sorted(s) for s in stories) == [["a1", "a2"], ["b1", "b2"], ["c1"]]


def test_threshold_bounds_and_degenerate_inputs() -> None:
    docs = [
        features(_analysis(f"d{i}", f"Report number {i} about nothing in particular.", [])) for i in range(3)
    ]
    assert cluster([]) == []
    assert cluster(docs[:1]) == [["d0"]]
    assert cluster(docs, threshold=1.01) == [["d0"], ["d1"], ["d2"]]  # nothing is that similar
    assert sorted(map(sorted, cluster(docs, threshold=-1.0))) == [["d0", "d1", "d2"]]  # everything merges
    assert isinstance(features({}).counts, Counter)
