from __future__ import annotations

import pytest

from wirewatch.pipeline import STAGES, BatchReport, Outcome, Stage, check_order, looks_like_html


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


def test_one_bad_text_in_a_batch_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text that breaks the NLP pass fails with a one-line error; the rest of its batch is analysed."""
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc

    from wirewatch import nlp
    from wirewatch.errors import InputError, ModelError
    from wirewatch.pipeline import analyze_batch
    from wirewatch.records import Analysis, RawDocument
    from wirewatch.settings import Settings

    @Language.component("wirewatch_test_boom")
    def boom(doc: Doc) -> Doc:
        if "BOOM" in doc.text:
            raise ValueError("broken text")
        return doc

    blank = spacy.blank("en")
    blank.add_pipe("wirewatch_test_boom")
    monkeypatch.setattr(nlp, "load", lambda name: blank)
    body = "Officials said that air defence units shot down {} drones over the region on Tuesday night."
    raws = [
        RawDocument(name=f"r{i}", data=body.format(word).encode(), kind="record", record_format="text")
        for i, word in enumerate(["two", "BOOM", "three", ""])
    ]
    raws.append(RawDocument(name="empty", data=b"  ", kind="record", record_format="text"))
    with pytest.raises(ModelError, match="W502"):  # the claims stage reads the parse: a blank model has none
        analyze_batch(raws, Settings())
    results = analyze_batch(raws, Settings(stages=""))
    assert [type(r) for r in results] == [Analysis, InputError, Analysis, Analysis, InputError]
    assert "r1" in str(results[1]) and "broken text" in str(results[1])
    assert "empty" in str(results[4])
    assert isinstance(results[2], Analysis) and "three drones" in results[2].article.text


@pytest.mark.model
def test_stages_setting_leaves_claims_out() -> None:
    from wirewatch.pipeline import analyze
    from wirewatch.settings import Settings

    text = "The Pentagon said that two drones were shot down over the Black Sea on Tuesday night."
    with_claims = analyze(text, settings=Settings())
    without = analyze(text, settings=Settings(stages=""))
    assert [c["cue"]["text"] for c in with_claims.claims] == ["said"]
    assert with_claims.skipped == {}
    assert without.claims == () and "claims" in without.skipped
    assert without.entities == with_claims.entities  # the NLP stage itself is untouched


def test_a_report_keeping_no_outcomes_still_counts_every_one() -> None:
    """``keep=0`` (the CLI's, so memory stays flat over millions of inputs): counts without the list."""
    statuses = ["new", "failed", "unchanged", "new", "skipped", "failed", "updated"]
    kept, bounded, none = BatchReport(), BatchReport(keep=2), BatchReport(keep=0)
    for i, status in enumerate(statuses):
        for report in (kept, bounded, none):
            report.add(Outcome(f"in{i}", status))
    assert kept.counts == bounded.counts == none.counts
    assert none.counts == {"new": 2, "updated": 1, "unchanged": 1, "skipped": 1, "failed": 2}
    assert [o.name for o in bounded.outcomes] == ["in0", "in1"] and none.outcomes == []
    assert none.inputs == 7 and not none.all_failed
    failing = BatchReport(keep=0)
    failing.add(Outcome("x", "failed"))
    assert failing.all_failed and not BatchReport(keep=0).all_failed
