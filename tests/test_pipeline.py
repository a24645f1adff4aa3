from __future__ import annotations

import pytest

from wirewatch.pipeline import STAGES, Stage, check_order, looks_like_html


def test_declared_stages_are_in_a_valid_order() -> None:
    check_order(STAGES)
    assert [s.name for s in STAGES][:2] == ["ingest", "nlp"]


def test_a_stage_reading_what_nobody_made_is_rejected() -> None:
    bad = (Stage("ingest", ("raw",), ("article",), False), Stage("events", ("claims",), ("events",), True))
    with pytest.raises(RuntimeError, match="events"):
        check_order(bad)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", True),
        (b"  <html lang=en>", True),
        (b"<div><p>fragment</p></div>", True),
        (b"Connect with us\n\nNews\n\nTitle", False),
        (b"<3 is not markup, just a heart", False),
    ],
)
def test_looks_like_html(data: bytes, expected: bool) -> None:
    assert looks_like_html(data) is expected
