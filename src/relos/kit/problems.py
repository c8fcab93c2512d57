"""RFC 9457 problem+json: the one place where errors become HTTP responses."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, StatementError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from relos.kit.errors import PROBLEM_TYPE_BASE, RelosError

log = logging.getLogger("relos")


def problem(status: int, title: str, detail: str, slug: str, **extra: Any) -> JSONResponse:
    from relos.kit.guard import request_id

    body = {"type": PROBLEM_TYPE_BASE + slug, "title": title, "status": status, "detail": detail}
    body.update(extra)
    rid = request_id()
    if rid is not None:
        body["request_id"] = rid
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def _field_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if part not in ("body",)) or "body"


def install(app: FastAPI) -> None:
    """Map domain errors, validation errors and framework errors to problem+json."""

    @app.exception_handler(RelosError)
    async def _relos(_: Request, exc: RelosError) -> JSONResponse:
        return problem(exc.status, exc.title, exc.detail, exc.slug, **exc.extensions())

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        from relos.kit.web import check_claim  # (kit.web imports the database layer)

        try:  # who is asking comes first: a bad token is 401 whatever else is wrong
            await run_in_threadpool(check_claim, request)
        except RelosError as refused:
            return await _relos(request, refused)
        errors = [
            {"field": _field_path(tuple(e.get("loc", ()))), "message": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem(422, "Invalid input", detail, "invalid-input", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), str(exc.detail), f"http-{exc.status_code}")

    @app.exception_handler(OverflowError)
    async def _overflow(_: Request, exc: OverflowError) -> JSONResponse:
        # Only dates and times near year 1 or 9999 overflow in relos (an offset or a
        # duration carrying them out of range): the caller's input, not a bug.
        log.warning("date out of range: %s", exc)
        detail = "a date or time is outside the supported range (years 0001 to 9999)"
        return problem(422, "Invalid input", detail, "invalid-input")

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> JSONResponse:
        # The database refused a value (too long, NUL, out of range) that slipped past the
        # checks before the flush, e.g. a bulk insert: the caller's input, answered as such.
        reason = str(exc.orig).splitlines()[0] if exc.orig else "value refused"
        return problem(422, "Invalid input", f"database refused a value: {reason}", "invalid-input")

    @app.exception_handler(StatementError)
    async def _statement(request: Request, exc: StatementError) -> JSONResponse:
        if isinstance(exc.orig, RelosError):  # raised by a hook before the statement ran
            return await _relos(request, exc.orig)
        return await _bug(request, exc)

    @app.exception_handler(Exception)
    async def _bug(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem(500, "Internal error", "An internal error occurred.", "internal")
