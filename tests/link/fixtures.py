"""Analysis-shaped dicts written for the link tests: one wire story told by three outlets (one of them a
copy), an independent confirmation, a denial, a second count, and an unrelated story."""

from __future__ import annotations

from typing import Any

WIRE = (
    "KYIV, March 3 (Reuters) - Russian drones struck an energy facility in the Odesa region overnight, "
    "knocking out power to 40,000 homes, according to two sources familiar with the damage. "
    "Ukrenergo engineers began repairs at the substation near Izmail on Tuesday morning, and the regional "
    "governor Oleh Kiper urged residents to limit their use of electricity until the evening. Russia's "
    "defence ministry said its forces had hit military infrastructure in the south, and it did not "
    "mention the substation. The strike came as delegations prepared for talks in Geneva."
)
REWRITE = (
    "Russian drones struck an energy facility in the Odesa region overnight, cutting power to 40,000 "
    "homes, two sources told Reuters. Repairs began at the Izmail substation on Tuesday."
)
CONFIRM = (
    "Odesa governor Oleh Kiper said Russian drones struck an energy facility in the Odesa region overnight, "
    "and that 45,000 homes lost power near Izmail."
)
DENIAL = (
    "Ukrainian officials said Russian drones struck an energy facility in the Odesa region overnight. "
    "Moscow denied that its drones had hit any civilian energy facility."
)
OTHER = (
    "Farmers in the Poltava region began sowing spring wheat early after a mild winter, the agriculture "
    "ministry said, and grain exporters expect prices to ease through April."
)


def span(text: str, part: str) -> dict[str, Any]:
    start = text.index(part)
    return {"start": start, "end": start + len(part), "text": part}


def source(name: str, kind: str) -> dict[str, Any]:
    return {"name": name, "kind": kind, "country": None, "span": None}


def claim(
    aid: str, n: int, text: str, content: str, sources: list[dict[str, Any]], **fields: Any
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"{aid}:c{n}",
        "content": span(text, content),
        "content_parts": [],
        "cue": None,
        "sources": sources,
        "via": [],
        "asked_by": None,
        "quote": "indirect",
        "certainty": {
            "evidential": "reported" if sources else "asserted",
            "strength": "unknown",
            "polarity": "positive",
            "term": None,
            "probability": None,
        },
        "kind": "statement",
        "denies": None,
    }
    record.update(fields)
    return record


def entity(text: str, part: str, label: str) -> dict[str, Any]:
    s = span(text, part)
    return {"label": label, "start": s["start"], "end": s["end"], "text": part, "kind": None, "country": None}


def analysis(
    aid: str, text: str, outlet: str, published: str, claims: list[dict[str, Any]]
) -> dict[str, Any]:
    names = [("Russian", "NORP"), ("Odesa", "GPE"), ("Izmail", "GPE"), ("Oleh Kiper", "PERSON"),
             ("Ukrenergo", "ORG"), ("Reuters", "ORG"), ("Poltava", "GPE"), ("Moscow", "GPE")]  # fmt: skip
    return {
        "article": {
            "id": aid,
            "external_id": None,
            "url": f"https://{outlet}/{aid}",
            "outlet": outlet,
            "title": text.split(",")[0][:60],
            "published": published,
            "language": "en",
            "text": text,
        },
        "entities": [entity(text, n, label) for n, label in names if n in text],
        "claims": claims,
        "places": [],
        "events": [],
        "producer": {"wirewatch": "test"},
    }


def wire_story() -> list[dict[str, Any]]:
    """wire (Reuters on outlet-a), copy (the same text on outlet-b), rewrite (outlet-c credits Reuters),
    confirm (the governor, on outlet-d), denial (Moscow, on outlet-e), other (an unrelated story)."""
    lead = "Russian drones struck an energy facility in the Odesa region overnight"
    return [
        analysis("aaaa000000000001", WIRE, "outlet-a.example", "2026-03-03",
                 [claim("aaaa000000000001", 0, WIRE, WIRE[WIRE.index(lead):WIRE.index(", according")],
                        [source("two sources familiar with the damage", "anonymous")])]),
        analysis("aaaa000000000002", "Published by Outlet B. " + WIRE, "outlet-b.example", "2026-03-03",
                 [claim("aaaa000000000002", 0, "Published by Outlet B. " + WIRE,
                        WIRE[WIRE.index(lead):WIRE.index(", according")],
                        [source("two sources familiar with the damage", "anonymous")])]),
        analysis("aaaa000000000003", REWRITE, "outlet-c.example", "2026-03-04",
                 [claim("aaaa000000000003", 0, REWRITE, REWRITE[: REWRITE.index(", two sources")],
                        [source("two sources", "anonymous")])]),
        analysis("aaaa000000000004", CONFIRM, "outlet-d.example", "2026-03-04",
                 [claim("aaaa000000000004", 0, CONFIRM, CONFIRM[CONFIRM.index(lead):],
                        [source("Odesa governor Oleh Kiper", "government")])]),
        analysis("aaaa000000000005", DENIAL, "outlet-e.example", "2026-03-04",
                 [claim("aaaa000000000005", 0, DENIAL, lead, [source("Ukrainian officials", "government")]),
                  claim("aaaa000000000005", 1, DENIAL, "its drones had hit any civilian energy facility",
                        [source("Moscow", "government")], kind="denial", denies="aaaa000000000005:c0")]),
        analysis("aaaa000000000006", OTHER, "outlet-f.example", "2026-03-05",
                 [claim("aaaa000000000006", 0, OTHER, OTHER[: OTHER.index(", the agriculture")],
                        [source("agriculture ministry", "government")])]),
    ]  # fmt: skip


FILLER_TOPICS = [
    "The central bank kept its key interest rate unchanged at 15.5 percent, citing slowing inflation.",
    "Shakhtar Donetsk beat Dynamo Kyiv 2-1 in the league on Sunday with a late penalty.",
    "Parliament passed a bill on electronic court filings after a third reading in Kyiv.",
    "A new bridge across the Dnipro in Zaporizhzhia opened to traffic after two years of work.",
    "Lviv's opera house announced a spring season of Verdi and Puccini with visiting singers.",
    "The health ministry began a measles vaccination campaign in schools across the west.",
    "Exports of sunflower oil rose by a tenth in February, the customs service said.",
    "A court in Kharkiv sentenced a former mayor to six years for embezzling city funds.",
]


def fillers() -> list[dict[str, Any]]:
    """Unrelated reports of the same week: a block is never only one story."""
    return [
        analysis(f"ffff00000000000{n}", t, f"filler-{n}.example", "2026-03-04", [])
        for n, t in enumerate(FILLER_TOPICS)
    ]
