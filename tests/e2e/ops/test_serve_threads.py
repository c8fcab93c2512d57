"""`relos serve --threads`: applied by every worker and printed; nonsense refused in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.ops.served import free_port, start, stop


def serve(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "RELOS_DATA_DIR": str(tmp_path), **env}
    environment.pop("RELOS_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "relos", "serve", "--port", str(free_port()), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_bad_thread_count_is_one_line_and_nothing_starts(tmp_path: Path) -> None:
    refused = serve(tmp_path, RELOS_WORKER_THREADS="lots")
    assert refused.returncode == 1
    assert refused.stderr == "relos: error: RELOS_WORKER_THREADS: 'lots' is not a whole number\n"
    assert "listening" not in refused.stdout
    too_few = serve(tmp_path, "--threads", "0")
    assert too_few.returncode != 0 and "Traceback" not in too_few.stderr
    assert "listening" not in too_few.stdout


def test_the_workers_serve_with_the_threads_asked_for(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'relos.db'}"
    subprocess.run(
        [sys.executable, "-m", "relos", "db", "upgrade"],
        env={**os.environ, "RELOS_DATA_DIR": str(tmp_path), "RELOS_DATABASE_URL": url},
        capture_output=True,
        check=True,
        timeout=300,
    )
    process, _ = start(url, tmp_path, workers=2, RELOS_WORKER_THREADS="3")
    stop(process)
    (log,) = tmp_path.glob("serve-*.log")
    assert "workers: 2, threads per worker: 3)" in log.read_text()
