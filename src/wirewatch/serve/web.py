"""The web pages of ``wirewatch serve``: server-rendered HTML (Jinja2, autoescaped) and one static script.

Everything that comes from an article is text: it is escaped wherever it is shown, no article HTML is ever
rendered, and every response carries a strict Content-Security-Policy (scripts and styles from this server
only, no inline script, no plug-ins, no framing). Pages so far: ``/`` (stories and recent articles),
``/articles/{id}`` (the clean text with claims, sources, places and events highlighted; clicking a span shows
its record, fetched from the API) and ``/events``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from wirewatch.store.base import Store

__all__ = ["CSP", "highlight", "mount_web"]

HERE = Path(__file__).parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_KINDS = ("claim", "source", "place", "event")


def highlight(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    """The article text cut where the set of highlighted records changes: ``[{"text", "kinds", "ids"}]`` in
    order, so that a template can wrap each piece in one element (the text stays text: it is escaped there).
    Claims' contents, their sources' spans, place mentions and event triggers are highlighted."""
    text = str((analysis.get("article") or {}).get("text") or "")
    marks: list[tuple[int, int, str, str]] = []
    for c in analysis.get("claims") or ():
        span = c.get("content") or {}
        marks.append((span.get("start", 0), span.get("end", 0), "claim", str(c.get("id"))))
        for s in c.get("sources") or ():
            sp = s.get("span") or {}
            if sp:
                marks.append((sp.get("start", 0), sp.get("end", 0), "source", str(c.get("id"))))
    for p in analysis.get("places") or ():
        m = p.get("mention") or {}
        marks.append((m.get("start", 0), m.get("end", 0), "place", str(p.get("id"))))
    for e in analysis.get("events") or ():
        t = e.get("trigger") or {}
        marks.append((t.get("start", 0), t.get("end", 0), "event", str(e.get("id"))))
    marks = [(max(0, s), min(len(text), e), k, i) for s, e, k, i in marks if e > s]
    cuts = sorted({0, len(text), *(s for s, *_ in marks), *(e for _, e, *_ in marks)})
    out: list[dict[str, Any]] = []
    for a, b in pairwise(cuts):
        active = [(k, i) for s, e, k, i in marks if s <= a and b <= e]
        kinds = sorted({k for k, _ in active}, key=_KINDS.index)
        out.append({"text": text[a:b], "kinds": kinds, "ids": [i for _, i in active]})
    return out


def mount_web(app: FastAPI, store: Callable[[], Iterator[Store]], reader: Any) -> None:
    """Add the pages, the static files and the security headers to ``app``."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if not request.url.path.startswith("/docs") and not request.url.path.startswith("/openapi"):
            response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.get("/", response_class=HTMLResponse, dependencies=[reader], include_in_schema=False)
    def home(request: Request, s: Store = Depends(store)) -> HTMLResponse:
        return templates.TemplateResponse(
            request,
            "home.html",
            {"stories": s.stories(limit=20), "articles": s.articles(status="ok", limit=30)},
        )

    @app.get(
        "/articles/{article_id}", response_class=HTMLResponse, dependencies=[reader], include_in_schema=False
    )
    def article_page(request: Request, article_id: str, s: Store = Depends(store)) -> HTMLResponse:
        found = s.analysis(article_id)
        if found is None:
            raise HTTPException(404, f"no article {article_id}")
        analysis = found.to_dict()
        return templates.TemplateResponse(
            request, "article.html", {"a": analysis, "pieces": highlight(analysis), "kinds": _KINDS}
        )

    @app.get(
        "/stories/{story_id}", response_class=HTMLResponse, dependencies=[reader], include_in_schema=False
    )
    def story_page(request: Request, story_id: str, s: Store = Depends(store)) -> HTMLResponse:
        story = s.story(story_id)
        if story is None:
            raise HTTPException(404, f"no story {story_id}")
        arts = {aid: a.to_dict() for aid in story["articles"] if (a := s.analysis(aid)) is not None}
        claims = {str(c["id"]): c for a in arts.values() for c in a.get("claims") or ()}
        copies = {a: c for a, c in story.get("copies") or ()}
        return templates.TemplateResponse(
            request, "story.html", {"s": story, "arts": arts, "claims": claims, "copies": copies}
        )

    @app.get("/events", response_class=HTMLResponse, dependencies=[reader], include_in_schema=False)
    def events_page(
        request: Request,
        type: str | None = None,
        country: str | None = None,
        since: str | None = None,
        until: str | None = None,
        s: Store = Depends(store),
    ) -> HTMLResponse:
        rows = s.events(
            type=type or None, country=country or None, since=since or None, until=until or None, limit=500
        )
        return templates.TemplateResponse(request, "events.html", {"events": rows, "q": request.query_params})
