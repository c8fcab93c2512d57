"""Log in, log out and choose the language."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from relos.access import service as access
from relos.access.domain import Principal
from relos.kit.db import Database
from relos.kit.errors import TooManyRequests, Unauthenticated
from relos.web.i18n import LANG_COOKIE, LOCALES
from relos.web.render import render
from relos.web.security import check_csrf, web_session
from relos.web.session import WebSession

router = APIRouter()


def local_path(target: str | None) -> str:
    """Only same-site paths are followed after login (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _authenticate(db: Database, name: str, password: str, client: str) -> Principal:
    # The access feature may offer a rate-limited login(); use it when it is there.
    login: Any = getattr(access, "login", None)
    with db.transaction() as session:
        if login is not None:
            principal: Principal = login(session, name, password, client)
            return principal
        return access.authenticate_password(session, name, password)


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    if getattr(request.state, "web_user", None) is not None:
        return RedirectResponse(local_path(next), status_code=303)
    return render(request, "login.html", {"next": local_path(next)})


@router.post("/login")
async def log_in(
    request: Request,
    name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    check_csrf(request, csrf)
    client = request.client.host if request.client else "unknown"
    try:
        user = await run_in_threadpool(_authenticate, request.app.state.db, name, password, client)
    except (Unauthenticated, TooManyRequests) as exc:
        kind = "throttled" if isinstance(exc, TooManyRequests) else "bad"
        context = {"next": local_path(next), "name": name, "error": True, "error_kind": kind}
        return render(request, "login.html", context, status=exc.status)
    request.state.web_session_out = web_session(request).logged_in(user.user_id)
    return RedirectResponse(local_path(next), status_code=303)


@router.post("/logout")
def log_out(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    request.state.web_session_out = WebSession.anonymous()
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{code}")
def choose_language(request: Request, code: str, next: str = "/") -> Response:
    """Remember the reader's language (a preference, not a security decision)."""
    response = RedirectResponse(local_path(next), status_code=303)
    if code in LOCALES:
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=365 * 86400,
            samesite="lax",
            httponly=True,
            secure=request.app.state.settings.secure_cookies,
        )
    return response
