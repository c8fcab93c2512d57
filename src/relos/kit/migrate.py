"""Schema migrations, run programmatically on a relos Database."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from relos.kit.db import Database


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "relos:migrations")
    return config


def upgrade(db: Database) -> None:
    """Bring the database to every head revision (each feature has its own branch)."""
    with db.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")


def includes(heads: set[str], revision: str) -> bool:
    """Whether a database at `heads` has had `revision` applied (it is one of their ancestors)."""
    if not heads:
        return False
    script = ScriptDirectory.from_config(alembic_config())
    return any(r.revision == revision for r in script.iterate_revisions(tuple(heads), "base"))


def current_heads(db: Database) -> set[str]:
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def script_heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())
