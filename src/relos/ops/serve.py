"""`relos serve`: one or several worker processes behind one socket, run by uvicorn.

Everything the workers must share lives in the database (login limits, idempotency keys,
web sessions, the records themselves); each worker builds its own app and engine from the
environment. Prometheus samples are shared through files in PROMETHEUS_MULTIPROC_DIR, which
is set here before anything imports prometheus_client.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import tempfile

import typer
from sqlalchemy.engine import make_url

from relos import __version__


def safe_url(url: str) -> str:
    """A database URL fit to print: the password, if any, replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparsable database URL)"


def _metrics_dir() -> None:
    """A fresh folder for the workers' metric files (an operator's own is kept, emptied)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)
        return
    folder = tempfile.mkdtemp(prefix="relos-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    atexit.register(shutil.rmtree, folder, True)


def fast_or(module: str, fast: str, fallback: str) -> str:
    """uvicorn's fast implementation when its module is installed (a dependency of relos,
    but uvloop has no Windows build), else the pure-Python one."""
    return fast if importlib.util.find_spec(module) is not None else fallback


def run(host: str, port: int, workers: int, demo: bool, threads: int | None = None) -> None:
    import uvicorn

    from relos.kit.settings import Settings

    if threads is not None:
        # The workers build their settings from the environment they inherit.
        os.environ["RELOS_WORKER_THREADS"] = str(threads)
    settings = Settings.from_env()
    _metrics_dir()
    from relos.ops.logs import configure

    log_config = configure(settings.log_format)
    if demo:
        from relos.access.demo import DEMO_PASSWORD, demo_users
        from relos.kit.clikit import database
        from relos.lifecycle import load_demo, upgrade_database

        upgrade_database(database())
        load_demo(database())
        database().dispose()
        typer.echo("Demo logins (password: " + DEMO_PASSWORD + "):")
        for name, party, role in demo_users():
            typer.echo(f"  {name:<18} {party}  {role}")
    typer.echo(
        f"relos {__version__} listening on http://{host}:{port}/  (API: /api/v1, "
        f"database: {safe_url(settings.database_url)}, workers: {workers}, "
        f"threads per worker: {settings.worker_threads})"
    )
    proxies = settings.trusted_proxies
    uvicorn.run(
        "relos.app:create_served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=fast_or("httptools", "httptools", "h11"),
        loop=fast_or("uvloop", "uvloop", "asyncio"),
        log_config=log_config,
        access_log=False,
        # Only the configured proxies may say who the client is (X-Forwarded-For).
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or "",
        server_header=False,
        timeout_graceful_shutdown=int(settings.shutdown_timeout_s),
        timeout_keep_alive=15,
    )
