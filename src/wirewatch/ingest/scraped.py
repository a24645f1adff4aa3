"""Article text out of scraped page text or Markdown: title, body paragraphs, boilerplate stripped.

Scraped text is every visible line of a page: menus, share prompts, captions, promos and footers around
the article. One input line is one paragraph. The rules, all general (data files hold the word lists):

1. **Header.** A scraper header (``URL:`` / ``- **URL**: ...`` lines, a ``## Page Structure`` list of
   headings, then ``## Content``) is recognised: the URL and the headings are read from it and only the
   Content section (up to ``## Links``) is treated as page text.
2. **Markdown** is reduced to plain text (headings, emphasis, links, images, quotes, list bullets).
3. **Lines.** Each line is scored: prose (a sentence of 8+ words ending in sentence punctuation, or a
   long line) scores its word count; short or unpunctuated lines cost a little; boilerplate lines
   (``data/boilerplate_lines.txt``, ``data/boilerplate_patterns.txt``), URLs and promo markers cost
   more. The article is the run of lines with the highest total (a maximum-sum segment), so a menu
   run or a footer with the odd long line stays outside, while short lines between paragraphs (text
   cut at an inline link, subheadings) stay inside.
4. **Standfirst.** A first prose line separated from the next by a byline/date block is the summary
   under the headline, not body.
5. **Title.** The page's first ``#`` heading (from the header or the text) when it is headline-like;
   else the best headline-like line before the article: 4–20 words, no final period, not boilerplate,
   longest first, preferring a line the page repeats or that starts the browser-tab title. A line
   that repeats the title is never body.
6. **Inside the article** boilerplate lines are dropped; a promo marker ("Read also", "Recommended
   Stories") drops itself and the teaser lines after it (short lines, and sentences that are wholly
   the text of a link) up to the next prose line; an end marker
   ("Tags", "(Reporting by", "Endnotes") ends the article; a call to action ("DONATE NOW",
   "Subscribe") also drops the short sentences of its box just before it. After the last prose line,
   short lines that follow a boilerplate line (share widgets, headline lists) are dropped.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from importlib import resources
from typing import Final

__all__ = ["EXTRACTOR", "ScrapedText", "clean_scraped", "reduce_markdown"]

logger = logging.getLogger(__name__)

EXTRACTOR: Final = "scraped-text"

PROSE_MIN_WORDS = 8  # a punctuated line this long is article prose
LONG_LINE_WORDS = 25  # a line this long is prose even without final punctuation
PATTERN_MAX_WORDS = 25  # boilerplate patterns (not marked "any") only drop lines shorter than this
TITLE_MIN_WORDS, TITLE_MAX_WORDS = 4, 20
SHORT_COST = -1.0  # score of a short / unpunctuated line
BOILER_COST = -4.0  # score of a boilerplate line
CTA_BOX_LINES = 2  # short lines before a call to action that belong to its box
CTA_BOX_MAX_WORDS = 12

_SENTENCE_END = re.compile(r"[.!?…:;]['\"’”»)\]]*$")
_WORD = re.compile(r"\w+")
_URL = re.compile(r"https?://|www\.\S+\.\w")
_HAS_ALNUM = re.compile(r"\w")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE_TOKEN = re.compile(
    rf"\b\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b"
    rf"|\b{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}\b|\b\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}\b",
    re.IGNORECASE,
)
DATE_LINE_MAX_WORDS = 8  # a line this short, holding a date and at most 2 other words, is a date stub
_TRIM = re.compile(r"^[\W_]+|[\W_]+$")

# Markdown
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EM = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_MD_CODE = re.compile(r"`([^`]*)`")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")
_MD_BULLET = re.compile(r"^\s*[*+]\s+(?=\S)|^\s*-\s+(?=\S)(?!.*\s-$)")
_MD_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")

# Scraper header
_SECTION = re.compile(r"^\s*##\s+(.+?)\s*$")
_HEADER_FIELD = re.compile(r"^\s*(?:[-*]\s+)?\**([A-Za-z][\w ]{0,30}?)\**\s*:\s*\**\s*(\S.*?)\s*$")
_STRUCTURE_HEADING = re.compile(r"^\s*[-*]\s+(#{1,6})\s+(.+?)\s*$")
_LINK_ITEM = re.compile(r"^\s*[-*]\s+\[([^\]]*)\]\(")
_WHOLE_LINK = re.compile(r"^\s*(?:[-*+]\s+)?\[([^\]]+)\]\([^)]*\)\s*$")
_CONTENT_SECTION = "content"
_END_SECTIONS = frozenset({"links", "images", "metadata"})


@dataclass(frozen=True, slots=True)
class ScrapedText:
    """The article found in scraped text: body paragraphs joined by ``"\\n\\n"``, title, URL if given."""

    text: str
    title: str | None
    url: str | None
    extractor: str = EXTRACTOR


@dataclass(slots=True)
class _Line:
    text: str
    words: int
    heading: int  # Markdown heading level, 0 for none
    key: str  # normalised for lookups
    boiler: bool = False
    prose: bool = False
    marker: str | None = None  # "promo" | "end" | None
    link: bool = False  # the whole line is the text of one link


@dataclass(frozen=True, slots=True)
class _Rules:
    lines: frozenset[str]
    pattern: re.Pattern[str]  # the short-line patterns, as one alternation
    any_pattern: re.Pattern[str]  # the every-line patterns
    markers: tuple[tuple[str, re.Pattern[str]], ...]  # (kind, alternation of that kind's markers)
    cta: re.Pattern[str]


def _alternation(patterns: list[str], *, whole: bool = False) -> re.Pattern[str]:
    """One compiled regex for many (one search instead of dozens per line); never matches if empty."""
    if not patterns:
        return re.compile(r"(?!)")
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(f"(?:{body})" if not whole else f"(?:{body})\\Z", re.IGNORECASE)


def _data_lines(name: str) -> list[str]:
    text = resources.files("wirewatch.ingest").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@functools.cache
def _rules() -> _Rules:
    """The boilerplate word lists and patterns from ``data/``, compiled once per process."""
    patterns: list[str] = []
    any_patterns: list[str] = []
    for raw in _data_lines("boilerplate_patterns.txt"):
        if raw.startswith("any "):
            any_patterns.append(raw[4:])
        else:
            patterns.append(raw)
    by_kind: dict[str, list[str]] = {}
    for raw in _data_lines("section_markers.txt"):
        kind, pattern = raw.split(None, 1)
        by_kind.setdefault(kind, []).append(pattern.strip())
    return _Rules(
        lines=frozenset(_key(x) for x in _data_lines("boilerplate_lines.txt")),
        pattern=_alternation(patterns),
        any_pattern=_alternation(any_patterns),
        markers=tuple((kind, _alternation(ps, whole=True)) for kind, ps in by_kind.items()),
        cta=re.compile(
            r"^(donate|donate now|subscribe|subscribe now|sign up|support us|become a (patron|member))\b",
            re.IGNORECASE,
        ),
    )


def _key(text: str) -> str:
    """Case-folded, whitespace-collapsed, outer punctuation trimmed; quotes unified."""
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return _TRIM.sub("", " ".join(text.casefold().split()))


def reduce_markdown(line: str) -> tuple[str, int]:
    """Plain text of one Markdown line, and its heading level (0 if it is not a heading)."""
    if _MD_RULE.match(line):
        return "", 0
    heading = 0
    m = _MD_HEADING.match(line)
    if m:
        heading, line = len(m.group(1)), m.group(2)
    if "](" in line or "][" in line:
        line = _MD_IMAGE.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_REF_LINK.sub(r"\1", line)
    if "*" in line or "__" in line:
        line = _MD_STRONG.sub(r"\2", line)
        line = _MD_EM.sub(r"\1", line)
    if "`" in line:
        line = _MD_CODE.sub(r"\1", line)
    line = _MD_QUOTE.sub("", line)
    line = _MD_BULLET.sub("", line)
    return line.strip(), heading


@dataclass(frozen=True, slots=True)
class _Page:
    content: list[str]
    url: str | None = None
    headings: tuple[tuple[int, str], ...] = ()  # (level, text) from a "Page Structure" list
    link_texts: frozenset[str] = frozenset()  # keys of anchor texts from a "Links" list


def _split_header(lines: list[str]) -> _Page:
    """The parts of a scraper file; the whole text as content when it has no ``## Content`` section."""
    content_at = next(
        (
            i
            for i, line in enumerate(lines)
            if (m := _SECTION.match(line)) and m.group(1).lower() == _CONTENT_SECTION
        ),
        None,
    )
    if content_at is None:
        return _Page(lines)
    url = None
    headings: list[tuple[int, str]] = []
    for line in lines[:content_at]:
        m = _STRUCTURE_HEADING.match(line)
        if m:
            headings.append((len(m.group(1)), reduce_markdown(m.group(2))[0]))
            continue
        f = _HEADER_FIELD.match(line)
        if f and url is None and f.group(1).strip().lower() in {"url", "source url", "source", "link"}:
            candidate = f.group(2).strip("<>*` ")
            if candidate.startswith(("http://", "https://")):
                url = candidate
    end = len(lines)
    for i in range(content_at + 1, len(lines)):
        m = _SECTION.match(lines[i])
        if m and m.group(1).lower() in _END_SECTIONS:
            end = i
            break
    link_texts = frozenset(
        _key(m.group(1)) for line in lines[end:] if (m := _LINK_ITEM.match(line)) and m.group(1).strip()
    )
    return _Page(lines[content_at + 1 : end], url, tuple(headings), link_texts)


def _classify(text: str, heading: int, rules: _Rules) -> _Line:
    words = len(text.split())
    line = _Line(text=text, words=words, heading=heading, key=_key(text))
    line.prose = (words >= PROSE_MIN_WORDS and bool(_SENTENCE_END.search(text))) or words >= LONG_LINE_WORDS
    line.boiler = (
        line.key in rules.lines
        or rules.any_pattern.search(text) is not None
        or (words < PATTERN_MAX_WORDS and rules.pattern.search(text) is not None)
        or (words <= 3 and bool(_URL.search(text)))
        or (words <= DATE_LINE_MAX_WORDS and not line.prose and _is_date_stub(text))
    )
    if words <= 12:
        for kind, pattern in rules.markers:
            if pattern.match(line.key):
                line.marker = kind
                break
    return line


def _is_date_stub(text: str) -> bool:
    """A date with at most two other words ("27.02.2026 - Update : 27.02.2026", "Updated Feb 25, 2026")."""
    rest, found = _DATE_TOKEN.subn(" ", text)
    return found > 0 and len(_WORD.findall(rest)) <= 2


def _score(line: _Line) -> float:
    if line.boiler or line.marker:
        return BOILER_COST
    if _URL.search(line.text):
        return BOILER_COST
    if line.prose:
        return float(line.words)
    return SHORT_COST


def _best_segment(scores: list[float]) -> tuple[int, int]:
    """``[start, end)`` of the maximum-sum run of ``scores`` (Kadane); ``(0, 0)`` if none is positive."""
    best, best_span = 0.0, (0, 0)
    total, start = 0.0, 0
    for i, s in enumerate(scores):
        if total <= 0:
            total, start = 0.0, i
        total += s
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


def _is_short_sentence(line: _Line) -> bool:
    return not (line.boiler or line.marker or line.prose) and bool(_SENTENCE_END.search(line.text))


def _widen(lines: list[_Line], start: int, end: int) -> tuple[int, int]:
    """Take in short sentences at either edge of the segment ("Kyiv was attacked overnight.").

    The segment starts and ends on a long line; a short paragraph that is a whole sentence next to it
    is article text, while menu items and labels have no sentence punctuation.
    """
    if start == end:
        return start, end
    while start > 0 and _is_short_sentence(lines[start - 1]):
        start -= 1
    while end < len(lines) and _is_short_sentence(lines[end]):
        end += 1
    return start, end


def _headline_like(line: _Line) -> bool:
    return (
        TITLE_MIN_WORDS <= line.words <= TITLE_MAX_WORDS
        and not line.boiler
        and not line.marker
        and not line.text.endswith(".")
        and line.text[:1].isupper()
        and not _URL.search(line.text)
    )


def _find_title(lines: list[_Line], start: int, headings: tuple[tuple[int, str], ...]) -> str | None:
    """The article's title: the top-level heading if headline-like, else the best line before ``start``."""
    rules = _rules()
    declared = list(headings) or [(ln.heading, ln.text) for ln in lines if ln.heading]
    if declared:
        top = min(level for level, _ in declared)
        tab = lines[0].key if lines else ""
        for level, text in declared:
            candidate = _classify(text, level, rules)
            if (
                level == top
                and TITLE_MIN_WORDS - 1 <= candidate.words <= 2 * TITLE_MAX_WORDS
                and candidate.key not in rules.lines
                and not (tab != candidate.key and tab.endswith(candidate.key))  # "Title – Site": the site
            ):
                return text
    before = lines[:start]
    keys = [ln.key for ln in before]
    best: tuple[float, int] | None = None
    for i, line in enumerate(before):
        if not _headline_like(line):
            continue
        if any(k != line.key and k.startswith(line.key) for k in keys):
            bonus = 5.0  # the browser-tab title ("Title | Site") starts with it
        elif any(
            line.key != k and line.key.startswith(k) and _headline_like(before[j]) for j, k in enumerate(keys)
        ):
            continue  # it is the tab title itself
        else:
            bonus = 0.0
        score = min(line.words, TITLE_MAX_WORDS) + bonus + (5.0 if keys.count(line.key) > 1 else 0.0)
        if best is None or score > best[0]:
            best = (score, i)
    return before[best[1]].text if best else None


def clean_scraped(text: str) -> ScrapedText:
    """Title and body of the article in scraped page text or Markdown (see the module docstring)."""
    page = _split_header(text.splitlines())
    rules = _rules()
    lines: list[_Line] = []
    for raw in page.content:
        whole_link = _WHOLE_LINK.match(raw)
        plain, heading = reduce_markdown(raw)
        if not plain or not _HAS_ALNUM.search(plain):
            continue
        line = _classify(plain, heading, rules)
        line.link = whole_link is not None or line.key in page.link_texts
        lines.append(line)
    start, end = _best_segment([_score(ln) for ln in lines])
    start, end = _widen(lines, start, end)
    title = _find_title(lines, start, page.headings)
    title_key = _key(title) if title else None
    if title_key:  # the body starts after a repeat of the title at the head of the segment
        for i in range(start, end):
            if lines[i].key == title_key:
                start = i + 1
            elif lines[i].prose and not lines[i].boiler:
                break
    start = _skip_standfirst(lines, start, end)
    body = _body(lines[start:end], title_key, rules)
    logger.debug("scraped text: %d lines, article lines %d-%d, %d kept", len(lines), start, end, len(body))
    return ScrapedText(text="\n\n".join(body), title=title, url=page.url)


def _skip_standfirst(lines: list[_Line], start: int, end: int) -> int:
    """Start after a standfirst: a first prose line followed by a byline/date block before the body.

    Between two paragraphs of an article there is no byline or date line; so when the first prose line
    of the segment is separated from the next one by non-prose lines including boilerplate, it was the
    summary under the headline, and the lines after it were the byline block.
    """
    first = next((i for i in range(start, end) if lines[i].prose), None)
    if first is None:
        return start
    following = next((i for i in range(first + 1, end) if lines[i].prose), None)
    if following is None or following == first + 1:
        return start
    between = lines[first + 1 : following]
    if any(ln.boiler and not ln.marker for ln in between) and not any(ln.marker or ln.link for ln in between):
        return following
    return start


def _body(lines: list[_Line], title_key: str | None, rules: _Rules) -> list[str]:
    kept: list[str] = []
    kept_words: list[int] = []
    cut: int | None = None  # where boilerplate first appeared after the latest paragraph
    in_promo = False
    for line in lines:
        if line.marker == "end" and kept:
            break
        if line.marker == "promo":
            in_promo = True
            continue
        if in_promo:
            if not line.prose or line.link:  # teaser headlines, and teaser summaries that are links
                continue
            in_promo = False
        if rules.cta.match(line.key):  # the box's short sentences just before its button go too
            for _ in range(min(CTA_BOX_LINES, len(kept))):
                if kept_words[-1] > CTA_BOX_MAX_WORDS or not _SENTENCE_END.search(kept[-1]):
                    break
                kept.pop()
                kept_words.pop()
            continue
        if line.boiler or line.key == title_key:
            if line.boiler and cut is None:
                cut = len(kept)
            continue
        if line.prose:
            cut = None
        kept.append(line.text)
        kept_words.append(line.words)
    # after the last paragraph, short lines that follow a boilerplate line are widgets and headline lists
    return kept if cut is None else kept[:cut]
