"""Settings read from the environment, once, by the composition root (never at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_data_dir() -> Path:
    """Where the embedded database lives: RELOS_DATA_DIR, else ./var under the working directory."""
    return Path(os.environ.get("RELOS_DATA_DIR", Path.cwd() / "var"))


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    secure_cookies: bool = False
    token_days: int = 30

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from RELOS_* variables; an unset database means an SQLite file."""
        data_dir = default_data_dir()
        url = os.environ.get("RELOS_DATABASE_URL") or f"sqlite:///{data_dir / 'relos.db'}"
        return cls(
            database_url=url,
            data_dir=data_dir,
            secure_cookies=os.environ.get("RELOS_SECURE_COOKIES", "0") == "1",
            token_days=int(os.environ.get("RELOS_TOKEN_DAYS", "30")),
        )
