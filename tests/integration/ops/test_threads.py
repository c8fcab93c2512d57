"""The request thread bound: RELOS_WORKER_THREADS / `relos serve --threads` limits the sync
routes a worker runs at once, and its database pool is sized to match."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx
import pytest

from relos.app import create_app
from relos.kit.db import Database
from relos.kit.errors import InvalidInput
from relos.kit.settings import DEFAULT_WORKER_THREADS, Settings
from relos.kit.turns import COMPUTATIONS


def test_the_bound_is_read_from_the_environment_and_nonsense_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RELOS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RELOS_WORKER_THREADS", raising=False)
    assert Settings.from_env().worker_threads == DEFAULT_WORKER_THREADS
    monkeypatch.setenv("RELOS_WORKER_THREADS", "12")
    assert Settings.from_env().worker_threads == 12
    for bad, why in (
        ("lots", "is not a whole number"),
        ("2.5", "is not a whole number"),
        ("0", "must be between 1 and 256"),
        ("-3", "must be between 1 and 256"),
        ("100000", "must be between 1 and 256"),
    ):
        monkeypatch.setenv("RELOS_WORKER_THREADS", bad)
        with pytest.raises(InvalidInput) as refused:
            Settings.from_env()
        message = refused.value.detail
        assert message.startswith("RELOS_WORKER_THREADS: ") and why in message, message
        assert "\n" not in message


def test_a_served_worker_runs_at_most_its_threads_at_once(
    sqlite_database: Database, tmp_path: Path
) -> None:
    settings = Settings(database_url=sqlite_database.url, data_dir=tmp_path, worker_threads=3)
    app = create_app(settings, sqlite_database)
    lock = threading.Lock()
    running = [0, 0]  # now, most

    @app.get("/probe/busy")
    def busy() -> dict[str, int]:
        with lock:
            running[0] += 1
            running[1] = max(running)
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return {}

    async def burst() -> list[int]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://relos") as http:
                answers = await asyncio.gather(*(http.get("/probe/busy") for _ in range(12)))
                health = await http.get("/api/v1/health")
        return [a.status_code for a in answers] + [health.status_code]

    assert asyncio.run(burst()) == [200] * 13
    assert running[1] == 3, "more threads than the bound ran, or the bound was never reached"


@pytest.mark.parametrize("threads", [1, 6])
def test_the_database_pool_matches_the_threads(database: Database, threads: int) -> None:
    served = Database(database.url, database.data_dir, threads)
    try:
        pool = served.engine.pool
        assert pool.size() == threads  # type: ignore[attr-defined]
        assert pool._max_overflow == threads  # type: ignore[attr-defined]
    finally:
        served.dispose()


def test_the_posts_served_as_reads_are_routes_of_the_app(
    sqlite_database: Database, tmp_path: Path
) -> None:
    """relos.kit.turns names them by path: a renamed route must not silently become a change."""
    settings = Settings(database_url=sqlite_database.url, data_dir=tmp_path)
    paths = create_app(settings, sqlite_database).openapi()["paths"]
    assert COMPUTATIONS, "validation and plans are served as reads"
    for path in COMPUTATIONS:
        assert "post" in paths.get(path, {}), f"{path} is not a POST route of the app"
