"""UI sessions and CSRF protection for ``wirewatch serve``.

A browser logs in once with an API token (``/login``); the session then remembers the token's id (never the
token), in a signed cookie that is ``HttpOnly``, ``SameSite=Strict`` and, behind TLS, ``Secure``. Every
session carries a random CSRF token: each form posts it in a hidden ``csrf`` field, and the page script sends
it as ``X-CSRF-Token`` with every write. A request authenticated by ``Authorization: Bearer`` needs none (a
browser never sends that header on its own).
"""

from __future__ import annotations

import hmac
import os
import secrets

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

__all__ = ["CSRF_HEADER", "SESSION_COOKIE", "check_csrf", "csrf_token", "install_sessions", "safe_next"]

SESSION_COOKIE = "wirewatch_session"
CSRF_HEADER = "x-csrf-token"
SESSION_HOURS = 12
SECRET_ENV = "WIREWATCH_SESSION_SECRET"
"""Sign sessions with this secret (so that they outlive a restart, or are shared by several servers); without
it each server start draws a new one and logs everybody out."""


def install_sessions(app: FastAPI, *, https_only: bool = False) -> None:
    secret = os.environ.get(SECRET_ENV) or secrets.token_urlsafe(32)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_HOURS * 3600,
        same_site="strict",
        https_only=https_only,
    )


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, sent: str | None) -> None:
    """Refuse (403) a write from a browser whose CSRF token is missing or wrong. Writes with a bearer token
    are not a browser's; a request with neither a session cookie nor an ``Origin`` is a script's (curl), which
    a page on another site cannot make."""
    if request.headers.get("authorization"):
        return
    if SESSION_COOKIE not in request.cookies and "origin" not in request.headers:
        return
    want = request.session.get("csrf")
    if not isinstance(want, str) or not sent or not hmac.compare_digest(sent, want):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this site only (never ``//host`` or a URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
