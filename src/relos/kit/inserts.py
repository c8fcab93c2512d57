"""Several tables' new rows as one PostgreSQL statement: one round trip for a projection.

A projector that writes a record and its parts (a deployment, its elements and its history
row; an order and its lines) would make a round trip per table, under the log's lock. On
PostgreSQL the INSERTs go in WITH clauses of one statement instead; foreign keys are checked
at the end of the statement, when the parent row is there. The statement is text with typed
parameters, built once per shape: SQLAlchemy does not cache the compiled form of a Core
INSERT with INSERT clauses in WITH, and compiling it on every write cost more than the round
trips it saved. SQLite (in process, no such clauses) runs one Core insert per table.

`relos.events.record` goes one step further on PostgreSQL: while it appends an event it
opens a `Batch` on the session, seeded with the event's own row; a projector's
`write_rows` and the signed log's leaf join it instead of running, and `record` writes it
all as one statement (the event, its projection and its leaf commit or fail together).
A part may carry an ON CONFLICT clause (the ledger's running totals are upserts). A batch
with more values than one statement may carry (65,535 parameters: an import of thousands
of postings) is written one executemany per table instead, still in the event's
transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import _queries
from sqlalchemy import Connection, Table, TextClause, bindparam, insert, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from relos.kit.db import check_values, connection_of

Rows = tuple[Table, Sequence[Mapping[str, Any]]]


@dataclass(frozen=True)
class Upsert:
    """Rows whose key may be taken already: each such row adds its `adding` columns to the
    stored row's instead (a running total), as INSERT ... ON CONFLICT DO UPDATE."""

    table: Table
    rows: Sequence[Mapping[str, Any]]
    key: tuple[str, ...]
    adding: tuple[str, ...]


Part = Rows | Upsert


@dataclass
class Batch:
    """What one event's append writes on PostgreSQL, gathered to be one statement."""

    event_id: int
    parts: list[Part] = field(default_factory=list)


BATCH = "relos.inserts.batch"


def write_rows(session: Session, parts: Sequence[Part]) -> None:
    """`insert_rows` on the session's connection, or, while `record` gathers an event's
    rows (PostgreSQL), added to its batch to be written with the event."""
    batch: Batch | None = session.info.get(BATCH)
    if batch is not None:
        batch.parts.extend(parts)
        return
    insert_rows(connection_of(session), parts)


def batch_for(session: Session, event_id: int) -> Batch | None:
    """The batch gathering event `event_id`'s rows, if one is open for it."""
    batch: Batch | None = session.info.get(BATCH)
    return batch if batch is not None and batch.event_id == event_id else None


def _rows(part: Part) -> Rows:
    return (part.table, part.rows) if isinstance(part, Upsert) else part


def insert_rows(connection: Connection, parts: Sequence[Part]) -> None:
    """Insert each table's rows, in the order given (parents first); every row of a table
    has the same keys. Strings are checked as a flush would (`check_values`)."""
    parts = [part for part in parts if _rows(part)[1]]
    for part in parts:
        table, rows = _rows(part)
        for row in rows:
            check_values(table, row)
    postgresql = connection.dialect.name == "postgresql"
    if not postgresql or _parameters(parts) > _MAX_PARAMETERS:
        # SQLite (no INSERT in WITH), or more values than one PostgreSQL statement may
        # carry (an import of thousands of postings): one executemany per table.
        for part in parts:
            table, rows = _rows(part)
            statement = _upsert(part, postgresql) if isinstance(part, Upsert) else insert(table)
            connection.execute(statement, rows[0] if len(rows) == 1 else list(rows))
        return
    shape = tuple(_shape(part) for part in parts)
    params = {
        _name(t, n, key): value
        for t, part in enumerate(parts)
        for n, row in enumerate(_rows(part)[1])
        for key, value in row.items()
    }
    statement = _statement(shape)
    _SEEN[shape] = seen = _SEEN.get(shape, 0) + 1
    if len(params) <= _queries.MAX_CACHED_STATEMENT_PARAMS or seen < _CACHED_AFTER:
        connection.execute(statement, params)
        return
    # psycopg parses a statement of more than 50 parameters afresh on every execution
    # (about 0.35 ms for an event's batch of ~90). An event's append comes in a few common
    # shapes (rows per table), so once a shape has come back it goes through psycopg's
    # cache of parsed statements; a rare shape is parsed each time and leaves that cache
    # (128 statements, shared with every other) to the common ones.
    driver = connection.connection.dbapi_connection
    assert isinstance(driver, psycopg.Connection)
    factory = driver.cursor_factory
    driver.cursor_factory = _ShapeCursor
    try:
        connection.execute(statement, params)
    finally:
        driver.cursor_factory = factory


class _ShapeQuery(_queries.PostgresQuery):
    """psycopg's query conversion, always through its cache (whatever the parameters)."""

    def convert(self, query: Any, vars: Any) -> None:
        if vars is None or not isinstance(query, str | bytes):
            super().convert(query, vars)
            return
        data = query.encode(self._tx.encoding) if isinstance(query, str) else query
        converted = _queries._query2pg(data, self._tx.encoding)
        self.query, self._want_formats, self._order, self._parts = converted
        self.dump(vars)


class _ShapeCursor(psycopg.Cursor[Any]):
    _query_cls = _ShapeQuery


# PostgreSQL's wire protocol numbers a statement's parameters in 16 bits.
_MAX_PARAMETERS = 65_535


def _parameters(parts: Sequence[Part]) -> int:
    return sum(len(rows) * len(rows[0]) for _, rows in map(_rows, parts))


def _upsert(part: Upsert, postgresql: bool) -> Any:
    statement = (pg_insert if postgresql else sqlite_insert)(part.table)
    return statement.on_conflict_do_update(
        index_elements=list(part.key),
        set_={name: part.table.c[name] + statement.excluded[name] for name in part.adding},
    )


def _name(table: int, row: int, key: str) -> str:
    return f"t{table}r{row}_{key}"


Conflict = tuple[tuple[str, ...], tuple[str, ...]] | None
Shape = tuple[tuple[Table, tuple[str, ...], int, Conflict], ...]


def _shape(part: Part) -> tuple[Table, tuple[str, ...], int, Conflict]:
    table, rows = _rows(part)
    conflict = (part.key, part.adding) if isinstance(part, Upsert) else None
    return table, tuple(rows[0]), len(rows), conflict


_SEEN: dict[Shape, int] = {}
_CACHED_AFTER = 3


@functools.lru_cache(maxsize=1024)
def _statement(shape: Shape) -> TextClause:
    inserts, binds = [], []
    for t, (table, keys, count, conflict) in enumerate(shape):
        # Only quoted column names and placeholders are interpolated; values are parameters.
        columns = ", ".join(f'"{key}"' for key in keys)
        rows = ", ".join(
            "(" + ", ".join(f":{_name(t, n, key)}" for key in keys) + ")" for n in range(count)
        )
        sql = f'INSERT INTO "{table.name}" ({columns}) VALUES {rows}'  # noqa: S608
        if conflict is not None:
            key, adding = conflict
            sums = ", ".join(f'"{c}" = "{table.name}"."{c}" + excluded."{c}"' for c in adding)
            names = ", ".join(f'"{c}"' for c in key)
            sql += f" ON CONFLICT ({names}) DO UPDATE SET {sums}"
        inserts.append(sql)
        binds += [
            bindparam(_name(t, n, key), type_=table.c[key].type)
            for n in range(count)
            for key in keys
        ]
    *first, last = inserts
    clauses = ", ".join(f"part{n} AS ({sql})" for n, sql in enumerate(first))
    return text(f"WITH {clauses} {last}" if first else last).bindparams(*binds)
