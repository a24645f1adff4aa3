"""Dates against the publication date, and counts of people, deaths and injuries (no model needed)."""

from __future__ import annotations

from datetime import date

import pytest

from wirewatch.events.numbers import fatalities, injuries, number
from wirewatch.events.when import TIME_PRECISION, parse_published, resolve_when

PUB = date(2024, 10, 16)  # a Wednesday


@pytest.mark.parametrize(
    ("phrase", "start", "end", "precision"),
    [
        ("On 9 October 2018", "2018-10-09", "2018-10-09", "day"),
        ("on 10 March 2024", "2024-03-10", "2024-03-10", "day"),
        ("10 March", "2024-03-10", "2024-03-10", "day"),
        ("December 3", "2023-12-03", "2023-12-03", "day"),  # no year: the latest not after publication
        ("in June", "2024-06-01", "2024-06-30", "month"),
        ("June 2023", "2023-06-01", "2023-06-30", "month"),
        ("in 2022", "2022-01-01", "2022-12-31", "year"),
        ("on Tuesday", "2024-10-15", "2024-10-15", "day"),
        ("on Wednesday", "2024-10-16", "2024-10-16", "day"),
        ("yesterday", "2024-10-15", "2024-10-15", "day"),
        ("overnight", "2024-10-16", "2024-10-16", "day"),
        ("last week", "2024-10-07", "2024-10-13", "week"),
        ("last month", "2024-09-01", "2024-09-30", "month"),
    ],
)
def test_dates_against_publication(phrase: str, start: str, end: str, precision: str) -> None:
    when = resolve_when(phrase, PUB)
    assert (when["start"], when["end"], when["precision"]) == (start, end, precision)
    assert when["text"] == phrase


@pytest.mark.parametrize("phrase", ["in 24 years", "24 years", "for three weeks", "over the past two days"])
def test_a_duration_is_never_a_date(phrase: str) -> None:
    assert resolve_when(phrase, PUB) == {
        "start": None,
        "end": "2024-10-16",
        "precision": "unknown",
        "text": None,
    }


def test_no_phrase_means_on_or_before_publication() -> None:
    assert resolve_when(None, PUB) == {
        "start": None,
        "end": "2024-10-16",
        "precision": "unknown",
        "text": None,
    }


@pytest.mark.parametrize("phrase", ["on Tuesday", "yesterday", "last week", "in June"])
def test_relative_dates_without_a_publication_date_stay_unknown(phrase: str) -> None:
    when = resolve_when(phrase, None)
    assert (when["start"], when["end"], when["precision"]) == (None, None, "unknown")


def test_acled_time_precision_and_published() -> None:
    assert [TIME_PRECISION[p] for p in ("day", "week", "month", "year", "unknown")] == [1, 2, 3, 3, 3]
    assert parse_published("2024-10-16T08:00:00Z") == PUB
    assert parse_published("not a date") is None and parse_published(None) is None


@pytest.mark.parametrize(
    ("text", "dead", "hurt"),
    [
        ("1 civilian was killed and 1 civilian was injured.", 1, 1),
        ("The strike killed five and wounded 12.", 5, 12),
        ("At least 12 people were killed.", 12, None),
        ("Two dead, several injured.", 2, None),
        ("Casualties unknown.", None, None),
        ("No casualties were reported.", 0, 0),
        ("Three rebels were killed [4 fatalities split across 22 events].", 0, None),  # ACLED: 4 // 22
        ("Two were killed [4 fatalities split across 2 events].", 2, None),
        ("The town lies 20 km away.", None, None),
        ("Two were killed [1 fatality split among 21 events].", 0, None),
        ("180 were killed [10 split across 4 events. 3 fatalities coded to this event]", 3, None),
        ("Up to 40 soldiers were killed [Coded as 10 fatalities split across 3 events", 3, None),  # unclosed
        ("On 5 June 2019, three Ukrainian soldiers were killed and two were wounded.", 3, 2),  # not 2019
        ("A truck hit a mine on the road. The driver died there.", 1, None),
        ("Her dead body was found near the road a week later.", 1, None),
        ("The town, home to 1,200 people, was shelled.", None, None),
    ],
)
def test_harm(text: str, dead: int | None, hurt: int | None) -> None:
    assert (fatalities(text), injuries(text)) == (dead, hurt)


def test_numbers() -> None:
    assert [number(x) for x in ("18", "1,200", "eighteen", "a dozen", "several")] == [18, 1200, 18, 12, None]
