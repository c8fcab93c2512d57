"""Mount the web UI on the app: sessions, static files, page routes and HTML error pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from relos.kit.errors import RelosError
from relos.web import security
from relos.web.i18n import locale_of, translations
from relos.web.problems import problem_lines
from relos.web.render import render
from relos.web.session import secret_key
from relos.web.views import (
    admin,
    agreements,
    audit,
    deployments,
    documents,
    finance,
    home,
    inbox,
    ledger,
    login,
    logistics,
    planner,
    sync,
)

STATIC = Path(__file__).resolve().parent / "static"
ROUTERS = (
    login.router,
    home.router,
    agreements.router,
    deployments.router,
    logistics.router,
    planner.router,
    audit.router,
    sync.router,
    inbox.router,
    ledger.router,
    documents.router,
    finance.router,
    admin.router,
)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/static/"))


def _install_error_pages(app: FastAPI) -> None:
    """Pages get HTML errors; the API keeps its problem+json (the original handlers)."""
    api_relos = app.exception_handlers[RelosError]
    api_http = app.exception_handlers[StarletteHTTPException]

    async def relos_error(request: Request, exc: Any) -> Response:
        if not _wants_html(request):
            return await api_relos(request, exc)  # type: ignore[no-any-return, misc]
        locale = locale_of(request)
        lines = problem_lines(exc, locale, translations(locale).gettext)
        return render(request, "error.html", {"status": exc.status, "lines": lines}, exc.status)

    async def http_error(request: Request, exc: Any) -> Response:
        if not _wants_html(request):
            return await api_http(request, exc)  # type: ignore[no-any-return, misc]
        status = exc.status_code
        # Starlette's own errors (no such page, wrong method) carry only an English phrase.
        lines = [str(exc.detail)] if locale_of(request) == "en" else []
        return render(request, "error.html", {"status": status, "lines": lines}, status)

    async def login_required(request: Request, exc: Any) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_path)}", status_code=303)

    app.add_exception_handler(RelosError, relos_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(security.LoginRequired, login_required)


def mount(app: FastAPI) -> None:
    """Called by the composition root (relos.app) for the `web` feature."""
    app.state.web_key = secret_key(app.state.settings.data_dir)
    security.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
    _install_error_pages(app)
