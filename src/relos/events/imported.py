"""Rows that predate the event log, recorded as events so that replay rebuilds them.

A database made before the event log (version 1) holds read-table rows (agreements,
users, deployments, orders, deliveries, ledger postings...) that no event accounts for.
`relos db upgrade` records them (relos.events.backfill) as `rows.imported.v1` events,
signed into the logs like any other event, carrying each row's full content; this
projector inserts them again, so `relos db replay` rebuilds them exactly.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import JsonValue
from sqlalchemy import JSON, Column, Date, Table
from sqlalchemy.orm import Session

from relos.events.base import DomainEvent, Route
from relos.events.catalog import event, projector
from relos.events.store import RecordedEvent
from relos.kit.db import Base
from relos.kit.types import DecimalText, UTCDateTime
from relos.registry import import_models

# The columns of a row, by name. Free-form because one event shape carries the rows of any
# read table, whose columns the table's model declares (decoded by `row_of` below).
Row = dict[str, JsonValue]


@event
class RowsImported(DomainEvent):
    event_type = "rows.imported.v1"
    # The rows of users and api_tokens hold password and token hashes: the audit trail
    # shows which table and log, never the rows.
    secret_fields: ClassVar[frozenset[str]] = frozenset({"rows"})

    table: str
    log: str
    parties: tuple[str, ...]
    rows: list[Row]

    def route(self) -> Route:
        return Route(self.log, "table", self.table, self.parties)


def json_of(column: Column[Any], value: Any) -> JsonValue:
    """A column's value as the event carries it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value  # type: ignore[no-any-return]  # str, int, bool, None or JSON already


def value_of(column: Column[Any], value: JsonValue) -> Any:
    """A column's value back from the event, by the column's type."""
    kind = column.type
    if value is None or isinstance(kind, JSON):
        return value
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(str(value))
    if isinstance(kind, Date):
        return date.fromisoformat(str(value))
    if isinstance(kind, DecimalText):
        return Decimal(str(value))
    return value


def table_named(name: str) -> Table:
    import_models()
    return Base.metadata.tables[name]


@projector(RowsImported)
def _insert(session: Session, recorded: RecordedEvent[RowsImported]) -> None:
    table = table_named(recorded.event.table)
    rows = [
        {name: value_of(table.c[name], value) for name, value in row.items()}
        for row in recorded.event.rows
    ]
    session.execute(table.insert(), rows)
    session.flush()
