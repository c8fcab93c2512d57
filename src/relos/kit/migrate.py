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


def current_heads(db: Database) -> set[str]:
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def script_heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())
