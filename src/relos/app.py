"""The composition root: builds the ASGI app from settings. Nothing is built at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from relos import __version__
from relos.access.service import authenticate_token
from relos.kit.db import Database
from relos.kit.problems import install as problems_install
from relos.kit.security import install as security_install
from relos.kit.settings import Settings
from relos.registry import parts

API_PREFIX = "/api/v1"


def _api_router() -> APIRouter:
    api = APIRouter(prefix=API_PREFIX)

    @api.get("/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    for _feature, module in parts("api"):
        api.include_router(module.router)
    return api


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """An app bound to one database; the caller may pass an existing Database (tests)."""
    settings = settings or Settings.from_env()
    database = db or Database(settings.database_url, settings.data_dir)
    if database.data_dir is None:
        database.data_dir = settings.data_dir

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if db is None:
            database.dispose()

    app = FastAPI(
        title="relos",
        version=__version__,
        description="Operates reciprocal military access and logistics agreements.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI would load scripts from a CDN; relos works offline.
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.db = database
    app.state.authenticate = authenticate_token
    app.state.settings = settings
    problems_install(app)
    security_install(app)
    app.include_router(_api_router())
    for _feature, module in parts("pages"):
        module.mount(app)
    return app
