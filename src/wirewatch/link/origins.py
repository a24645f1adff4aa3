"""Claim clusters, origins and corroboration inside a story.

**Origins.** A claim travels from its sources through relays to the article: ``sources`` → ``via`` → the
article's outlet. Its origin is where it started, not who repeated it:

* a named source is its own origin ("the U.S. Treasury", "Volodymyr Zelensky");
* an anonymous or unknown source ("four sources familiar with the discussions") is only as independent as
  the outlet that reached it: the origin is that first relay's sources, ``"<relay>: anonymous sources"``.
  The first relay is a wire agency named in the claim's sentence or in the article's dateline ("WASHINGTON,
  Feb 26 (Reuters) –", "..., Reuters reports, quoted by news.ro"), else ``via[0]``, else the article's outlet;
* a claim with no source at all (asserted) starts at the article's outlet, and a copy's at its canonical
  article's outlet.

The article itself is the origin of what it asserts, unless it is written from a wire agency: a dateline
("WASHINGTON, Feb 26 (Reuters) –") or a lead that credits one ("..., Reuters reports, quoted by news.ro")
makes the agency the origin of the article's unattributed statements.

**Claim clusters.** The claims of a story that state the same proposition (the same words, names and numbers
in their content) are grouped by the story clustering itself, over the claims' content, at
:data:`CLAIM_THRESHOLD`. A cluster's ``independent_origins`` counts its distinct origins; many outlets over
one origin is circular reporting, flagged in ``why``. A denial joins the cluster of the claim it denies as
``denied_by``; claims of one cluster whose numbers differ are a ``contradictions`` entry.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from rapidfuzz import fuzz

from wirewatch.link.stories import StoryFeatures, cluster

__all__ = [
    "CLAIM_THRESHOLD",
    "MIN_WORDS",
    "based_on",
    "build_story",
    "claim_origins",
    "first_relay",
    "story_id",
]

CLAIM_THRESHOLD = 0.3
MIN_WORDS = (
    4  # a claim's content needs this many content words to state a proposition ("requests for comment")
)
ORIGIN_SIMILARITY = 85  # rapidfuzz token-set ratio at which two named origins are one
_AGENCIES = (
    "Reuters", "AP", "Associated Press", "AFP", "Agence France-Presse", "Bloomberg", "Interfax", "TASS",
    "Ukrinform", "Xinhua", "dpa", "ANSA", "EFE", "Yonhap", "Kyodo", "UNIAN", "RIA Novosti",
)  # fmt: skip
_DATELINE = re.compile(r"\((" + "|".join(re.escape(a) for a in _AGENCIES) + r")\)")
_AGENCY_WORD = re.compile(r"\b(" + "|".join(re.escape(a) for a in _AGENCIES) + r")\b")
_ANONYMOUS = frozenset({"anonymous", "unknown"})
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"(?<![\[\d])\b\d[\d,.]*\b")  # not a footnote mark ("positions.[56]")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "and",
        "or",
        "for",
        "on",
        "at",
        "by",
        "with",
        "from",
        "as",
        "is",
        "was",
        "are",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
    ]
)


def _outlet(analysis: Mapping[str, Any]) -> str:
    article = analysis.get("article") or {}
    outlet = article.get("outlet")
    if outlet:
        return str(outlet)
    url = str(article.get("url") or "")
    host = re.sub(r"^https?://(www\.)?", "", url).split("/")[0]
    return host or f"article {article.get('id')}"


def first_relay(claim: Mapping[str, Any], analysis: Mapping[str, Any]) -> str:
    """Who first passed the claim on: a wire agency in its sentence or in the dateline, else ``via[0]``,
    else the agency the article is written from, else the article's outlet."""
    text = str((analysis.get("article") or {}).get("text") or "")
    content = claim.get("content") or {}
    start, end = int(content.get("start") or 0), int(content.get("end") or 0)
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    sentence = text[left : right if right >= 0 else len(text)]
    found = _AGENCY_WORD.search(sentence) or _DATELINE.search(text[:300])
    if found:
        return found.group(1)
    via = claim.get("via") or []
    if via and via[0].get("name"):
        return str(via[0]["name"])
    return based_on(analysis) or _outlet(analysis)


def _key(name: str) -> str:
    """An origin's key: lower case, invisible characters and punctuation dropped ("U.S. official" and
    "US official" are one)."""
    visible = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
    folded = re.sub(r"\b(\w)\.", r"\1", visible.lower())  # "u.s." -> "us"; "cotidianul.md" stays
    return " ".join(re.sub(r"[^\w\s:.-]", "", folded).split())


def based_on(analysis: Mapping[str, Any]) -> str | None:
    """The wire agency an article is written from: its dateline ("WASHINGTON, Feb 26 (Reuters) –"), or the
    agency its lead credits ("..., four sources said, Reuters reports, quoted by news.ro")."""
    text = str((analysis.get("article") or {}).get("text") or "")
    found = _DATELINE.search(text[:300])
    if found:
        return found.group(1)
    newline = text.find("\n")
    found = _AGENCY_WORD.search(text[: newline if 0 < newline < 600 else 400])
    return found.group(1) if found else None


def claim_origins(
    claim: Mapping[str, Any], analysis: Mapping[str, Any], canonical: Mapping[str, Any] | None = None
) -> list[str]:
    """The origins of one claim (see the module doc) as keys (:func:`_key`), in source order."""
    home = canonical if canonical is not None else analysis
    sources = claim.get("sources") or []
    if not sources:  # the article says it itself: its wire agency's, or its outlet's
        return [_key(based_on(home) or _outlet(home))]
    out: list[str] = []
    for s in sources:
        if (s.get("kind") or "unknown") in _ANONYMOUS or "source" in str(s.get("name", "")).lower():
            key = _key(f"{first_relay(claim, analysis)}: anonymous sources")
        else:
            key = _key(str(s.get("name") or ""))
        if key and not any(_same_origin(key, o) for o in out):
            out.append(key)
    return out or [_key(_outlet(home))]


def _same_origin(a: str, b: str) -> bool:
    """ "volodymyr zelensky" and "ukrainian president volodymyr zelenskiy": one person, written twice."""
    return a == b or (":" not in a + b and fuzz.token_set_ratio(a, b) >= ORIGIN_SIMILARITY)


def story_id(articles: Sequence[str]) -> str:
    """A story's id from its earliest-listed article: stable while that article stays in it."""
    return "s" + hashlib.sha256(min(articles).encode()).hexdigest()[:15]


def _claim_features(cid: str, claim: Mapping[str, Any]) -> StoryFeatures:
    content = str((claim.get("content") or {}).get("text") or "")
    words = [w[:6] for w in _WORD.findall(content.lower()) if w not in _STOP and len(w) > 1]
    return StoryFeatures(cid, Counter(words))


def build_story(
    articles: Sequence[Mapping[str, Any]],
    copies: Mapping[str, str],
    claim_df: Mapping[str, int] | None = None,
    n_claims: int | None = None,
) -> dict[str, Any]:
    """The Story record (docs/data_format.md) of a group of Analysis dicts; ``copies`` maps a copy's
    article id to its canonical article's id; ``claim_df`` / ``n_claims`` are the block's claim-word
    document frequencies (the story's own claims when not given)."""
    by_id = {str(a["article"]["id"]): a for a in articles}
    ids = sorted(by_id, key=lambda i: (by_id[i]["article"].get("published") or "9999", i))
    claims: dict[str, tuple[Mapping[str, Any], Mapping[str, Any]]] = {}
    for aid in ids:
        for c in by_id[aid].get("claims") or ():
            text = str((c.get("content") or {}).get("text") or "")
            words = [w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1]
            if c.get("kind") in ("statement", "denial") and len(words) >= MIN_WORDS:
                claims[str(c["id"])] = (c, by_id[aid])
    events_of: dict[str, list[tuple[Mapping[str, Any], Mapping[str, Any]]]] = {}
    for aid in ids:
        for e in by_id[aid].get("events") or ():
            for cid in e.get("claims") or ():
                events_of.setdefault(str(cid), []).append((e, by_id[aid]))
    feats = [_claim_features(cid, c) for cid, (c, _) in claims.items()]
    groups = (
        cluster(feats, threshold=CLAIM_THRESHOLD, df=claim_df, n_docs=n_claims, smooth=True)
        if len(feats) > 1
        else [[f.article] for f in feats]
    )
    cluster_of = {cid: n for n, g in enumerate(groups) for cid in g}
    clusters: list[dict[str, Any]] = []
    for n, group in enumerate(groups):
        members = [cid for cid in group if claims[cid][0].get("kind") != "denial"]
        if not members:
            continue
        origins: list[str] = []
        outlets: list[str] = []
        arts: list[str] = []
        for cid in members:
            c, a = claims[cid]
            aid = str(a["article"]["id"])
            if aid not in arts:
                arts.append(aid)
            out = _outlet(a)
            if out not in outlets:
                outlets.append(out)
            if aid in copies:  # a copy repeats its canonical article: it adds no origin
                continue
            for o in claim_origins(c, a):
                if not any(_same_origin(o, x) for x in origins):
                    origins.append(o)
        numbers = {
            cid: sorted(set(_NUMBER.findall(str(claims[cid][0]["content"]["text"])))) for cid in members
        }
        distinct = {tuple(v) for v in numbers.values() if v}
        contradictions = (
            [
                {
                    "field": "numbers",
                    "values": [list(v) for v in sorted(distinct)],
                    "claims": [c for c in members if numbers[c]],
                }
            ]
            if len(distinct) > 1 and len(arts) > 1
            else []
        )
        contradictions += _event_conflicts(members, claims, events_of)
        clusters.append(
            {
                "id": f"{n}",
                "claims": members,
                "articles": len(arts),
                "outlets": len(outlets),
                "origins": origins,
                "independent_origins": len(origins),
                "first_report": min(arts, key=ids.index),
                "denied_by": [],
                "contradictions": contradictions,
                "timeline": _timeline(members, claims, ids, copies),
            }
        )
    index = {c["id"]: c for c in clusters}
    for cid, (c, _) in claims.items():
        if c.get("kind") == "denial" and c.get("denies"):
            target = cluster_of.get(str(c["denies"]))
            if target is not None and str(target) in index:
                index[str(target)]["denied_by"].append(cid)
    first = next((i for i in ids if i not in copies), ids[0])
    lead = next((cid for cid in claims if claims[cid][1] is by_id[first]), None)
    lead_cluster = str(cluster_of[lead]) if lead is not None else None
    # the story's lead claim first (the first claim of its first report), then the best corroborated
    clusters.sort(key=lambda c: (c["id"] != lead_cluster, -c["independent_origins"], -c["articles"]))
    dates = sorted(
        str(by_id[i]["article"].get("published"))[:10] for i in ids if by_id[i]["article"].get("published")
    )
    sid = story_id(ids)
    for k, c in enumerate(clusters):
        c["id"] = f"{sid}:k{k}"
    outlets_all: list[str] = []
    for i in ids:
        o = _outlet(by_id[i])
        if o not in outlets_all:
            outlets_all.append(o)
    best = max((c["independent_origins"] for c in clusters if c["articles"] > 1), default=0)
    why = _why(articles)
    circular = [
        c for c in clusters if c["articles"] > 1 and c["independent_origins"] == 1 and c["outlets"] > 1
    ]
    if circular:
        why.append(
            f"circular reporting: {circular[0]['outlets']} outlets, one origin ({circular[0]['origins'][0]})"
        )
    return {
        "id": sid,
        "first_seen": dates[0] if dates else None,
        "last_seen": dates[-1] if dates else None,
        "events": [str(e["id"]) for i in ids for e in by_id[i].get("events") or ()],
        "articles": ids,
        "outlets": outlets_all,
        "copies": [[a, c] for a, c in copies.items() if a in by_id],
        "claim_clusters": clusters,
        "incidents": incidents([by_id[i] for i in ids], copies),
        "independent_origins": best,
        "contested": any(c["denied_by"] or c["contradictions"] for c in clusters),
        "why": why,
    }


_TOWNS = frozenset({"populated", "feature", "admin2"})
INCIDENT_KM = 50.0


def located_place(
    event: Mapping[str, Any], places: Mapping[str, Mapping[str, Any]], *, levels: frozenset[str] | None = None
) -> Mapping[str, Any] | None:
    """The first place of ``event.where`` (``places`` by id) with coordinates, at one of ``levels`` (any level
    below country when None): where the event is put on a map."""
    for w in event.get("where") or ():
        p = places.get(str(w.get("place")))
        if (
            p
            and p.get("lat") is not None
            and (p.get("level") in levels if levels else p.get("level") != "country")
        ):
            return p
    return None


"""Two events' places further apart than this are two incidents (a town and its surroundings are one)."""


def incidents(articles: Sequence[Mapping[str, Any]], copies: Mapping[str, str]) -> list[dict[str, Any]]:
    """The story's events grouped into incidents across its reports: events of one PLOVER type whose dates
    overlap (or are unknown) and whose places lie within :data:`INCIDENT_KM` or in one admin-1 area (or are
    unknown) are one incident, however many outlets report it (GDELT's 366 kidnappings that were one).
    Negated and hypothetical events are left out; a copy's events count under its canonical article.
    Each incident: ``type``, ``events``, ``articles`` (reports, copies excluded), ``first_report``, ``when``
    (the narrowest date range given) and ``where`` (the most precise place named)."""
    from wirewatch.geo.gazetteer import haversine_km

    rows: list[tuple[str, Mapping[str, Any], tuple[str | None, str | None], Mapping[str, Any] | None]] = []
    for a in articles:
        aid = str(a["article"]["id"])
        places = {str(p.get("id")): p for p in a.get("places") or ()}
        for e in a.get("events") or ():
            if not e.get("type") or e.get("negated") or e.get("hypothetical"):
                continue
            when = e.get("when") or {}
            rows.append((aid, e, (when.get("start"), when.get("end")), located_place(e, places)))
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def dates_meet(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> bool:
        (s1, e1), (s2, e2) = a, b
        lo1, hi1 = (s1 or e1 or "")[:10], (e1 or s1 or "9999")[:10]
        lo2, hi2 = (s2 or e2 or "")[:10], (e2 or s2 or "9999")[:10]
        return lo1 <= hi2 and lo2 <= hi1

    def places_meet(p: Mapping[str, Any] | None, q: Mapping[str, Any] | None) -> bool:
        if p is None or q is None:
            return True
        if p.get("admin1") and p.get("admin1") == q.get("admin1") and p.get("level") != "populated":
            return True
        return haversine_km(float(p["lat"]), float(p["lon"]), float(q["lat"]), float(q["lon"])) <= INCIDENT_KM

    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            first, second = rows[i], rows[j]
            if first[0] == second[0] or first[1].get("type") != second[1].get("type"):
                continue  # one article's events are already merged by the events stage
            if dates_meet(first[2], second[2]) and places_meet(first[3], second[3]):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(root(i), []).append(i)
    out: list[dict[str, Any]] = []
    order = [str(a["article"]["id"]) for a in articles]
    for members in groups.values():
        reports = sorted({rows[i][0] for i in members if rows[i][0] not in copies}, key=order.index)
        if len(reports) < 2:
            continue  # reported once: the article's own event, not a cross-outlet incident
        dated = [rows[i][2] for i in members if rows[i][2][0]]
        narrow = min(dated, key=_span_days, default=(None, None))
        placed = [p for p in (rows[i][3] for i in members) if p is not None]
        town = min(placed, key=lambda p: p.get("level") != "populated") if placed else None
        out.append(
            {
                "type": rows[members[0]][1].get("type"),
                "events": [str(rows[i][1].get("id")) for i in members],
                "articles": len(reports),
                "first_report": reports[0],
                "when": {"start": narrow[0], "end": narrow[1]},
                "where": town.get("name") if town is not None else None,
            }
        )
    return sorted(out, key=lambda i: -i["articles"])


def _span_days(when: tuple[str | None, str | None]) -> int:
    """How many days a date range covers (a day: 0); unknown or unreadable ends count as very wide."""
    import datetime as dt

    try:
        start = dt.date.fromisoformat(str(when[0])[:10])
        end = dt.date.fromisoformat(str(when[1] or when[0])[:10])
    except ValueError:
        return 1 << 20
    return max((end - start).days, 0)


def _timeline(
    members: Sequence[str],
    claims: Mapping[str, tuple[Mapping[str, Any], Mapping[str, Any]]],
    ids: Sequence[str],
    copies: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Who reported the claim when, how sure, from which origins and through which relays: one row per
    article (its first claim of the cluster), in publication order ("reportedly" on Monday, "confirmed" on
    Wednesday). A copy's row names the article it copies in ``copy_of`` and no origin of its own."""
    rows: dict[str, dict[str, Any]] = {}
    for cid in members:
        c, a = claims[cid]
        aid = str(a["article"]["id"])
        if aid in rows:
            continue
        certainty = c.get("certainty") or {}
        rows[aid] = {
            "article": aid,
            "published": a["article"].get("published"),
            "outlet": _outlet(a),
            "claim": cid,
            "evidential": certainty.get("evidential"),
            "strength": certainty.get("strength"),
            "term": certainty.get("term"),
            "origins": [] if aid in (copies or {}) else claim_origins(c, a),
            "relays": _relays(c, a),
            "copy_of": (copies or {}).get(aid),
        }
    return sorted(rows.values(), key=lambda r: ids.index(r["article"]))


def _relays(claim: Mapping[str, Any], analysis: Mapping[str, Any]) -> list[str]:
    """Who passed the claim on between its sources and the article's outlet, first to last."""
    out: list[str] = []
    for name in [first_relay(claim, analysis), *(str(v.get("name")) for v in claim.get("via") or ())]:
        if name and name != _outlet(analysis) and name not in out:
            out.append(name)
    return out


def _event_conflicts(
    members: Sequence[str],
    claims: Mapping[str, tuple[Mapping[str, Any], Mapping[str, Any]]],
    events_of: Mapping[str, list[tuple[Mapping[str, Any], Mapping[str, Any]]]],
) -> list[dict[str, Any]]:
    """Events of one type held by the cluster's claims in different articles that disagree on the day
    (both dated to a day) or on the place (two resolved towns more than :data:`INCIDENT_KM` apart)."""
    from wirewatch.geo.gazetteer import haversine_km

    by_type: dict[str, list[tuple[str, str, Mapping[str, Any], Mapping[str, Any]]]] = {}
    for cid in members:
        for e, a in events_of.get(cid, ()):
            by_type.setdefault(str(e.get("type")), []).append((cid, str(a["article"]["id"]), e, a))
    out: list[dict[str, Any]] = []
    for rows in by_type.values():
        if len({aid for _, aid, _, _ in rows}) < 2:
            continue
        days = {(cid, (e.get("when") or {}).get("start")) for cid, _, e, _ in rows
                if (e.get("when") or {}).get("precision") == "day"}  # fmt: skip
        if len({d for _, d in days}) > 1:
            out.append(
                {
                    "field": "date",
                    "values": sorted({str(d) for _, d in days}),
                    "claims": sorted({c for c, _ in days}),
                }
            )
        located: list[tuple[str, Mapping[str, Any]]] = []
        for cid, _, e, a in rows:
            places = {str(p.get("id")): p for p in a.get("places") or ()}
            town = located_place(e, places, levels=_TOWNS)
            if town is not None:
                located.append((cid, town))
        far = [
            (c1, p1, c2, p2)
            for n, (c1, p1) in enumerate(located)
            for c2, p2 in located[n + 1 :]
            if haversine_km(float(p1["lat"]), float(p1["lon"]), float(p2["lat"]), float(p2["lon"]))
            > INCIDENT_KM
        ]
        if far:
            named = {c: f"{p.get('name')}, {p.get('admin1') or '?'}, {p.get('country')}" for c, p in located}
            involved = sorted({c for c1, _, c2, _ in far for c in (c1, c2)})
            out.append({"field": "place", "values": sorted({named[c] for c in involved}), "claims": involved})
    return out


def _why(articles: Sequence[Mapping[str, Any]]) -> list[str]:
    """The named entities every article of the story shares (up to five), the features that joined it."""
    if len(articles) < 2:
        return []
    sets = [
        {
            str(e.get("text", "")).lower()
            for e in a.get("entities") or ()
            if e.get("label") in {"PERSON", "ORG", "GPE", "NORP", "FAC", "EVENT", "LOC", "PRODUCT"}
        }
        for a in articles
    ]
    shared = set.intersection(*sets) if sets else set()
    counts = Counter(str(e.get("text", "")).lower() for a in articles for e in a.get("entities") or ())
    top = sorted(shared, key=lambda t: (-counts[t], t))[:5]
    return [f"shared names: {', '.join(top)}"] if top else []
