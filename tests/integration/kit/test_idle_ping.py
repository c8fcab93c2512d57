"""PostgreSQL pool: a connection that sat idle is pinged and, if dead, replaced unseen.

A busy connection (returned moments ago) is handed out without a ping; these tests kill the
server side of a pooled connection with pg_terminate_backend, as a server restart would.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from relos.kit import db as kit_db
from relos.kit.db import Database


@pytest.fixture
def database(postgres_database: Database) -> Database:
    return postgres_database  # the pool's ping is for PostgreSQL connections


@pytest.fixture
def pg(database: Database) -> Iterator[Engine]:
    engine = kit_db.make_engine(database.url, threads=1)
    yield engine
    engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        pid: int = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    return pid


def _terminate(database: Database, pid: int) -> None:
    with database.engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        conn.commit()


def test_a_dead_idle_connection_is_replaced_before_use(
    pg: Engine, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _backend_pid(pg)
    _terminate(database, first)
    monkeypatch.setattr(kit_db, "IDLE_BEFORE_PING_S", 0.0)  # the pooled one is now "idle"
    second = _backend_pid(pg)  # no error: the ping found it dead and the pool reconnected
    assert second != first


def test_a_connection_returned_moments_ago_is_not_pinged(
    pg: Engine, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kit_db, "IDLE_BEFORE_PING_S", 3600.0)
    first = _backend_pid(pg)
    _terminate(database, first)
    # Not pinged: its first statement meets the dead connection (what a ping would cost on
    # every checkout under load is saved; a restart mid-load fails the requests in flight).
    with pytest.raises(OperationalError), pg.connect() as conn:
        conn.execute(text("SELECT 1"))
    # SQLAlchemy invalidated it: the next checkout gets a live connection.
    assert _backend_pid(pg) != first
