"""Readiness: is the database reachable, and is its schema the one this code expects?"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from relos.kit.db import Database


@dataclass(frozen=True)
class Readiness:
    database: str  # "ok" or "unreachable"
    migrations: str  # "current", "behind" or "unknown"

    @property
    def ready(self) -> bool:
        return self.database == "ok" and self.migrations == "current"

    def to_dict(self) -> dict[str, str]:
        return {
            "status": "ready" if self.ready else "not ready",
            "database": self.database,
            "migrations": self.migrations,
        }


def check(db: Database, expected_heads: set[str]) -> Readiness:
    """One short read: the heads recorded by Alembic against the heads this code ships."""
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            heads = set(rows)
    except Exception:
        # Either the server is gone or the schema was never created.
        try:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            return Readiness("unreachable", "unknown")
        return Readiness("ok", "behind")
    return Readiness("ok", "current" if heads == expected_heads else "behind")
