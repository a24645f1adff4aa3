"""Human-readable and CSV renderings of records for the CLI (JSON needs none: ``to_dict`` is the format)."""

from __future__ import annotations

import csv
import io
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from wirewatch.records import Analysis

__all__ = ["analysis_summary", "articles_csv", "articles_table", "csv_safe"]

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
    for name, records in (
        ("claims", analysis.claims),
        ("places", analysis.places),
        ("events", analysis.events),
    ):
        if records:
            lines.append(f"{name.capitalize():<10} {len(records)}")
    return "\n".join(lines).rstrip() + "\n"


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
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([csv_safe(r.get(c)) for c in columns])
    return buf.getvalue()
