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
