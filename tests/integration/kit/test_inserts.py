"""Several tables' rows in one statement (PostgreSQL) or one insert each (SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import JSON, Column, ForeignKey, Integer, MetaData, String, Table, event, select
from sqlalchemy.exc import IntegrityError

from relos.kit.db import Database
from relos.kit.errors import InvalidInput
from relos.kit.inserts import insert_rows
from relos.kit.types import UTCDateTime

META = MetaData()
PARENTS = Table(
    "test_insert_parents",
    META,
    Column("id", String(10), primary_key=True),
    Column("end", UTCDateTime),  # a reserved word, quoted
    Column("detail", JSON),
)
CHILDREN = Table(
    "test_insert_children",
    META,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("parent_id", ForeignKey("test_insert_parents.id")),
    Column("position", Integer),
)
WHEN = datetime(2027, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def tables(database: Database) -> Any:
    with database.engine.begin() as conn:
        META.create_all(conn)
    yield
    with database.engine.begin() as conn:
        META.drop_all(conn)


def _children(parent: str, count: int) -> list[dict[str, Any]]:
    return [{"parent_id": parent, "position": n} for n in range(count)]


def test_a_parent_and_its_children_are_written_in_one_statement_on_postgresql(
    database: Database, tables: None
) -> None:
    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", note)
    with database.transaction() as session:
        parent = {"id": "p1", "end": WHEN, "detail": {"a": [1, "x"]}}
        insert_rows(session.connection(), [(PARENTS, [parent]), (CHILDREN, _children("p1", 3))])
    event.remove(database.engine, "before_cursor_execute", note)
    inserts = [s for s in statements if "INSERT" in s]
    assert len(inserts) == (2 if database.sqlite else 1)
    with database.transaction(write=False) as session:
        row = session.execute(select(PARENTS)).one()
        assert (row.id, row.end, row.detail) == ("p1", WHEN, {"a": [1, "x"]})
        positions = session.scalars(select(CHILDREN.c.position).order_by(CHILDREN.c.id))
        assert list(positions) == [0, 1, 2]


def test_a_child_without_its_parent_is_refused(database: Database, tables: None) -> None:
    with pytest.raises(IntegrityError), database.transaction() as session:
        insert_rows(session.connection(), [(CHILDREN, _children("nobody", 1))])


def test_a_string_too_long_is_refused_before_anything_is_written(
    database: Database, tables: None
) -> None:
    with pytest.raises(InvalidInput, match="id: at most 10"), database.transaction() as session:
        insert_rows(
            session.connection(), [(PARENTS, [{"id": "x" * 11, "end": WHEN, "detail": {}}])]
        )
