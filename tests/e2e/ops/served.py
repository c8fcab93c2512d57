"""A real `relos serve` process (one or several workers) on a given database, for ops tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(
    url: str, folder: Path, workers: int = 1, **env: str
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `relos serve` and wait until it answers; returns the process and its base URL."""
    port = free_port()
    # The data directory whose node key signed the test database's logs (tests/conftest.py):
    # a real node keeps its key, so the server signs and verifies with that one.
    data_dir = os.environ.get("RELOS_DATA_DIR", str(folder))
    environment = {**os.environ, "RELOS_DATABASE_URL": url, "RELOS_DATA_DIR": data_dir, **env}
    with (folder / f"serve-{port}.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "relos", "serve", "--port", str(port)]
            + (["--workers", str(workers)] if workers > 1 else []),
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers go down with it
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError((folder / f"serve-{port}.log").read_text())
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    stop(process)
    raise AssertionError("relos serve did not start")


def stop(process: subprocess.Popen[bytes], hard: bool = False) -> None:
    """SIGTERM (graceful) or SIGKILL to the server's whole process group."""
    try:
        os.killpg(process.pid, signal.SIGKILL if hard else signal.SIGTERM)
    except ProcessLookupError:
        return
    process.wait(timeout=60)


@contextmanager
def serving(url: str, folder: Path, workers: int = 1, **env: str) -> Iterator[str]:
    process, base = start(url, folder, workers, **env)
    try:
        yield base
    finally:
        stop(process)
