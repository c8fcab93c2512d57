"""Several tables' new rows as one PostgreSQL statement: one round trip for a projection.

A projector that writes a record and its parts (a deployment, its elements and its history
row; an order and its lines) would make a round trip per table, under the log's lock. On
PostgreSQL the INSERTs go in WITH clauses of one statement instead; foreign keys are checked
at the end of the statement, when the parent row is there. The statement is text with typed
parameters, built once per shape: SQLAlchemy does not cache the compiled form of a Core
INSERT with INSERT clauses in WITH, and compiling it on every write cost more than the round
trips it saved. SQLite (in process, no such clauses) runs one Core insert per table.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, TextClause, bindparam, insert, text

from relos.kit.db import check_values

Rows = tuple[Table, Sequence[Mapping[str, Any]]]


def insert_rows(connection: Connection, parts: Sequence[Rows]) -> None:
    """Insert each table's rows, in the order given (parents first); every row of a table
    has the same keys. Strings are checked as a flush would (`check_values`)."""
    parts = [(table, rows) for table, rows in parts if rows]
    for table, rows in parts:
        for row in rows:
            check_values(table, row)
    if connection.dialect.name != "postgresql":
        for table, rows in parts:
            connection.execute(insert(table), rows[0] if len(rows) == 1 else list(rows))
        return
    shape = tuple((table, tuple(rows[0]), len(rows)) for table, rows in parts)
    params = {
        _name(t, n, key): value
        for t, (_, rows) in enumerate(parts)
        for n, row in enumerate(rows)
        for key, value in row.items()
    }
    connection.execute(_statement(shape), params)


def _name(table: int, row: int, key: str) -> str:
    return f"t{table}r{row}_{key}"


@functools.cache
def _statement(shape: tuple[tuple[Table, tuple[str, ...], int], ...]) -> TextClause:
    inserts, binds = [], []
    for t, (table, keys, count) in enumerate(shape):
        # Only quoted column names and placeholders are interpolated; values are parameters.
        columns = ", ".join(f'"{key}"' for key in keys)
        rows = ", ".join(
            "(" + ", ".join(f":{_name(t, n, key)}" for key in keys) + ")" for n in range(count)
        )
        inserts.append(f'INSERT INTO "{table.name}" ({columns}) VALUES {rows}')  # noqa: S608
        binds += [
            bindparam(_name(t, n, key), type_=table.c[key].type)
            for n in range(count)
            for key in keys
        ]
    *first, last = inserts
    clauses = ", ".join(f"part{n} AS ({sql})" for n, sql in enumerate(first))
    return text(f"WITH {clauses} {last}" if first else last).bindparams(*binds)
