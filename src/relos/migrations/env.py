"""Alembic environment: runs on the connection relos hands it (see relos.kit.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from relos.kit.db import Base
from relos.registry import import_models

import_models()
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("relos migrations run through `relos db upgrade`, not the alembic CLI")
run_on(connection)
