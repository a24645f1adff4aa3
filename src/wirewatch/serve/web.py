"""The web pages of ``wirewatch serve``: server-rendered HTML (Jinja2, autoescaped) and a few static scripts.

Everything that comes from an article is text: it is escaped wherever it is shown (templates autoescape, the
scripts only ever set ``textContent``), no article HTML is ever rendered, and every response carries a strict
Content-Security-Policy (scripts and styles from this server only, no inline script, no plug-ins, no framing).

Pages: ``/`` (stories and recent articles), ``/map`` (events on a clustered map with a brushable timeline and
the list of what is shown), ``/sources`` (the graph of who is cited by whom), ``/articles/{id}`` (the clean
text with its records highlighted by kind; clicking a span shows the record, its alternatives and, for an
analyst, corrections), ``/stories/{id}``, ``/events``, ``/ingest`` (a URL, a text or a file, analysed in the
background) and ``/login``. Every form carries the session's CSRF token.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wirewatch.corrections import corrected
from wirewatch.errors import UsageError
from wirewatch.serve.jobs import IngestJobs
from wirewatch.serve.session import check_csrf, csrf_token, safe_next
from wirewatch.settings import Settings
from wirewatch.store.base import EVENT_TYPES, EVIDENTIALS, SOURCE_KINDS, Store

__all__ = ["CSP", "highlight", "mount_web", "page_error", "source_graph"]

HERE = Path(__file__).parent
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
CSP = _CSP.format(tiles="")
"""The pages' Content-Security-Policy offline; a ``map_tiles`` server adds its origin to ``img-src``."""
MAX_UPLOAD_BYTES = 5_000_000
"""The ingest form's cap on an uploaded file (a pasted text has the API's 1 MB cap)."""
GRAPH_NODES = 80


def _tile_origin(url: str) -> str:
    """The scheme and host of a tile URL template, for the CSP (``{s}`` subdomains become a wildcard)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "a"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = parts.netloc.replace("a.", "*.", 1) if "{s}." in url else parts.netloc
    return f" {parts.scheme}://{host}"


def source_graph(rows: list[dict[str, Any]], limit: int = GRAPH_NODES) -> dict[str, Any]:
    """Who cites whom: from claim-source rows (``claim``, ``role``, ``position``, ``name``, ``kind``,
    ``outlet``) the nodes (sources, relays and outlets, with how many claims pass through each and their
    depth: the longest relay path into them, 0 for one that relays nobody) and the weighted edges
    ``source → relay → ... → outlet``. Keeps the ``limit`` busiest nodes and the edges between them."""
    chains: dict[str, dict[str, Any]] = {}
    for r in rows:
        c = chains.setdefault(str(r["claim"]), {"source": [], "via": [], "outlet": r.get("outlet")})
        if r["role"] in ("source", "via") and r.get("name"):
            c[r["role"]].append((int(r.get("position") or 0), str(r["name"]), r.get("kind")))
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str], int] = {}

    def node(name: str, kind: str | None) -> str:
        key = name.casefold()
        n = nodes.setdefault(key, {"id": key, "name": name, "kind": kind, "claims": 0, "depth": 0})
        n["claims"] += 1
        return key

    for c in chains.values():
        firsts = [node(name, kind) for _, name, kind in sorted(c["source"])]
        hops = [node(name, kind) for _, name, kind in sorted(c["via"])]
        if c["outlet"] and str(c["outlet"]).casefold() not in {*firsts, *hops}:
            hops.append(node(str(c["outlet"]), "outlet"))
        for a in firsts:
            prev = a
            for b in hops:
                if b != prev:
                    edges[(prev, b)] = edges.get((prev, b), 0) + 1
                prev = b
    # columns by the longest relay path into each node, so that every edge points rightwards (a cycle, where
    # two sources cite each other, stops growing after as many rounds as there are nodes)
    depth = dict.fromkeys(nodes, 0)
    for _ in range(len(nodes)):
        grew = False
        for a, b in edges:
            if depth[b] < depth[a] + 1 < len(nodes):
                depth[b], grew = depth[a] + 1, True
        if not grew:
            break
    for key, n in nodes.items():
        n["depth"] = depth[key]
    keep = {n["id"] for n in sorted(nodes.values(), key=lambda n: (-n["claims"], n["id"]))[:limit]}
    return {
        "nodes": [n for n in nodes.values() if n["id"] in keep],
        "edges": [
            {"from": a, "to": b, "claims": w}
            for (a, b), w in sorted(edges.items(), key=lambda x: -x[1])
            if a in keep and b in keep
        ],
    }


def _choices() -> dict[str, Any]:
    return {"types": EVENT_TYPES, "source_kinds": SOURCE_KINDS, "certainties": EVIDENTIALS}


_FILTERS = (
    "since",
    "until",
    "type",
    "country",
    "admin1",
    "source",
    "source_kind",
    "certainty",
    "min_origins",
)


def _form_filters(request: Request) -> dict[str, Any]:
    """The shared filters a page's GET form sent, without the fields left empty (``q`` is the search)."""
    given: dict[str, Any] = {k: v.strip() for k in _FILTERS if (v := request.query_params.get(k, "")).strip()}
    if "min_origins" in given:
        if not given["min_origins"].isdigit():
            raise UsageError(f"origins must be a whole number, not {given['min_origins']!r}")
        given["min_origins"] = int(given["min_origins"])
    if request.query_params.get("q", "").strip():
        given["search"] = request.query_params["q"].strip()
    return given


def page_error(request: Request, status: int, message: str) -> Response:
    """A page's error: a 401 goes to the login page, anything else is a short page saying what went wrong."""
    from html import escape

    if status == 401:
        return RedirectResponse(f"/login?next={request.url.path}", 303)
    body = (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{status} · wirewatch</title>"
        '<link rel="stylesheet" href="/static/app.css"></head>'
        '<body><header><a href="/">wirewatch</a></header>'
        f"<main><h1>{status}</h1><p>{escape(message)}</p></main></body></html>"
    )
    return HTMLResponse(body, status)


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


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers to every response (``/docs`` keeps its own scripts:
    no CSP there). Unlike ``@app.middleware("http")`` it does not pipe each body through a stream, which
    cost the big map and export answers tens of milliseconds."""

    def __init__(self, app: ASGIApp, csp: str) -> None:
        self.app = app
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]
        self.csp = (b"content-security-policy", csp.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        extra = self.headers + ([] if path.startswith(("/docs", "/openapi")) else [self.csp])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k for k, _ in extra}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": [*kept, *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


def mount_web(
    app: FastAPI,
    settings: Settings,
    store: Callable[[], Iterator[Store]],
    *,
    reader: Any,
    analyst: Any,
    admin: Any,
    rate_limited: Callable[[Request], None],
) -> None:
    """Add the pages, the static files, the security headers and the pages' own JSON routes to ``app``."""

    def context(request: Request) -> dict[str, Any]:
        return {
            "csrf": csrf_token(request),
            "role": getattr(request.state, "role", None),
            "who": getattr(request.state, "who", None),
            "logged_in": "token_id" in request.session,
        }

    templates = Jinja2Templates(directory=str(HERE / "templates"), context_processors=[context])
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    csp = _CSP.format(tiles=_tile_origin(settings.map_tiles) if settings.map_tiles else "")
    jobs = IngestJobs(dataclasses.replace(settings, workers=1))
    app.state.ingest_jobs = jobs

    app.add_middleware(SecurityHeaders, csp=csp)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/", dependencies=[reader], response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, s: Store = Depends(store)) -> HTMLResponse:
        return templates.TemplateResponse(
            request,
            "home.html",
            {"stories": s.stories(limit=20), "articles": s.articles(status="ok", limit=30)},
        )

    @app.get(
        "/articles/{article_id}", dependencies=[reader], response_class=HTMLResponse, include_in_schema=False
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
        "/stories/{story_id}", dependencies=[reader], response_class=HTMLResponse, include_in_schema=False
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

    @app.post(
        "/stories/{story_id}/merge",
        dependencies=[analyst],
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    def merge_form(
        request: Request,
        story_id: str,
        csrf: str = Form(""),
        other: str = Form(""),
        why: str = Form(""),
        s: Store = Depends(store),
    ) -> Response:
        from wirewatch.link.overrides import merge_stories

        check_csrf(request, csrf)
        others = other.replace(",", " ").split()
        for sid in [story_id, *others]:
            if s.story(sid) is None:
                raise HTTPException(404, f"no story {sid}")
        merged, _ = merge_stories(
            s,
            settings,
            [story_id, *others],
            note=why.strip() or None,
            who=getattr(request.state, "who", "local"),
        )
        return RedirectResponse(f"/stories/{merged}", 303)

    @app.post(
        "/stories/{story_id}/split",
        dependencies=[analyst],
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    async def split_form(request: Request, story_id: str, s: Store = Depends(store)) -> Response:
        from wirewatch.link.overrides import split_story

        form = await request.form()
        check_csrf(request, str(form.get("csrf") or ""))
        if s.story(story_id) is None:
            raise HTTPException(404, f"no story {story_id}")
        chosen = [str(a) for a in form.getlist("article")]
        new, _ = split_story(
            s, settings, story_id, chosen, note=str(form.get("why") or "").strip() or None,
            who=getattr(request.state, "who", "local"),
        )  # fmt: skip
        return RedirectResponse(f"/stories/{new}", 303)

    @app.get("/events", dependencies=[reader], response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request, s: Store = Depends(store)) -> HTMLResponse:
        """The events with the shared filters of the form (empty fields are no filter); a bad value is said
        on the page, which then lists nothing."""
        error = None
        try:
            rows = corrected(s, s.events(**_form_filters(request), limit=500))
        except UsageError as e:
            rows, error = [], str(e)
        return templates.TemplateResponse(
            request, "events.html", {"events": rows, "q": request.query_params, "error": error, **_choices()}
        )

    @app.get("/map", dependencies=[reader], response_class=HTMLResponse, include_in_schema=False)
    def map_page(request: Request) -> HTMLResponse:
        vendor = (HERE / "static" / "vendor" / "leaflet.js").is_file()
        return templates.TemplateResponse(
            request,
            "map.html",
            {
                "q": request.query_params,
                "filters": urlencode([(k, v) for k, v in request.query_params.multi_items() if v.strip()]),
                "tiles": settings.map_tiles,
                "vendor": vendor,
                **_choices(),
            },
        )

    @app.get("/sources", dependencies=[reader], response_class=HTMLResponse, include_in_schema=False)
    def sources_page(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "sources.html", {})

    @app.get("/api/graph", dependencies=[reader], summary="Who cites whom: sources, relays, outlets")
    def graph(limit: int = GRAPH_NODES, s: Store = Depends(store)) -> dict[str, Any]:
        """Nodes are sources, relays and outlets (with how many claims pass through each, and their depth in
        the chain); an edge ``a → b`` says ``b`` passed on what ``a`` said, weighted by the claims it
        carried. The ``limit`` busiest nodes (1–500)."""
        if not 1 <= limit <= 500:
            raise HTTPException(422, "limit: must be between 1 and 500")
        return {"ok": True, "item": source_graph(s.claim_chains(), limit)}

    @app.get("/ingest", dependencies=[analyst], response_class=HTMLResponse, include_in_schema=False)
    def ingest_page(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "ingest.html", {"job": None})

    @app.post("/ingest", dependencies=[analyst], response_class=HTMLResponse, include_in_schema=False)
    async def ingest_form(
        request: Request,
        csrf: str = Form(""),
        url: str = Form(""),
        text: str = Form(""),
        title: str = Form(""),
        published: str = Form(""),
        outlet: str = Form(""),
        file: UploadFile | None = File(None),
    ) -> Response:
        check_csrf(request, csrf)
        rate_limited(request)
        upload = None
        if file is not None and file.filename:
            data = await file.read(MAX_UPLOAD_BYTES + 1)
            if len(data) > MAX_UPLOAD_BYTES:
                raise HTTPException(413, f"{file.filename}: larger than {MAX_UPLOAD_BYTES:,} bytes")
            if not data:
                raise HTTPException(400, f"{file.filename}: the file is empty")
            upload = (file.filename, data)
        given = [x for x in (url.strip(), text.strip(), upload) if x]
        if len(given) != 1:
            raise HTTPException(400, "give exactly one of a URL, a text or a file")
        if text and len(text.encode("utf-8")) > 1_000_000:
            raise HTTPException(413, "the text is over 1,000,000 bytes")
        job = jobs.submit(
            url=url.strip() or None, text=text.strip() or None, file=upload, title=title.strip() or None,
            published=published.strip() or None, outlet=outlet.strip() or None,
            who=getattr(request.state, "who", "local"),
        )  # fmt: skip
        return RedirectResponse(f"/ingest/{job.id}", 303)

    @app.get("/ingest/{job_id}", dependencies=[analyst], response_class=HTMLResponse, include_in_schema=False)
    def ingest_job_page(request: Request, job_id: str) -> HTMLResponse:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no ingest job {job_id} (jobs are kept until the server stops)")
        return templates.TemplateResponse(request, "ingest.html", {"job": job.to_dict()})

    @app.get("/api/jobs/{job_id}", dependencies=[analyst], summary="One background ingest of the web form")
    def ingest_job(job_id: str) -> dict[str, Any]:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no ingest job {job_id}")
        return {"ok": True, "item": job.to_dict()}

    @app.get("/admin", dependencies=[admin], response_class=HTMLResponse, include_in_schema=False)
    def admin_page(request: Request, s: Store = Depends(store)) -> HTMLResponse:
        return _admin(request, s, None)

    def _admin(request: Request, s: Store, created: dict[str, Any] | None) -> HTMLResponse:
        from wirewatch.serve.api import effective_settings
        from wirewatch.store.base import TOKEN_ROLES

        context = {
            "tokens": s.tokens(), "roles": TOKEN_ROLES, "settings": effective_settings(settings),
            "created": created,
        }  # fmt: skip
        return templates.TemplateResponse(request, "admin.html", context)

    @app.post("/admin/tokens", dependencies=[admin], response_class=HTMLResponse, include_in_schema=False)
    def admin_create_token(
        request: Request,
        csrf: str = Form(""),
        name: str = Form(""),
        role: str = Form(""),
        s: Store = Depends(store),
    ) -> HTMLResponse:
        check_csrf(request, csrf)
        if not name.strip():
            raise HTTPException(400, "a token needs a name")
        token_id, token = s.create_token(name.strip(), role)
        return _admin(request, s, {"id": token_id, "name": name.strip(), "role": role, "token": token})

    @app.post(
        "/admin/tokens/{token_id}/revoke",
        dependencies=[admin],
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    def admin_revoke_token(
        request: Request, token_id: int, csrf: str = Form(""), s: Store = Depends(store)
    ) -> Response:
        check_csrf(request, csrf)
        if not s.revoke_token(token_id):
            raise HTTPException(404, f"no live token {token_id}")
        return RedirectResponse("/admin", 303)

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "/") -> HTMLResponse:
        return templates.TemplateResponse(request, "login.html", {"next": safe_next(next), "error": None})

    @app.post("/login", response_class=HTMLResponse, include_in_schema=False)
    def login(
        request: Request,
        csrf: str = Form(""),
        token: str = Form(""),
        next: str = Form("/"),
        s: Store = Depends(store),
    ) -> Response:
        check_csrf(request, csrf)
        info = s.token_info(token.strip()) if token.strip() else None
        if info is None:
            return templates.TemplateResponse(
                request, "login.html", {"next": safe_next(next), "error": "unknown or revoked token"}, 401
            )
        request.session.clear()
        request.session["token_id"] = int(info["id"])
        csrf_token(request)  # a new session, a new CSRF token
        return RedirectResponse(safe_next(next), 303)

    @app.post("/logout", response_class=HTMLResponse, include_in_schema=False)
    def logout(request: Request, csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        request.session.clear()
        return RedirectResponse("/login", 303)
