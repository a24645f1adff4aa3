"""Scraped text and Markdown: boilerplate stripping and title finding (golden test on the example)."""

from __future__ import annotations

import pytest

from wirewatch.errors import ExtractionError
from wirewatch.ingest.extract import extract
from wirewatch.ingest.scraped import clean_scraped, reduce_markdown
from wirewatch.records import RawDocument
from wirewatch.settings import Settings

EXAMPLE_TITLE = "North Korean Troops Desert Russian Frontline Positions in Ukraine: Reports"
DROPPED = ["Connect with us", "News", "Published", "on", "North Korean Soldiers Russia"]


def test_example_article_golden(example_text: str) -> None:
    article = extract(RawDocument(name="nk.txt", data=example_text.encode("utf-8"), kind="text"), Settings())
    lines = [line.strip() for line in example_text.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("A group of 18 North Korean soldiers"))
    expected_body = "\n\n".join(lines[start:])

    assert article.title == EXAMPLE_TITLE
    assert article.text == expected_body
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 8
    assert paragraphs[-1].endswith("but no response has been reported yet.")
    assert not set(DROPPED) & set(paragraphs)
    assert "Russia‘s Kursk" in article.text  # characters kept as written
    assert article.extractor == "scraped-text"
    assert article.language == "en"


P1 = (
    "A Russian drone struck a power station in the Kharkiv region overnight, cutting electricity to about "
    "40,000 homes, the regional governor said on Friday."
)
P2 = (
    "Repair crews restored power to half of the affected homes by the morning, according to the state "
    "energy operator."
)
PAGE = f"""\
# example.org

## Metadata

- **URL**: https://example.org/news/2026/02/27/strike
- **Domain**: example.org

## Page Structure

- # Drone strike hits power station in Kharkiv region
  - ## Read also

## Content

Drone strike hits power station in Kharkiv region | Example News
Skip to content
Home
World
Ukraine
Politics
Business
Sport
Drone strike hits power station in Kharkiv region
By Jane Doe
27 February 2026
Share
Emergency crews work at the site of the strike. (Photo: Example Agency)
{P1}
{P2}
Read also
Kyiv says talks with Moscow stalled
Ukraine expands drone production
The governor said air defence units shot down 12 of the 19 drones launched during the attack.
**No casualties** were reported, officials told [Example Radio](https://radio.example.org/live).
Tags: Ukraine, Kharkiv, energy
Sign up for our newsletter to get the latest news every morning
We use cookies to improve your experience. By continuing to browse the site you agree to our use of cookies.
© 2026 Example News. All rights reserved.

## Links

- [Home](https://example.org/)
"""


def test_scraper_header_page() -> None:
    result = clean_scraped(PAGE)
    assert result.url == "https://example.org/news/2026/02/27/strike"
    assert result.title == "Drone strike hits power station in Kharkiv region"
    assert result.text.split("\n\n") == [
        P1,
        P2,
        "The governor said air defence units shot down 12 of the 19 drones launched during the attack.",
        "No casualties were reported, officials told Example Radio.",
    ]


def test_header_url_is_used_as_the_article_url() -> None:
    article = extract(RawDocument(name="p.md", data=PAGE.encode(), kind="text"), Settings())
    assert article.url == "https://example.org/news/2026/02/27/strike"


def test_title_from_markdown_heading_and_menu_run_dropped() -> None:
    text = "\n".join(
        [
            "Menu",
            "Politics",
            "Economy",
            "# Ceasefire talks to resume in Geneva next week",
            "Updated 3 hours ago",
            "Negotiators from both sides will meet again in Geneva on Tuesday, the Swiss foreign ministry "
            "announced, after the last round ended without agreement.",
            "The talks are expected to focus on prisoner exchanges and the protection of energy facilities.",
            "Follow us on Telegram",
        ]
    )
    result = clean_scraped(text)
    assert result.title == "Ceasefire talks to resume in Geneva next week"
    assert result.text.split("\n\n") == [
        "Negotiators from both sides will meet again in Geneva on Tuesday, the Swiss foreign ministry "
        "announced, after the last round ended without agreement.",
        "The talks are expected to focus on prisoner exchanges and the protection of energy facilities.",
    ]


def test_short_lines_between_paragraphs_are_kept() -> None:
    """Text cut at an inline link survives as short lines; inside the article they are body."""
    text = "\n".join(
        [
            "Officials Confirm Evacuation of Frontline Villages",
            "The regional administration ordered the evacuation of 12 villages near the front on Monday, "
            "citing intensified shelling over the weekend.",
            "According to the",
            "regional military administration",
            "about 1,200 people, including 300 children, are to be moved to safer areas within two weeks.",
        ]
    )
    result = clean_scraped(text)
    assert result.title == "Officials Confirm Evacuation of Frontline Villages"
    assert "According to the\n\nregional military administration" in result.text


def test_page_without_article_text_gives_extraction_error() -> None:
    menu = "\n".join(["Home", "News", "Sport", "Weather", "Sign in", "Subscribe"])
    with pytest.raises(ExtractionError) as err:
        extract(RawDocument(name="menu.txt", data=menu.encode(), kind="text"), Settings())
    assert str(err.value).startswith("menu.txt: no article text found")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("## Key takeaways", ("Key takeaways", 2)),
        ("**Bold** and *em* text", ("Bold and em text", 0)),
        ("See [the report](https://example.org/r?a=(1)) for details", ("See the report for details", 0)),
        ("![a map](map.png) Map of the front", ("Map of the front", 0)),
        ("> quoted line", ("quoted line", 0)),
        ("* list item", ("list item", 0)),
        ("- Territory -", ("- Territory -", 0)),
        ("snake_case_name stays", ("snake_case_name stays", 0)),
        ("---", ("", 0)),
    ],
)
def test_reduce_markdown(line: str, expected: tuple[str, int]) -> None:
    assert reduce_markdown(line) == expected


def test_clean_text_keeps_every_paragraph() -> None:
    paragraphs = [
        "Kyiv was attacked overnight.",
        "Russia launched 40 drones and six missiles at the Ukrainian capital, the air force said on Sunday "
        "morning, adding that most were shot down.",
        "“We will not give up,” he said.",
        "Residents spent the night in metro stations as explosions echoed across the city, witnesses told "
        "reporters.",
        "Repairs are under way.",
    ]
    result = clean_scraped("Russia launches overnight attack on Kyiv\n\n" + "\n\n".join(paragraphs))
    assert result.title == "Russia launches overnight attack on Kyiv"
    assert result.text == "\n\n".join(paragraphs)
