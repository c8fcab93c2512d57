"""The console script as a user runs it: a real process, its own environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def relos(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `relos ARGS...` (as `python -m relos`) and capture what it prints."""
    return subprocess.run(
        [sys.executable, "-m", "relos", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def cli_env(folder: Path, **extra: str) -> dict[str, str]:
    """An environment whose default SQLite database lives in `folder`."""
    environment = {**os.environ, "RELOS_DATA_DIR": str(folder), **extra}
    environment.pop("RELOS_DATABASE_URL", None)
    return environment
