"""Several tables' rows in one statement (PostgreSQL) or one insert each (SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    event,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError

from relos.kit.db import Database
from relos.kit.errors import InvalidInput
from relos.kit.inserts import BATCH, Batch, Upsert, insert_rows, write_rows
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
TOTALS = Table(
    "test_insert_totals",
    META,
    Column("key", String(10), primary_key=True),
    Column("amount", Integer),
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


def test_an_upsert_adds_to_the_row_it_meets_and_a_batch_waits_for_its_event(
    database: Database, tables: None
) -> None:
    """Upsert parts add to a stored total; rows handed to `write_rows` while a batch is
    open join it (nothing runs) and are written with it, in one statement on PostgreSQL
    however many parameters (the shape's third time goes through psycopg's cache)."""

    def totals(amounts: dict[str, int]) -> Upsert:
        rows = [{"key": key, "amount": amount} for key, amount in amounts.items()]
        return Upsert(TOTALS, rows, ("key",), ("amount",))

    with database.transaction() as session:
        write_rows(session, [totals({"a": 1, "b": 2})])
    many = {f"k{n}": n for n in range(30)}  # 60 parameters: more than psycopg caches
    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    for round_ in range(4):
        statements.clear()
        with database.transaction() as session:
            batch = Batch(event_id=round_)
            session.info[BATCH] = batch
            event.listen(database.engine, "before_cursor_execute", note)
            try:
                write_rows(session, [totals({"a": 10, "c": 5}), totals(many)])
                assert not [s for s in statements if "INSERT" in s]
            finally:
                del session.info[BATCH]
            insert_rows(session.connection(), batch.parts)
            event.remove(database.engine, "before_cursor_execute", note)
        assert len([s for s in statements if "INSERT" in s]) == (2 if database.sqlite else 1)
    with database.transaction(write=False) as session:
        stored = {
            key: amount for key, amount in session.execute(select(TOTALS.c.key, TOTALS.c.amount))
        }
    assert (stored["a"], stored["b"], stored["c"], stored["k29"]) == (41, 2, 20, 116)


def test_rows_beyond_one_statements_parameters_go_one_table_at_a_time(
    database: Database, tables: None
) -> None:
    """PostgreSQL numbers a statement's parameters in 16 bits: a batch with more (an import
    of thousands of postings) is written one executemany per table, upserts adding up."""
    parent = {"id": "p1", "end": WHEN, "detail": {}}
    children = _children("p1", 33_000)  # 66,000 parameters
    rows = [{"key": f"k{n}", "amount": 1} for n in range(100)]
    totals = Upsert(TOTALS, rows, ("key",), ("amount",))
    with database.transaction() as session:
        insert_rows(session.connection(), [(PARENTS, [parent]), (CHILDREN, children), totals])
    with database.transaction() as session:
        insert_rows(session.connection(), [(CHILDREN, children), totals])
    with database.transaction(write=False) as session:
        count = session.scalar(select(func.count()).select_from(CHILDREN))
        amounts = set(session.scalars(select(TOTALS.c.amount)))
    assert (count, amounts) == (66_000, {2})
