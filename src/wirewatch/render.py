"""Human-readable and CSV renderings of records for the CLI (JSON needs none: ``to_dict`` is the format)."""

from __future__ import annotations

import csv
import io
import re
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from wirewatch.records import Analysis

__all__ = [
    "CLAIM_CSV_COLUMNS",
    "analysis_summary",
    "articles_csv",
    "articles_table",
    "claim_csv_row",
    "claims_csv",
    "claims_table",
    "csv_safe",
    "story_summary",
    "who_said_what",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A cell value that spreadsheets will not run as a formula (OWASP CSV injection rule)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def analysis_summary(analysis: Analysis, *, width: int = 100, paragraphs: int | None = 2) -> str:
    """A readable page about one analysed article: metadata, opening paragraphs, entities by kind."""
    a = analysis.article
    lines = [a.title or "(untitled)", "=" * min(width, len(a.title or "(untitled)"))]
    meta = [
        ("id", a.id),
        ("url", a.url),
        ("outlet", a.outlet),
        ("published", a.published),
        ("language", a.language),
        ("authors", ", ".join(a.authors) or None),
        ("extractor", a.extractor),
        ("input", a.source_name),
    ]
    lines += [f"{k:<10} {v}" for k, v in meta if v]
    paras = a.text.split("\n\n")
    words = len(a.text.split())
    lines.append(f"{'text':<10} {len(paras)} paragraphs, {words} words")
    if analysis.skipped:
        reasons = sorted(set(analysis.skipped.values()))
        lines.append(f"{'skipped':<10} {', '.join(analysis.skipped)} ({'; '.join(reasons)})")
    lines.append("")
    shown = paras if paragraphs is None else paras[:paragraphs]
    for p in shown:
        lines += [*textwrap.wrap(p, width=width), ""]
    if paragraphs is not None and len(paras) > paragraphs:
        lines += [f"[… {len(paras) - paragraphs} more paragraphs; --full shows them]", ""]
    if analysis.entities:
        groups: dict[str, list[str]] = defaultdict(list)
        for e in analysis.entities:
            key = e.label if e.kind is None else f"{e.label} ({e.kind})"
            label = e.text if e.country is None else f"{e.text} [{e.country}]"
            if label not in groups[key]:
                groups[key].append(label)
        lines.append(f"Entities ({len(analysis.entities)} mentions)")
        for key in sorted(groups):
            lines += textwrap.wrap(
                ", ".join(groups[key]),
                width=width,
                initial_indent=f"  {key:<20} ",
                subsequent_indent=" " * 23,
            )
    if analysis.claims:
        if lines[-1]:
            lines.append("")
        lines += who_said_what(analysis.claims, width=width).rstrip("\n").split("\n")
    if analysis.places:
        if lines[-1]:
            lines.append("")
        lines += where(analysis.places, width=width).rstrip("\n").split("\n")
    if analysis.events:
        if lines[-1]:
            lines.append("")
        lines += what_happened(analysis.events, analysis.places, width=width).rstrip("\n").split("\n")
    return "\n".join(lines).rstrip() + "\n"


def what_happened(
    events: Sequence[dict[str, Any]], places: Sequence[dict[str, Any]], *, width: int = 100
) -> str:
    """The article's events, one block each: type and mode (ACLED's sub-event), who to whom, where, when,
    harm, the claims that hold it, and flags (an allegation, negated, hypothetical, future)."""
    names = {p.get("id"): _clean(p.get("name")) for p in places}
    lines = [f"What happened ({len(events)} events)"]
    for e in events:
        kind = str(e.get("type"))
        if e.get("mode"):
            kind += f" ({e['mode']})"
        acled = _obj(e.get("acled"))
        if acled:
            kind += f" · ACLED {acled.get('sub_event_type')}"
        who = [a for a in _dicts(e.get("actors")) if a.get("role") == "actor"]
        whom = [a for a in _dicts(e.get("actors")) if a.get("role") == "recipient"]

        def label(a: dict[str, Any]) -> str:
            return _clean(a.get("name")) + (f" [{a['country']}]" if a.get("country") else "")

        parts = [", ".join(map(label, who)) or "-"]
        if whom:
            parts[0] += " → " + ", ".join(map(label, whom))
        where = [names.get(w.get("place"), "?") for w in _dicts(e.get("where"))]
        if where:
            parts.append("at " + ", ".join(dict.fromkeys(where)))
        when = _obj(e.get("when"))
        if when.get("start") or when.get("end"):
            start, end = when.get("start"), when.get("end")
            parts.append(f"on {start}" if start == end else f"{start or '…'} to {end or '…'}")
        if e.get("size"):
            parts.append(f"size {e['size']}")
        if e.get("fatalities") is not None:
            parts.append(f"{e['fatalities']} killed")
        claims = [_short_id(c) for c in e.get("claims") or ()]
        if claims:
            parts.append("held by " + ", ".join(claims))
        flags = [f for f in ("allegation", "negated", "hypothetical", "future") if e.get(f)]
        if flags:
            parts.append(" ".join(f.upper() for f in flags))
        lines += textwrap.wrap(
            f"{kind}: " + " · ".join(parts), width=width, initial_indent="  ", subsequent_indent="      "
        )
    return "\n".join(lines) + "\n"


def where(places: Sequence[dict[str, Any]], *, width: int = 100) -> str:
    """The article's places, one line per resolved place in order of first mention: name, level, country,
    how often and how it is mentioned, relative locations ("approximately four miles from the Ukrainian
    border") and metonymy ("as a government"); unresolved mentions last."""
    seen: dict[Any, list[dict[str, Any]]] = {}
    unresolved: list[str] = []
    for p in places:
        if p.get("lat") is None:
            unresolved.append(_clean(_span_text(p.get("mention"))))
            continue
        seen.setdefault(p.get("geonameid") or (p.get("name"), p.get("lat")), []).append(p)
    lines = [f"Where ({len(places)} place mentions)"]
    for group in seen.values():
        first = group[0]
        head = f"{_clean(first.get('name'))} [{first.get('level')}, {first.get('country') or '-'}]"
        written = sorted({_clean(_span_text(p.get("mention"))) for p in group})
        notes = [f"{len(group)}× as {', '.join(written)}"]
        notes += sorted({_clean(_obj(p.get("relative")).get("text")) for p in group if p.get("relative")})
        if any(p.get("metonymy") for p in group):
            notes.append("acting as a government")
        lines += textwrap.wrap(
            f"{head}: {'; '.join(notes)}", width=width, initial_indent="  ", subsequent_indent="      "
        )
    if unresolved:
        lines += textwrap.wrap(
            "not in the gazetteer: " + ", ".join(dict.fromkeys(unresolved)),
            width=width,
            initial_indent="  ",
            subsequent_indent="      ",
        )
    return "\n".join(lines) + "\n"


_ARTICLE_COLUMNS = ("id", "status", "published", "language", "outlet", "title", "error")


def articles_table(rows: Sequence[dict[str, Any]], *, width: int = 100) -> str:
    """A fixed-width table of article rows, one line each; long titles are shortened."""
    if not rows:
        return "no articles\n"
    out = [f"{'id':<16}  {'status':<8} {'published':<10} {'lang':<4} {'outlet':<18} title / error"]
    for r in rows:
        tail = r.get("title") or ""
        if r.get("status") == "failed":
            tail = r.get("error") or ""
        line = (
            f"{r['id']:<16}  {r.get('status') or '':<8} {(r.get('published') or '')[:10]:<10} "
            f"{r.get('language') or '':<4} {(r.get('outlet') or '')[:18]:<18} {tail}"
        )
        out.append(line if len(line) <= width else line[: width - 1] + "…")
    return "\n".join(out) + "\n"


def articles_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """CSV with a header row; every cell goes through :func:`csv_safe`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([csv_safe(r.get(c)) for c in columns])
    return buf.getvalue()


# --- claims -----------------------------------------------------------------------------------------------

#: The columns of ``wirewatch claims --csv``, in order.
CLAIM_CSV_COLUMNS: tuple[str, ...] = (
    "article",
    "id",
    "kind",
    "sources",
    "source_kinds",
    "via",
    "cue",
    "evidential",
    "strength",
    "polarity",
    "term",
    "quote",
    "denies",
    "content",
)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+")


def _clean(value: Any) -> str:
    """Scraped text made safe for one terminal line: control and bidi characters become spaces."""
    return " ".join(_CONTROL.sub(" ", "" if value is None else str(value)).split())


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _span_text(value: Any) -> str:
    return _clean(value.get("text")) if isinstance(value, dict) else ""


def _source_label(src: dict[str, Any]) -> str:
    """``name [kind, CC]``."""
    about = ", ".join(_clean(x) for x in (src.get("kind"), src.get("country")) if x)
    name = _clean(src.get("name")) or "?"
    return f"{name} [{about}]" if about else name


def _who(claim: dict[str, Any]) -> str:
    """The sources and, after arrows, the relays in the order the claim travelled."""
    sources = _dicts(claim.get("sources"))
    who = "; ".join(_source_label(s) for s in sources)
    if not who:
        evidential = _obj(claim.get("certainty")).get("evidential")
        who = "(the article itself)" if evidential in (None, "asserted") else "(unnamed)"
    via = _dicts(claim.get("via"))
    if via:
        who += " → via " + " → ".join(_source_label(v) for v in via)
    return who


def _certainty(claim: dict[str, Any]) -> str:
    c = _obj(claim.get("certainty"))
    parts = "/".join(_clean(c.get(k)) or "?" for k in ("evidential", "strength", "polarity"))
    if c.get("term"):
        parts += f" “{_clean(c['term'])}”"
    probability = c.get("probability")
    if isinstance(probability, list) and len(probability) == 2:
        parts += f" p={probability[0]}–{probability[1]}"
    return parts


def _short_id(claim_id: Any) -> str:
    text = _clean(claim_id)
    return text.rsplit(":", 1)[-1] if ":" in text else text


def _claim_block(claim: dict[str, Any], *, label: str, width: int, full_ids: bool) -> list[str]:
    """Who (→ via chain), then cue · certainty · quote type · kind, then the content excerpt.

    A short label (``c1``) starts the first line; a long one (a full claim id) gets a line of its own.
    """
    if len(label) > 8:
        indent = "    "
        lines = [f"  {label}"]
        lines += textwrap.wrap(_who(claim), width=width, initial_indent=indent, subsequent_indent=indent)
    else:
        indent = " " * (len(label) + 3)
        lines = textwrap.wrap(
            _who(claim), width=width, initial_indent=f"  {label} ", subsequent_indent=indent
        ) or [f"  {label}"]
    facts = []
    cue = _span_text(claim.get("cue"))
    facts.append(f"cue “{cue}”" if cue else "no cue")
    facts.append(_certainty(claim))
    quote = _clean(claim.get("quote"))
    if quote:
        facts.append("not quoted" if quote == "none" else f"{quote} quote")
    kind = _clean(claim.get("kind"))
    if kind == "denial":
        denies = claim.get("denies")
        shown = _clean(denies) if full_ids else _short_id(denies)
        facts.append(f"DENIAL of {shown}" if denies else "DENIAL")
    elif kind == "no_comment":
        asked = claim.get("asked_by")
        facts.append("NO COMMENT" + (f", asked by {_source_label(asked)}" if isinstance(asked, dict) else ""))
    elif kind and kind != "statement":
        facts.append(kind)
    lines += textwrap.wrap(" · ".join(facts), width=width, initial_indent=indent, subsequent_indent=indent)
    content = _span_text(claim.get("content"))
    if content:
        excerpt = textwrap.shorten(content, width=max(40, 2 * (width - len(indent)) - 2), placeholder=" …")
        lines += textwrap.wrap(f"“{excerpt}”", width=width, initial_indent=indent, subsequent_indent=indent)
    return lines


def who_said_what(claims: Sequence[dict[str, Any]], *, width: int = 100) -> str:
    """The claims of one article, one block each: source(s) [kind, country] → via chain, cue, certainty
    (evidential/strength/polarity and term), quote type, what a denial denies, and a content excerpt."""
    if not claims:
        return ""
    labels = [_short_id(c.get("id")) if isinstance(c, dict) else "?" for c in claims]
    pad = max(len(x) for x in labels)
    out = [f"Who said what ({len(claims)} claims)"]
    for claim, label in zip(claims, labels, strict=True):
        if isinstance(claim, dict):
            out += _claim_block(claim, label=f"{label:<{pad}}", width=width, full_ids=False)
    return "\n".join(out) + "\n"


def claims_table(rows: Sequence[dict[str, Any]], *, width: int = 100) -> str:
    """Stored claims (``Store.claims`` rows), one block each, labelled with the full claim id."""
    if not rows:
        return "no claims\n"
    out: list[str] = []
    for r in rows:
        out += _claim_block(r, label=_clean(r.get("id")) or "?", width=width, full_ids=True)
    out.append(f"{len(rows)} claims")
    return "\n".join(out) + "\n"


def claim_csv_row(claim: dict[str, Any]) -> dict[str, str]:
    """One claim flattened to :data:`CLAIM_CSV_COLUMNS` (plain text, not yet formula-safe)."""
    sources = _dicts(claim.get("sources"))
    certainty = _obj(claim.get("certainty"))

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    return {
        "article": text(claim.get("article")),
        "id": text(claim.get("id")),
        "kind": text(claim.get("kind")),
        "sources": "; ".join(text(s.get("name")) for s in sources),
        "source_kinds": "; ".join(text(s.get("kind")) for s in sources),
        "via": " → ".join(text(v.get("name")) for v in _dicts(claim.get("via"))),
        "cue": text(_obj(claim.get("cue")).get("text")),
        "evidential": text(certainty.get("evidential")),
        "strength": text(certainty.get("strength")),
        "polarity": text(certainty.get("polarity")),
        "term": text(certainty.get("term")),
        "quote": text(claim.get("quote")),
        "denies": text(claim.get("denies")),
        "content": text(_obj(claim.get("content")).get("text")),
    }


def claims_csv(rows: Iterable[dict[str, Any]]) -> str:
    """``wirewatch claims --csv``: a header row, then one formula-safe row per claim."""
    return articles_csv((claim_csv_row(r) for r in rows), CLAIM_CSV_COLUMNS)


def story_summary(story: dict[str, Any], analyses: dict[str, dict[str, Any]], *, width: int = 100) -> str:
    """A story for a reader: the timeline of its reports (date, outlet, title; copies marked), then each
    claim cluster with its origins, who denies it and what contradicts it, each with its evidence sentence."""
    copies = {a: c for a, c in story.get("copies") or ()}
    claims = {
        str(c["id"]): c for a in analyses.values() for c in a.get("claims") or () if c.get("id") is not None
    }
    lines = [
        f"Story {story['id']}: {len(story['articles'])} reports, {len(story.get('outlets') or [])} outlets, "
        f"{story.get('independent_origins', 0)} independent origin(s)"
        + (" · contested" if story.get("contested") else ""),
    ]
    lines += [f"  why: {w}" for w in story.get("why") or ()]
    if story.get("continues"):
        lines.append(f"  continues {story['continues']} (the week before)")
    if story.get("continued_by"):
        lines.append(f"  continued by {', '.join(story['continued_by'])} (the week after)")
    lines += ["", "Timeline"]
    for aid in story["articles"]:
        article = (analyses.get(aid) or {}).get("article") or {}
        when = str(article.get("published") or "undated")[:10]
        who = article.get("outlet") or article.get("url") or aid
        copy = f" · copy of {copies[aid][:8]}" if aid in copies else ""
        line = "  " + _clean(f"{when}  [{aid[:8]}] {who}: {article.get('title') or '(no title)'}")
        lines.append(line[: width - len(copy)] + copy)
    for inc in story.get("incidents") or ():
        when = (inc.get("when") or {}).get("start") or "undated"
        where = inc.get("where") or "?"
        lines.append(
            "  " + _clean(f"incident: {inc['type']} at {where} on {when}, {inc['articles']} reports")
        )
    for k in story.get("claim_clusters") or ():
        if k.get("articles", 0) < 2 and not k.get("denied_by"):
            continue  # reported once: shown by `wirewatch show`, not a cross-outlet claim
        lines += [
            "",
            f"Claim {k['id']}: {k['articles']} reports, {k['outlets']} outlets, "
            f"origins: {', '.join(k['origins'])}",
        ]
        for cid in k["claims"]:
            text = _span_text((claims.get(cid) or {}).get("content"))
            lines.append("  " + _clean(f"[{cid.split(':')[0][:8]}] {text}")[:width])
        for cid in k.get("denied_by") or ():
            lines.append(
                _clean(
                    f"  denied [{cid.split(':')[0][:8]}]: "
                    f"{_span_text((claims.get(cid) or {}).get('content'))}"
                )[:width]
            )
        tree: dict[str, list[str]] = {}
        for r in k.get("timeline") or ():
            via = f" via {', '.join(r['relays'])}" if r.get("relays") else ""
            when = str(r.get("published") or "undated")[:10]
            leaf = f"{r.get('outlet')} {when}{via}" + (
                f", copy of {str(r['copy_of'])[:8]}" if r.get("copy_of") else ""
            )
            for origin in r.get("origins") or ["(copied)"]:
                tree.setdefault(origin, []).append(leaf)
        for origin, leaves in tree.items():
            lines.append("  " + _clean(f"origin {origin}")[:width])
            lines += ["    " + _clean(f"<- {leaf}")[:width] for leaf in leaves]
        steps = [r for r in k.get("timeline") or () if r.get("evidential")]
        sure = [f"{r['evidential']}{' (' + r['term'] + ')' if r.get('term') else ''}" for r in steps]
        if len(set(sure)) > 1:
            dates = [str(r.get("published") or "?")[:10] for r in steps]
            change = " → ".join(f"{s} {d}" for s, d in zip(sure, dates, strict=True))
            lines.append("  " + _clean(f"certainty: {change}")[:width])
        for c in k.get("contradictions") or ():
            values = " vs ".join(v if isinstance(v, str) else "/".join(v) for v in c["values"])
            lines.append("  " + _clean(f"contradiction in {c['field']}: {values}")[:width])
    return "\n".join(lines) + "\n"
