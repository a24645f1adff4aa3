"""The JSON API of ``wirewatch serve`` (FastAPI; OpenAPI documentation at ``/docs``).

Routes (DESIGN.md, "CLI and API conventions"): ``/api/{articles,claims,events,places,stories,sources}`` and
``/api/{articles,events,stories}/{id}``, ``/api/export`` (CSV, GeoJSON, JSONL with the events' filters) and
``POST /api/ingest`` (a text, for analysts). Lists answer
``{"ok": true, "items": [...], "next": cursor | null}``; one record ``{"ok": true, "item": {...}}``; every
error ``{"ok": false, "error": str, "status": int}``.

**Access.** ``Authorization: Bearer TOKEN``. While no token exists and the server listens on loopback, the
local user acts as an analyst. Once a token exists, every request needs one: a missing or unknown token is
401, a role below the route's is 403. Roles: viewer (read), analyst (read, ingest), admin (everything).

**Pagination.** ``limit`` (1–500, default 50) and ``cursor`` (the ``next`` of the previous page, opaque).
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from wirewatch.corrections import anchor_of, check, corrected, kind_of
from wirewatch.errors import UsageError, WirewatchError
from wirewatch.serve.filters import ListFilters
from wirewatch.settings import Settings
from wirewatch.store.base import Store

__all__ = ["MAX_INGEST_BYTES", "ROLE_RANK", "create_app", "effective_settings", "event_chains"]

ROLE_RANK = {"viewer": 0, "analyst": 1, "admin": 2}
INGEST_PER_MINUTE = 30
"""How many ``POST /api/ingest`` one client (token, else address) may make in a minute; more get 429."""
MAX_INGEST_BYTES = 1_000_000
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class Correction(BaseModel):
    """An analyst's correction of one claim, event or place (docs/api.md)."""

    target: str = Field(description="The record's id, e.g. 'ARTICLEID:e0'.")
    action: str = Field(
        description="reject | set_type (events) | set_date (events) | pick_candidate (places)"
    )
    value: str | None = Field(default=None, description="The new type, the day YYYY-MM-DD, or a GeoNames id.")
    why: str | None = Field(default=None, description="Why (kept in the audit log).")


class StoryMerge(BaseModel):
    """Stories of one week that are one story (an analyst's decision, kept for every later link)."""

    stories: list[str] = Field(min_length=2, description="Two or more story ids (or unique prefixes).")
    why: str | None = None


class StorySplit(BaseModel):
    """Articles that are a story of their own (an analyst's decision, kept for every later link)."""

    articles: list[str] = Field(min_length=1, description="Article ids (or unique prefixes) of the story.")
    why: str | None = None


class NewToken(BaseModel):
    """A token to create (admins): shown once in the answer, only its SHA-256 is stored."""

    role: str = Field(description="viewer | analyst | admin")
    name: str = Field(min_length=1, max_length=100, description="Who or what uses it (kept in audit logs).")


class IngestText(BaseModel):
    """A text to analyse and store: what a pasted article is."""

    text: str = Field(min_length=1, description="The article text (plain text).")
    title: str | None = None
    url: str | None = None
    published: str | None = Field(default=None, description="YYYY-MM-DD")
    outlet: str | None = None


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def _cursor(value: str | None) -> int:
    if not value:
        return 0
    try:
        offset = int(base64.urlsafe_b64decode(value.encode() + b"==").decode())
    except (ValueError, binascii.Error, UnicodeDecodeError) as e:
        raise HTTPException(400, f"not a cursor of this API: {value!r}") from e
    if offset < 0:
        raise HTTPException(400, f"not a cursor of this API: {value!r}")
    return offset


def _next(offset: int, limit: int, more: bool) -> str | None:
    return base64.urlsafe_b64encode(str(offset + limit).encode()).decode().rstrip("=") if more else None


def event_chains(event: dict[str, Any], analysis: dict[str, Any]) -> list[dict[str, Any]]:
    """Who holds the claims that hold ``event``: for each claim, its chain of names (its sources together,
    joined by " & ", then each relay that passed it on, then the article's outlet), how sure it is, and its
    text."""
    claims = {c.get("id"): c for c in analysis.get("claims") or ()}
    outlet = (analysis.get("article") or {}).get("outlet")
    out = []
    for cid in event.get("claims") or ():
        c = claims.get(cid)
        if c is None:
            continue
        names = [str(x.get("name")) for x in (c.get("sources") or ()) if x.get("name")]
        relays = [str(x.get("name")) for x in (c.get("via") or ()) if x.get("name")]
        # the first hop is every source together (co-sources, not one citing the other), then each relay
        chain = [" & ".join(names) or "(unattributed)", *relays]
        if outlet and str(outlet).casefold() not in {n.casefold() for n in (*names, *relays)}:
            chain.append(str(outlet))
        certainty = c.get("certainty") or {}
        out.append(
            {
                "claim": cid,
                "kind": c.get("kind"),
                "chain": chain,
                "evidential": certainty.get("evidential"),
                "strength": certainty.get("strength"),
                "term": certainty.get("term"),
                "text": (c.get("content") or {}).get("text"),
            }
        )
    return out


def _corrected_points(store: Store, points: list[dict[str, Any]], targets: set[str]) -> list[dict[str, Any]]:
    """The map's points with the analysts' corrections: a rejected event or place leaves, a corrected type,
    day or place candidate shows. Only the points of the articles a correction touches are rebuilt, from
    their corrected events."""
    touched = {p["article"] for p in points if p["event"] in targets or p["place"] in targets}
    events = {str(e["id"]): e for aid in touched for e in corrected(store, store.events(article=aid))}
    out = []
    for p in points:
        if p["article"] not in touched:
            out.append(p)
            continue
        event = events.get(p["event"])
        place = next((x for x in (event or {}).get("places") or () if x.get("id") == p["place"]), None)
        if event is None or place is None or place.get("lat") is None or place.get("lon") is None:
            continue  # rejected
        when = event.get("when") or {}
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(place["lon"], 5), round(place["lat"], 5)]},
            "properties": {
                "event": p["event"],
                "type": event.get("type"),
                "date": str(when.get("start") or when.get("end") or "")[:10] or None,
                "article": p["article"],
                "name": place.get("name"),
                "geo_precision": p["geo_precision"],
                "origins": p["origins"],
            },
        }
        out.append({**p, "feature": json.dumps(feature, ensure_ascii=False)})
    return out


def effective_settings(settings: Settings) -> list[dict[str, Any]]:
    """Every setting's name, value and help, with the password of a database URL replaced by ``***``."""
    import dataclasses
    import re

    from wirewatch.settings import SETTINGS

    values = dataclasses.asdict(settings)
    out = []
    for setting in SETTINGS:
        value = values[setting.name]
        if isinstance(value, str) and "://" in value:
            value = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", value)
        out.append({"name": setting.name, "value": value, "help": setting.help})
    return out


def create_app(
    settings: Settings, *, loopback: bool = True, public_read_only: bool = False, https_only: bool = False
) -> FastAPI:
    """The API over ``settings.db``. ``loopback``: the server listens on a loopback address only (then, with
    no token created, the local user is an analyst); ``public_read_only``: anyone may read, nobody may write
    without a token; ``https_only``: session cookies are ``Secure`` (behind a TLS proxy)."""
    from wirewatch.serve.session import CSRF_HEADER, check_csrf, install_sessions
    from wirewatch.store import open_store

    app = FastAPI(
        title="wirewatch",
        description="Who claims what, citing whom, how sure, where and when: the stored analyses.",
        version="1",
    )

    def store() -> Iterator[Store]:
        # shared: FastAPI runs this generator's setup and teardown, and the handler, on worker threads
        with open_store(settings.db, shared=True) as s:
            yield s

    install_sessions(app, https_only=https_only)

    def role_of(request: Request, s: Store = Depends(store)) -> str:
        """The caller's role, from a bearer token, else a UI session, else the server's defaults; kept in
        ``request.state`` (``role``, ``who``) for the route and the pages."""
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else None
        role, who = None, "local"
        if token:
            info = s.token_info(token)
            if info is None:
                raise HTTPException(401, "unknown or revoked token")
            role, who = str(info["role"]), str(info["name"])
        elif "token_id" in request.session:
            live = {t["id"]: t for t in s.tokens() if t.get("revoked_at") is None}
            row = live.get(request.session["token_id"])
            if row is None:
                request.session.pop("token_id", None)
                raise HTTPException(401, "the session's token was revoked: log in again")
            role, who = str(row["role"]), str(row["name"])
        elif loopback and not s.tokens():
            role = "analyst"
        elif public_read_only:
            role = "viewer"
        if role is None:
            raise HTTPException(
                401, "a token is needed: Authorization: Bearer TOKEN (wirewatch token create)"
            )
        request.state.role, request.state.who = role, who
        return role

    def need(minimum: str) -> Callable[[str], str]:
        def check(role: str = Depends(role_of)) -> str:
            if ROLE_RANK[role] < ROLE_RANK[minimum]:
                raise HTTPException(403, f"this needs the {minimum} role; the token's role is {role}")
            return role

        return check

    def csrf(request: Request) -> None:
        check_csrf(request, request.headers.get(CSRF_HEADER))

    reader = Depends(need("viewer"))
    analyst = Depends(need("analyst"))
    admin = Depends(need("admin"))
    writer = Depends(csrf)
    recent: dict[str, list[float]] = {}

    def rate_limited(request: Request) -> None:
        """A sliding minute per client: the token when there is one, else the address."""
        import time

        header = request.headers.get("authorization", "")
        session = str(request.session.get("token_id") or "")
        who = (
            header
            or (f"session {session}" if session else None)
            or (request.client.host if request.client else "?")
        )
        now = time.monotonic()
        times = [t for t in recent.get(who, []) if now - t < 60.0]
        if len(times) >= INGEST_PER_MINUTE:
            raise HTTPException(429, f"at most {INGEST_PER_MINUTE} ingests a minute; try again shortly")
        times.append(now)
        recent[who] = times

    def error(request: Request, status: int, message: str) -> Response:
        """The API's envelope, or for a page a short HTML page (a 401 there goes to the login form)."""
        if not request.url.path.startswith(("/api/", "/docs", "/openapi", "/static/")):
            from wirewatch.serve.web import page_error

            return page_error(request, status, message)
        return JSONResponse({"ok": False, "error": message, "status": status}, status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x not in ("query", "body"))
        return error(request, 422, f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(UsageError)
    async def usage_error(request: Request, exc: UsageError) -> Response:
        return error(request, 400, str(exc))

    @app.exception_handler(WirewatchError)
    async def wirewatch_error(request: Request, exc: WirewatchError) -> Response:
        return error(request, 500, str(exc))

    def page(fetch: Callable[[int], list[dict[str, Any]]], limit: int, cursor: str | None) -> dict[str, Any]:
        offset = _cursor(cursor)
        rows = fetch(offset + limit + 1)
        items = rows[offset : offset + limit]
        return {"ok": True, "items": items, "next": _next(offset, limit, len(rows) > offset + limit)}

    Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
    Cursor = Query(None, description="The `next` of the previous page.")

    @app.get("/api/articles", dependencies=[reader], summary="Articles, with full-text search")
    def articles(
        f: ListFilters = Depends(),
        status: str | None = Query(None, description="ok | failed | skipped"),
        limit: int = Limit,
        cursor: str | None = Cursor,
        s: Store = Depends(store),
    ) -> dict[str, Any]:
        return page(lambda n: s.articles(**f.kwargs(), status=status, limit=n), limit, cursor)

    @app.get("/api/articles/{article_id}", dependencies=[reader], summary="One article's whole Analysis")
    def article(article_id: str, s: Store = Depends(store)) -> dict[str, Any]:
        found = s.analysis(article_id)
        if found is None:
            raise HTTPException(404, f"no article {article_id}")
        return {"ok": True, "item": found.to_dict()}

    @app.get("/api/claims", dependencies=[reader], summary="Claims: who said what, how sure")
    def claims(
        f: ListFilters = Depends(),
        kind: str | None = Query(None, description="statement | denial | no_comment, or a source kind."),
        evidential: str | None = Query(None, description="asserted | reported | alleged | speculated"),
        denied: bool = Query(False, description="Only claims a stored denial rejects."),
        article: str | None = None,
        limit: int = Limit,
        cursor: str | None = Cursor,
        s: Store = Depends(store),
    ) -> dict[str, Any]:
        return page(
            lambda n: corrected(
                s,
                s.claims(
                    **f.kwargs(), kind=kind, evidential=evidential, denied=denied, article=article, limit=n
                ),
            ),
            limit,
            cursor,
        )

    @app.get("/api/events", dependencies=[reader], summary="Events: what happened, who, when, where")
    def events(
        f: ListFilters = Depends(),
        article: str | None = None,
        limit: int = Limit,
        cursor: str | None = Cursor,
        s: Store = Depends(store),
    ) -> dict[str, Any]:
        return page(
            lambda n: corrected(s, s.events(**f.kwargs(), article=article, limit=n)),
            limit,
            cursor,
        )

    @app.get("/api/events/{event_id}", dependencies=[reader], summary="One event with its places")
    def event(event_id: str, s: Store = Depends(store)) -> dict[str, Any]:
        article_id = event_id.split(":")[0]
        for e in corrected(s, s.events(article=article_id)) if s.article(article_id) is not None else []:
            if e.get("id") == event_id:
                analysis = s.analysis(article_id)
                return {
                    "ok": True,
                    "item": {**e, "chains": event_chains(e, analysis.to_dict() if analysis else {})},
                }
        raise HTTPException(404, f"no event {event_id}")

    @app.get("/api/places", dependencies=[reader], summary="Places: one per mention, resolved offline")
    def places(
        f: ListFilters = Depends(),
        level: str | None = Query(None, description="populated | admin1 | admin2 | country | ..."),
        article: str | None = None,
        limit: int = Limit,
        cursor: str | None = Cursor,
        s: Store = Depends(store),
    ) -> dict[str, Any]:
        return page(
            lambda n: corrected(s, s.places(**f.kwargs(), level=level, article=article, limit=n)),
            limit,
            cursor,
        )

    @app.get("/api/stories", dependencies=[reader], summary="Stories across outlets")
    def stories(
        f: ListFilters = Depends(),
        contested: bool | None = None,
        limit: int = Limit,
        cursor: str | None = Cursor,
        s: Store = Depends(store),
    ) -> dict[str, Any]:
        return page(
            lambda n: s.stories(**f.kwargs(), contested=contested, limit=n),
            limit,
            cursor,
        )

    @app.post(
        "/api/stories/merge", dependencies=[analyst, writer], summary="Merge stories of one week (analysts)"
    )
    def merge(body: StoryMerge, request: Request, s: Store = Depends(store)) -> dict[str, Any]:
        from wirewatch.link.overrides import merge_stories

        for sid in body.stories:
            if s.story(sid) is None:
                raise HTTPException(404, f"no story {sid}")
        merged, oid = merge_stories(
            s, settings, body.stories, note=body.why, who=getattr(request.state, "who", "local")
        )
        return {"ok": True, "item": {"story": merged, "override": oid}}

    @app.post(
        "/api/stories/{story_id}/split",
        dependencies=[analyst, writer],
        summary="Take articles out of a story (analysts)",
    )
    def split(story_id: str, body: StorySplit, request: Request, s: Store = Depends(store)) -> dict[str, Any]:
        from wirewatch.link.overrides import split_story

        if s.story(story_id) is None:
            raise HTTPException(404, f"no story {story_id}")
        new, oid = split_story(
            s, settings, story_id, body.articles, note=body.why, who=getattr(request.state, "who", "local")
        )
        return {"ok": True, "item": {"story": new, "override": oid}}

    @app.get("/api/story-overrides", dependencies=[reader], summary="Analysts' story merges and splits")
    def story_overrides(
        limit: int = Limit, cursor: str | None = Cursor, s: Store = Depends(store)
    ) -> dict[str, Any]:
        """The audit log of story decisions (who, when, why), oldest first."""
        return page(lambda n: s.story_overrides()[:n], limit, cursor)

    @app.get("/api/stories/{story_id}", dependencies=[reader], summary="One story")
    def story(story_id: str, s: Store = Depends(store)) -> dict[str, Any]:
        found = s.story(story_id)
        if found is None:
            raise HTTPException(404, f"no story {story_id}")
        return {"ok": True, "item": found}

    @app.get("/api/sources", dependencies=[reader], summary="Who holds and relays the claims")
    def sources(
        kind: str | None = Query(None, description="outlet | government | anonymous | ..."),
        limit: int = Limit,
        cursor: str | None = Cursor,
        s: Store = Depends(store),
    ) -> dict[str, Any]:
        return page(lambda n: s.sources(kind=kind, limit=n), limit, cursor)

    @app.get("/api/map", dependencies=[reader], summary="The map's points as GeoJSON (the events' filters)")
    def map_points(
        f: ListFilters = Depends(),
        limit: int = Query(10_000, ge=1, le=100_000, description="At most this many points."),
        s: Store = Depends(store),
    ) -> Response:
        """One Point per event and place with coordinates (RFC 7946: longitude first), with the event's id,
        type, date, article and place name: what a map draws, without the records."""
        points = s.event_points(**f.kwargs(), limit=limit, features=True)
        fixes = (
            s.corrections(targets={p["event"] for p in points} | {p["place"] for p in points})
            if points
            else []
        )
        if fixes:
            points = _corrected_points(s, points, {str(c["target"]) for c in fixes})
        body = '{"type":"FeatureCollection","features":[' + ",".join(p["feature"] for p in points) + "]}"
        return Response(body, media_type="application/geo+json")

    outlines_cache: list[str] = []
    outlines_lock = threading.Lock()

    def outlines_text() -> str:
        """Every country's outline as GeoJSON text, computed once per server (a couple of seconds)."""
        with outlines_lock:
            if not outlines_cache:
                from wirewatch.geo.stage import open_default

                shapes = open_default(settings, progress=False).outlines()
                outlines_cache.append(json.dumps(shapes, separators=(",", ":")))
        return outlines_cache[0]

    app.state.warm_up = outlines_text  # `wirewatch serve` starts it in the background at once

    @app.get("/api/outlines", dependencies=[reader], summary="Country outlines (the offline base map)")
    def outlines() -> Response:
        """Every country's outline from the gazetteer's Natural Earth shapes, simplified to about 5 km, as
        GeoJSON: the map's base layer with no internet. Computed once per server."""
        return Response(
            outlines_text(), media_type="application/geo+json", headers={"Cache-Control": "max-age=86400"}
        )

    @app.get("/api/export", dependencies=[reader], summary="Events as ACLED CSV, GeoJSON or JSONL")
    def export(
        format: str = Query("csv", pattern="^(csv|geojson|jsonl)$", description="csv | geojson | jsonl"),
        f: ListFilters = Depends(),
        article: str | None = None,
        s: Store = Depends(store),
    ) -> Response:
        """The export of `wirewatch export`, with the same filters as `/api/events`."""
        from wirewatch.export.acled import events_csv
        from wirewatch.export.geojson import event_feature_collection
        from wirewatch.export.jsonl import analyses_jsonl

        rows = corrected(s, s.events(**f.kwargs(), article=article))
        if format == "geojson":
            body = json.dumps(event_feature_collection(rows), ensure_ascii=False)
            return Response(body, media_type="application/geo+json", headers=_attachment("events.geojson"))
        analyses = {}
        for r in rows:
            aid = str(r.get("article"))
            if aid not in analyses:
                analyses[aid] = s.analysis(aid)
        if format == "csv":
            return Response(
                events_csv(rows, analyses), media_type="text/csv", headers=_attachment("events.csv")
            )
        body = "".join(analyses_jsonl([a for a in analyses.values() if a is not None]))
        return Response(body, media_type="application/x-ndjson", headers=_attachment("analyses.jsonl"))

    @app.post(
        "/api/corrections",
        dependencies=[analyst, writer],
        summary="Correct a claim, event or place (analysts)",
    )
    def correct(body: Correction, request: Request, s: Store = Depends(store)) -> dict[str, Any]:
        """Kept beside the machine's record (never replacing it), with who, when and why; shown by every
        list, the map and the exports."""
        kind = kind_of(body.target)
        analysis = s.analysis(body.target.rpartition(":")[0]) if kind is not None else None
        key = {"claim": "claims", "event": "events", "place": "places"}.get(kind or "", "")
        records = analysis.to_dict()[key] if analysis is not None else []
        record = next((r for r in records if r.get("id") == body.target), None)
        if kind is None or record is None:
            raise HTTPException(404, f"no claim, event or place {body.target}")
        problem = check(kind, body.action, body.value, record)
        if problem is not None:
            raise HTTPException(400, problem)
        who = getattr(request.state, "who", "local")
        value = str(body.value).upper() if body.action == "set_type" else body.value
        s.add_correction(body.target, kind, body.action, value, anchor_of(record), body.why, who)
        return {"ok": True, "item": s.corrections(targets=[body.target])[-1]}

    @app.get("/api/tokens", dependencies=[admin], summary="The API tokens, without their secrets (admins)")
    def tokens(s: Store = Depends(store)) -> dict[str, Any]:
        return {"ok": True, "items": s.tokens(), "next": None}

    @app.post("/api/tokens", dependencies=[admin, writer], summary="Create a token (admins; shown once)")
    def create_token(body: NewToken, s: Store = Depends(store)) -> dict[str, Any]:
        token_id, token = s.create_token(body.name, body.role)
        return {"ok": True, "item": {"id": token_id, "name": body.name, "role": body.role, "token": token}}

    @app.delete("/api/tokens/{token_id}", dependencies=[admin, writer], summary="Revoke a token (admins)")
    def revoke_token(token_id: int, s: Store = Depends(store)) -> dict[str, Any]:
        if not s.revoke_token(token_id):
            raise HTTPException(404, f"no live token {token_id}")
        return {"ok": True, "item": {"id": token_id, "revoked": True}}

    @app.get("/api/settings", dependencies=[admin], summary="The server's effective settings (admins)")
    def settings_view() -> dict[str, Any]:
        """Each setting with its value (a database URL's password hidden) and what it does. Settings are
        changed in wirewatch.toml or WIREWATCH_* variables, then the server restarted."""
        return {"ok": True, "items": effective_settings(settings), "next": None}

    @app.get("/api/corrections", dependencies=[reader], summary="The corrections: the audit log")
    def corrections_log(
        target: str | None = None, limit: int = Limit, cursor: str | None = Cursor, s: Store = Depends(store)
    ) -> dict[str, Any]:
        return page(lambda n: s.corrections(targets=[target] if target else None)[:n], limit, cursor)

    @app.post(
        "/api/ingest",
        dependencies=[analyst, writer, Depends(rate_limited)],
        summary="Analyse and store one text (analysts; 30 a minute)",
    )
    def ingest(body: IngestText, s: Store = Depends(store)) -> dict[str, Any]:
        from wirewatch.pipeline import analyze_batch
        from wirewatch.records import RawDocument

        data = body.text.encode("utf-8")
        if len(data) > MAX_INGEST_BYTES:
            raise HTTPException(413, f"the text is {len(data):,} bytes; at most {MAX_INGEST_BYTES:,}")
        raw = RawDocument(
            name=body.url or "api", data=data, kind="text", url=body.url, title=body.title,
            published=body.published, outlet=body.outlet,
        )  # fmt: skip
        (result,) = analyze_batch([raw], settings)
        if isinstance(result, WirewatchError):
            raise HTTPException(422, str(result))
        run_id = s.start_run("api ingest", dict(result.producer), {})
        outcome = s.save_analysis(result, raw, run_id)
        s.finish_run(run_id, {outcome: 1})
        return {"ok": True, "item": {"id": result.article.id, "result": outcome}}

    from wirewatch.serve.web import mount_web

    mount_web(app, settings, store, reader=reader, analyst=analyst, admin=admin, rate_limited=rate_limited)
    return app
