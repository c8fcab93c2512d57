"""`relos serve --demo` as a user starts it: a real server process on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, dict[str, str]]]:
    folder: Path = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "RELOS_DATA_DIR": str(folder)}
    env.pop("RELOS_DATABASE_URL", None)
    port = _free_port()
    log = folder / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "relos", "serve", "--demo", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.3)
            else:
                pytest.fail(f"server did not start: {log.read_text()}")
            yield base, log.read_text(), env
        finally:
            process.terminate()
            process.wait(timeout=30)


Served = tuple[str, str, dict[str, str]]


def test_prints_where_it_listens_and_the_demo_logins(served: Served) -> None:
    base, output, _ = served
    assert f"listening on {base}/" in output
    assert "in-planner" in output and "ru-host-liaison" in output


def test_a_demo_user_gets_a_token_from_the_cli_and_reads_the_api(served: Served) -> None:
    base, _, env = served
    assert httpx.get(f"{base}/api/v1/agreements").status_code == 401
    created = subprocess.run(
        [sys.executable, "-m", "relos", "token", "create", "ru-viewer"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    headers = {"Authorization": f"Bearer {created.stdout.strip()}"}
    agreements = httpx.get(f"{base}/api/v1/agreements", headers=headers).json()
    assert [a["id"] for a in agreements] == ["in-ru-relos"]
