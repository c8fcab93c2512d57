"""Settings read from the environment, once, by the composition root (never at import time).

Every RELOS_* variable is listed in docs/operations.md ("Configuration reference").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from relos.kit.errors import InvalidInput


def default_data_dir() -> Path:
    """Where the embedded database lives: RELOS_DATA_DIR, else ./var under the working directory."""
    return Path(os.environ.get("RELOS_DATA_DIR", Path.cwd() / "var"))


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise InvalidInput(f"{name}: {raw!r} is not a number") from exc
    if value <= 0:
        raise InvalidInput(f"{name}: {raw!r} must be positive")
    return value


def _whole(name: str, default: int, most: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise InvalidInput(f"{name}: {raw!r} is not a whole number") from exc
    if not 1 <= value <= most:
        raise InvalidInput(f"{name}: {raw!r} must be between 1 and {most}")
    return value


# Requests one worker process works on at once (see worker_threads below): two, so that one
# slow request (a document, an import, a plan) never holds up a worker, and no more, since
# each further runnable thread lengthens every lock holder's turns on the interpreter
# (docs/operations.md "Threads per worker").
DEFAULT_WORKER_THREADS = 2
MOST_WORKER_THREADS = 256


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    secure_cookies: bool = False
    token_days: int = 30
    # Limits that keep one request from hurting the others.
    max_body_bytes: int = 2 * 1024 * 1024
    max_json_depth: int = 32
    request_timeout_s: float = 30.0
    # Addresses of reverse proxies whose X-Forwarded-For is believed (comma-separated);
    # empty means none, so a client cannot choose the address it is rate-limited by.
    trusted_proxies: str = ""
    shutdown_timeout_s: float = 20.0
    log_format: str = "json"
    # Requests one worker process runs at once in its thread pool, and so the connections
    # its database pool holds. Python runs one thread at a time: more threads than the
    # database can keep busy only take turns, and a thread holding a lock (a party's cap,
    # the signed log) waits for its turn behind all the others (docs/operations.md).
    worker_threads: int = DEFAULT_WORKER_THREADS

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from RELOS_* variables; an unset database means an SQLite file."""
        data_dir = default_data_dir()
        url = os.environ.get("RELOS_DATABASE_URL") or f"sqlite:///{data_dir / 'relos.db'}"
        log_format = os.environ.get("RELOS_LOG_FORMAT", "json")
        if log_format not in ("json", "text"):
            raise InvalidInput(f"RELOS_LOG_FORMAT: {log_format!r} is not json or text")
        return cls(
            database_url=url,
            data_dir=data_dir,
            secure_cookies=os.environ.get("RELOS_SECURE_COOKIES", "0") == "1",
            token_days=int(_number("RELOS_TOKEN_DAYS", 30)),
            max_body_bytes=int(_number("RELOS_MAX_BODY_BYTES", 2 * 1024 * 1024)),
            max_json_depth=int(_number("RELOS_MAX_JSON_DEPTH", 32)),
            request_timeout_s=_number("RELOS_REQUEST_TIMEOUT", 30.0),
            trusted_proxies=os.environ.get("RELOS_TRUSTED_PROXIES", "").strip(),
            shutdown_timeout_s=_number("RELOS_SHUTDOWN_TIMEOUT", 20.0),
            log_format=log_format,
            worker_threads=_whole(
                "RELOS_WORKER_THREADS", DEFAULT_WORKER_THREADS, MOST_WORKER_THREADS
            ),
        )
