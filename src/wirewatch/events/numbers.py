"""Counts in event reports: sizes ("18 North Korean soldiers", "about 20 protesters"), fatalities and
injuries ("killed five", "two dead", "at least 12 people were killed", "1 civilian was injured").

"Casualties unknown" and "no casualties were reported" are different answers: the first is unknown (None),
the second zero. A bracketed coder's note in ACLED's notes is not a count of its own, but it says how the
count was coded: "[Russian MoD reported 180 fatalities. Coded as 10 fatalities split across 4 events. 3
fatalities coded to this event]" gives 3; "[4 fatalities split across 22 events]" gives this event's share,
4 // 22 = 0 (ACLED spreads small totals over the events of a day, most of which get none).
"""

from __future__ import annotations

import re

__all__ = ["fatalities", "injuries", "number"]

_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
    "dozen": 12, "a dozen": 12,
}  # fmt: skip
_WORD_NUMBERS = "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))
_NUM = r"(\d{1,3}(?:,\d{3})+|\d+|" + _WORD_NUMBERS + r")"  # "2019, two" is no 2019
_HEDGE = r"(?:at least|about|around|some|nearly|almost|more than|over|up to|approximately|roughly)\s+"
_WHO = (
    r"(?:(?:(?-i:[A-Z][\w-]*)|civilian|local|ukrainian|russian|government|rebel|enemy)\s+){0,3}"
    r"(?:people|persons?|civilians?|soldiers?|servicem[ae]n|troops|fighters?|rebels?|militants?|residents?|"
    r"children|child|men|man|women|woman|officers?|policem[ae]n|workers?|members?|personnel|militiam[ae]n|"
    r"combatants?|individuals?|others?|boys?|girls?|teenagers?|volunteers?|journalists?|medics?)"
)
_KILLED_AFTER = re.compile(
    rf"(?:{_HEDGE})?{_NUM}\s+(?:{_WHO}\s+)?(?:were|was|have been|has been|had been|are|being)?\s*"
    r"(?:(?:reportedly|allegedly|also|later|all)\s+)?(?:killed|dead|died|slain|shot dead|executed)\b",
    re.IGNORECASE,
)
_KILLING = re.compile(
    rf"\b(?:killed|killing|kills|kill)\s+(?:{_HEDGE})?{_NUM}\b(?!\s*(?:km|kilomet|miles?|%))", re.I
)
_DEATHS = re.compile(rf"(?:{_HEDGE})?{_NUM}\s+(?:deaths|fatalities|dead|bodies)\b", re.IGNORECASE)
_INJURED_AFTER = re.compile(
    rf"(?:{_HEDGE})?{_NUM}\s+(?:{_WHO}\s+)?(?:were|was|have been|has been|had been|are)?\s*"
    r"(?:(?:reportedly|allegedly|also|later)\s+)?(?:injured|wounded|hurt)\b",
    re.IGNORECASE,
)
_INJURING = re.compile(rf"\b(?:injur(?:ed|ing)|wound(?:ed|ing))\s+(?:{_HEDGE})?{_NUM}\b", re.IGNORECASE)
_NONE = re.compile(
    r"\bno (?:one|casualties|fatalities|deaths|victims|injuries)\b|"
    r"\bnobody\b.{0,20}\b(?:killed|injured|hurt)\b|"
    r"\bwithout casualties\b|\bno (?:one|people) (?:was|were) (?:killed|injured|hurt)\b",
    re.IGNORECASE,
)
_ONE_DEAD = re.compile(  # "the driver died", "his dead body ... was found": one death, no number written
    r"\bthe\s+(?:[\w-]+\s+){0,2}?(?:driver|passenger|pilot|soldier|serviceman|civilian|man|woman|child|boy|"
    r"girl|resident|officer|policeman|journalist|mayor|commander|worker|volunteer)\s+"
    r"(?:was\s+(?:killed|shot dead|executed)|died)\b|"
    r"\b(?:his|her)\s+(?:dead\s+)?body\b|\b(?:a|the)\s+dead\s+body\b",
    re.IGNORECASE,
)
_BRACKETS = re.compile(r"\[[^\]]*(?:\]|$)")
_SPLIT_SHARE = re.compile(
    r"(\d[\d,]*) fatalit\w* split (?:across|among|between) (\d+) events?", re.IGNORECASE
)
_CODED_HERE = re.compile(r"(\d[\d,]*) fatalit\w* (?:were |was )?coded to this event", re.IGNORECASE)


_DEATH_PATTERNS = (_KILLED_AFTER, _KILLING, _DEATHS, _ONE_DEAD)


def number(text: str) -> int | None:
    """An integer written in digits or words ("1,200", "eighteen", "a dozen"), else None."""
    t = text.strip().lower()
    if re.fullmatch(r"\d[\d,]*", t):
        return int(t.replace(",", ""))
    return _WORDS.get(t)


def fatalities(text: str) -> int | None:
    """The deaths a passage reports: the sum of its distinct counts; 0 when it says nobody died; None when
    it gives no count ("casualties unknown")."""
    return _count(text, _DEATH_PATTERNS, zero=_NONE)


def injuries(text: str) -> int | None:
    """The injuries a passage reports, as :func:`fatalities` counts deaths."""
    return _count(text, (_INJURED_AFTER, _INJURING), zero=_NONE)


def _count(text: str, patterns: tuple[re.Pattern[str], ...], *, zero: re.Pattern[str]) -> int | None:
    notes = " ".join(m.group(0) for m in _BRACKETS.finditer(text))
    split = _SPLIT_SHARE.search(notes)
    coded = _CODED_HERE.search(notes)
    if coded is not None and patterns is _DEATH_PATTERNS:
        return int(coded.group(1).replace(",", ""))  # the coder's own allocation to this event
    text = _BRACKETS.sub(" ", text)  # "[4 fatalities split across 22 events]": a coder's note, not a count
    taken: list[tuple[int, int]] = []
    total = 0
    found = False
    for pattern in patterns:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            n = number(m.group(1)) if m.groups() else 1
            if n is None:
                continue
            taken.append((m.start(), m.end()))
            total += n
            found = True
    if found and split is not None and patterns is _DEATH_PATTERNS:
        return int(split.group(1).replace(",", "")) // max(int(split.group(2)), 1)  # this event's share
    if found:
        return total
    if zero.search(text):
        return 0
    return None
