"""Schema migrations, run programmatically on a relos Database."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from relos.kit.db import Base, Database
from relos.registry import import_models


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


def model_drift(db: Database) -> list[Any]:
    """Differences between the models and the migrated schema; empty when they agree."""
    import_models()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs: list[Any] = compare_metadata(context, Base.metadata)
    return diffs
