"""Integrity of the event stage's data files (``src/wirewatch/events/data``) and the lexicon's lookups."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wirewatch.events import lexicon
from wirewatch.events.lexicon import (
    PLOVER_TYPES,
    acled_disorder,
    acled_pairs,
    actor,
    actor_entries,
    instruments,
    plover_modes,
    triggers,
)

DATA = Path(lexicon.__file__).parent / "data"


def _all_triggers() -> list[lexicon.Trigger]:
    return [t for ts in triggers().values() for t in ts]


def test_plover_has_the_16_types() -> None:
    assert len(PLOVER_TYPES) == 16
    assert tuple(plover_modes()) == PLOVER_TYPES
    assert {"visit", "third-party", "multilateral", "phone"} <= plover_modes()["CONSULT"]
    assert {"firearms", "explosives", "aerial", "heavy-weapons", "abduct"} <= plover_modes()["ASSAULT"]
    assert "arrest" in plover_modes()["COERCE"]
    assert "desertion" in plover_modes()["RETREAT"]


def test_acled_has_6_event_types_and_25_sub_event_types() -> None:
    pairs = acled_pairs()
    assert len({e for e, _ in pairs}) == 6
    assert len(pairs) == 25
    assert acled_disorder("Battles", "Armed clash") == "Political violence"
    assert acled_disorder("Protests", "Peaceful protest") == "Demonstrations"
    assert acled_disorder("Riots", "Violent demonstration") == "Demonstrations"
    assert acled_disorder("Strategic developments", "Arrests") == "Strategic developments"
    assert acled_disorder("Battles", "Peaceful protest") is None


def test_every_trigger_type_mode_and_acled_pair_exists() -> None:
    modes, pairs = plover_modes(), acled_pairs()
    items = _all_triggers()
    assert len(items) > 150
    for t in items:
        assert t.plover in modes, t
        assert t.mode is None or t.mode in modes[t.plover], t
        assert (t.acled_event_type is None) == (t.acled_sub_event_type is None), t
        if t.acled_event_type is not None:
            assert (t.acled_event_type, t.acled_sub_event_type) in pairs, t
        assert t.pos in ("VERB", "NOUN", "ANY")


def test_every_instrument_mode_and_acled_pair_exists() -> None:
    modes, pairs = plover_modes(), acled_pairs()
    items = [i for its in instruments().values() for i in its]
    assert len(items) > 50
    for i in items:
        assert (i.acled_event_type, i.acled_sub_event_type) in pairs, i
        assert i.plover_mode is None or i.plover_mode in modes["ASSAULT"], i


def test_lists_are_sorted_by_priority_then_length() -> None:
    for key, items in [*triggers().items(), *instruments().items()]:
        order = [(-i.priority, -len(i.words)) for i in items]
        assert order == sorted(order), key
        assert all(i.words[0] == key for i in items)


def test_key_triggers() -> None:
    shell = triggers()["shell"]
    assert shell and all(t.acled_sub_event_type == "Shelling/artillery/missile attack" for t in shell)
    assert all(t.plover == "ASSAULT" for t in shell)
    airstrike = triggers()["airstrike"][0]
    assert airstrike.acled_sub_event_type == "Air/drone strike" and airstrike.mode == "aerial"
    arrest = triggers()["arrest"][0]
    assert (arrest.plover, arrest.mode, arrest.acled_sub_event_type) == ("COERCE", "arrest", "Arrests")
    open_fire = [t for t in triggers()["open"] if t.words == ("open", "fire")]
    assert open_fire and open_fire[0].acled_sub_event_type == "Armed clash"
    shoot = triggers()["shoot"]
    assert shoot[0].words == ("shoot", "down")  # the most specific first
    assert shoot[0].acled_sub_event_type == "Disrupted weapons use"
    agree = triggers()["agree"][0]
    assert agree.plover == "AGREE" and agree.acled_event_type is None  # diplomatic: no ACLED event
    assert triggers()["ceasefire"][0].acled_sub_event_type == "Agreement"
    assert {t.pos for t in triggers()["strike"]} == {"ANY"}


def test_key_instruments() -> None:
    assert instruments()["drone"][0].acled_sub_event_type == "Air/drone strike"
    assert instruments()["himars"][0].acled_sub_event_type == "Shelling/artillery/missile attack"
    assert instruments()["grenade"][0].words == ("grenade", "launcher")
    assert instruments()["grenade"][0].acled_sub_event_type == "Armed clash"
    assert instruments()["ied"][0].acled_sub_event_type == "Remote explosive/landmine/IED"


def test_actor_lookup() -> None:
    ru = actor("Russian forces")
    assert ru is not None and ru.country == "RU" and ru.inter == 8 and ru.sector == "military"
    assert ru.acled_name == "Military Forces of Russia (2000-)"
    assert actor("the Kremlin") == actor("moscow") and actor("Kremlin") is not None
    assert actor("the Kremlin").sector == "government"  # type: ignore[union-attr]
    naf = actor("NAF rebel forces")
    assert naf is not None and naf.sector == "rebel" and naf.inter == 2
    ua = actor("Armed Forces of Ukraine")
    assert ua is not None and ua.country == "UA" and ua.inter == 1
    assert ua.acled_name == "Military Forces of Ukraine (2019-)"
    vks = actor("Russian  aviation")
    assert vks is not None and vks.acled_name == "Military Forces of Russia (2000-) Air Force"
    assert actor("SBU").sector == "intelligence"  # type: ignore[union-attr]
    assert actor("Pyongyang").country == "KP"  # type: ignore[union-attr]
    assert actor("a woman").sector == "civilians"  # type: ignore[union-attr]
    assert actor("Russia’s armed forces") is ru
    assert actor("Russian forcez") is None
    assert actor("") is None


def test_actor_aliases_are_unique_and_codes_valid() -> None:
    entries = actor_entries()
    assert len(entries) >= 70
    seen: dict[str, str] = {}
    for e in entries:
        for alias in (e.name.lower(), *e.aliases):
            assert seen.setdefault(alias, e.name) == e.name, alias
        assert e.inter is None or 1 <= e.inter <= 8
        assert e.country is None or (len(e.country) == 2 and e.country.isupper())


def _broken_copy(tmp_path: Path, name: str, line: str) -> tuple[Path, int]:
    path = tmp_path / name
    shutil.copy(DATA / name, path)
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    return path, len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize(
    ("name", "line", "load"),
    [
        ("triggers.tsv", "shoot\tVERB\tASSAULT", lexicon._load_triggers),  # too few columns
        ("triggers.tsv", "zap\tVERB\tZAP\t\t\t\t10", lexicon._load_triggers),  # unknown PLOVER type
        ("triggers.tsv", "zap\tVERB\tASSAULT\tlaser\t\t\t10", lexicon._load_triggers),  # unknown mode
        ("triggers.tsv", "zap\tVERB\tASSAULT\t\tBattles\tGrenade\t10", lexicon._load_triggers),  # not ACLED's
        ("triggers.tsv", "zap\tADJ\tASSAULT\t\t\t\t10", lexicon._load_triggers),  # bad pos
        ("triggers.tsv", "zap\tVERB\tASSAULT\t\t\t\thigh", lexicon._load_triggers),  # bad priority
        ("triggers.tsv", "shell\tVERB\tASSAULT\t\t\t\t10", lexicon._load_triggers),  # duplicate
        ("instruments.tsv", "laser\tBattles\tLaser\t\t10", lexicon._load_instruments),
        ("actors.tsv", "X\tthe kremlin-ish|moscow\tRU\tgovernment\t\t", lexicon._load_actors),  # dup alias
        ("actors.tsv", "X\tx\tRUS\tgovernment\t\t", lexicon._load_actors),  # bad country
        ("actors.tsv", "X\tx\tRU\tarmy\t\t", lexicon._load_actors),  # bad sector
        ("actors.tsv", "X\tx\tRU\tmilitary\t\t9", lexicon._load_actors),  # bad inter
        ("plover.tsv", "ASSAULT\tfirearms\tagain", lexicon._load_plover),  # duplicate mode
    ],
)
def test_malformed_row_names_file_and_line(tmp_path: Path, name: str, line: str, load: object) -> None:
    path, lineno = _broken_copy(tmp_path, name, line)
    with pytest.raises(ValueError, match=rf"^{name.replace('.', '[.]')}:{lineno}: "):
        load(path)  # type: ignore[operator]


def test_the_package_files_load_without_error() -> None:
    # the copies above load cleanly up to the appended line: the same files, read from a plain path
    for name, load in [
        ("triggers.tsv", lexicon._load_triggers),
        ("instruments.tsv", lexicon._load_instruments),
        ("actors.tsv", lexicon._load_actors),
        ("plover.tsv", lexicon._load_plover),
    ]:
        assert load(DATA / name)  # type: ignore[operator]
