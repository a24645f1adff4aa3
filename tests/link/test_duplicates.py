"""Near-duplicates on texts written for these tests: a wire report, its copies and an unrelated report."""

from __future__ import annotations

from wirewatch.link.duplicates import MIN_SHINGLES, find_copies, shingles

WIRE = (
    "KYIV, March 3 - Ukrainian air defences shot down 41 of 48 drones launched by Russia overnight, the "
    "air force said on Tuesday, adding that falling debris damaged several homes and a school in the Kyiv "
    "region. "
    "Regional governor Mykola Kalashnyk said three people were injured, one of them a child, and that "
    "emergency crews had put out fires in two villages by morning. Russia's defence ministry said its forces "
    "had struck military targets and energy facilities used by the Ukrainian army, a claim Kyiv denied. "
    "Neither account could be independently verified. The attack came hours before delegations from both "
    "countries were due to meet in Geneva for a second round of talks brokered by the United States, which "
    "officials on both sides have described as difficult but necessary. Ukrainian President Volodymyr "
    "Zelenskiy said the strikes showed that Moscow was not serious about peace and called on allies to send "
    "more air defence systems before the spring."
)
UNRELATED = (
    "Farmers in the Poltava region began sowing spring wheat two weeks earlier than usual after a mild "
    "winter, the agriculture ministry said, forecasting a harvest slightly above last year's despite the "
    "loss of fields near the front line. Exporters said shipping through the Black Sea corridor had "
    "stabilised, although insurance costs remained high after repeated strikes on port infrastructure "
    "in Odesa and Izmail. Grain traders expect prices to ease if the weather holds through April."
)


def test_syndicated_and_shortened_copies_point_at_the_longest_report() -> None:
    republished = "Published by Partner Outlet. " + WIRE + " Follow us for more updates."
    shortened = WIRE[: int(len(WIRE) * 0.55)]  # the first half, republished elsewhere
    copies = find_copies(
        [
            ("wire", WIRE, "2026-03-03"),
            ("partner", republished, "2026-03-03"),
            ("short", shortened, "2026-03-04"),
            ("other", UNRELATED, "2026-03-03"),
        ]
    )
    by_article = {c.article: c for c in copies}
    assert set(by_article) == {"wire", "short"} or set(by_article) == {"partner", "short"}
    canonical = {c.canonical for c in copies}
    assert len(canonical) == 1 and canonical <= {"wire", "partner"}  # the longest text is the canonical one
    short = by_article["short"]
    assert short.containment >= 0.95 and short.jaccard < 0.7  # found by containment, not by Jaccard alone
    assert "other" not in by_article and "other" not in canonical


def test_a_follow_up_with_new_reporting_is_not_a_copy() -> None:
    follow_up = (
        "Ukraine said on Wednesday that the overnight drone attack on the Kyiv region had injured five "
        "people, not three, and that a second school was damaged. " + UNRELATED
    )
    assert find_copies([("wire", WIRE, None), ("follow", follow_up, None)]) == []


def test_short_texts_are_never_copies() -> None:
    headline = "Ukraine shoots down 41 of 48 drones"
    assert len(shingles(headline)) < MIN_SHINGLES
    assert find_copies([("a", headline, None), ("b", headline, None)]) == []
    assert find_copies([]) == [] and find_copies([("a", WIRE, None)]) == []
