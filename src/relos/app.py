"""The composition root: builds the ASGI app from settings. Nothing is built at import time."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.telemetry import TelemetryConfig
from starlette.types import ASGIApp

from relos import __version__
from relos.access.service import authenticate_token
from relos.kit.db import Database
from relos.kit.errors import Forbidden
from relos.kit.guard import RequestGuard
from relos.kit.problems import install as problems_install
from relos.kit.security import install as security_install
from relos.kit.settings import Settings
from relos.kit.turns import ChangesFirst
from relos.kit.web import Caller
from relos.registry import parts

API_PREFIX = "/api/v1"
METRICS_ROLES = frozenset({"admin", "auditor"})
# FastAPI's own OpenTelemetry spans, metrics and logs, off: relos has its metrics (/metrics)
# and its logs, and nothing about a request leaves the node because a provider or exporter
# was configured in its environment (FASTAPI_OTEL_AUTO_CONFIGURE and the like).
NO_TELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}


def _include_api(app: FastAPI, expected_heads: set[str]) -> None:
    """The API's routes under /api/v1: the meta routes, then each feature's router.

    Each router is included in the app itself, not in one /api/v1 router: FastAPI matches
    a request against every level of included routers twice (to select, then to handle),
    so a level less is that much less work on every request.
    """
    from relos.ops import ready

    meta = APIRouter()

    @meta.get("/health", tags=["meta"])
    async def health() -> dict[str, str]:
        """The process answers (liveness); says nothing about the database: see /ready."""
        # async: the event loop answers it even while every request thread is busy.
        return {"status": "ok"}

    @meta.get(
        "/ready",
        tags=["meta"],
        responses={503: {"description": "Database unreachable or migrations not current"}},
    )
    def readiness(request: Request) -> JSONResponse:
        """200 when the database answers and its schema is current, else 503 (for a balancer)."""
        verdict = ready.check(request.app.state.db, expected_heads)
        return JSONResponse(verdict.to_dict(), status_code=200 if verdict.ready else 503)

    app.include_router(meta, prefix=API_PREFIX)
    for _feature, module in parts("api"):
        app.include_router(module.router, prefix=API_PREFIX)


def _metrics_router() -> APIRouter:
    from relos.ops import metrics

    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    def prometheus(request: Request, caller: Caller) -> Response:
        """Prometheus text format, for an admin's or auditor's token."""
        if not caller.roles & METRICS_ROLES:
            raise Forbidden("metrics are for the admin and auditor roles")
        body = metrics.exposition(request.app.state.db)
        return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")

    return router


def _guarded(app: FastAPI, settings: Settings, db: Database) -> Callable[[], ASGIApp]:
    from relos.ops.metrics import observer

    build = app.build_middleware_stack

    def build_with_guard() -> ASGIApp:
        return RequestGuard(
            build(),
            max_body_bytes=settings.max_body_bytes,
            max_json_depth=settings.max_json_depth,
            timeout_s=settings.request_timeout_s,
            observe=observer(db),
        )

    return build_with_guard


def bound_request_threads(threads: int) -> None:
    """At most `threads` sync routes (and sync dependencies) of this process run at once.

    FastAPI runs them in AnyIO's thread pool, whose limiter (40 by default) is per event
    loop: set here, inside the loop, at startup. Requests over the bound wait their turn on
    the event loop, holding no thread and no connection; under the GIL, fewer threads mean
    a thread holding a database lock gets the CPU back sooner. Waiting changes are served
    before waiting reads (relos.kit.turns).
    """
    try:
        # AnyIO keeps the loop's default limiter in a run variable of its asyncio backend
        # (tests/unit/kit/test_turns.py fails if an AnyIO release moves it).
        from anyio._backends._asyncio import _default_thread_limiter

        _default_thread_limiter.set(ChangesFirst(threads))  # type: ignore[arg-type]
    except ImportError:
        to_thread.current_default_thread_limiter().total_tokens = threads


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """An app bound to one database; the caller may pass an existing Database (tests)."""
    from relos.kit.migrate import script_heads

    settings = settings or Settings.from_env()
    database = db or Database(settings.database_url, settings.data_dir, settings.worker_threads)
    if database.data_dir is None:
        database.data_dir = settings.data_dir

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        bound_request_threads(settings.worker_threads)
        if db is None:  # a served app (tests pass their own db and load on demand)
            from relos.events import catalog
            from relos.ops.memory import keep_long_lived, tune_collector
            from relos.planning.service import load_in_background

            catalog.load()  # every feature's events, before the first request needs them
            tune_collector()
            keep_long_lived()
            load_in_background(then=keep_long_lived)
        yield
        if db is None:
            database.dispose()
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            # This worker's live gauges (the pool) leave the sums.
            multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]

    app = FastAPI(
        title="relos",
        version=__version__,
        description="Operates reciprocal military access and logistics agreements.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI would load scripts from a CDN; relos works offline.
        redoc_url=None,
        lifespan=lifespan,
        telemetry=NO_TELEMETRY,
    )
    app.state.db = database
    app.state.authenticate = authenticate_token
    app.state.settings = settings
    problems_install(app)
    security_install(app)
    # Outermost of all: the request id, limits and log line cover even the headers layer.
    app.build_middleware_stack = _guarded(app, settings, database)  # type: ignore[method-assign]
    _include_api(app, script_heads())
    app.include_router(_metrics_router())
    for _feature, module in parts("pages"):
        module.mount(app)
    return app


def create_served_app() -> FastAPI:
    """The factory `relos serve` hands to uvicorn (each worker process builds its own app)."""
    return create_app(Settings.from_env())
