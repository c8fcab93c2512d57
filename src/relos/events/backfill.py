"""Record the read-table rows no event accounts for, so that replay rebuilds them.

A version-1 database (before the event log) holds agreements, users, deployments, orders,
deliveries and ledger postings with no events. `relos db upgrade` runs `backfill` after
the migrations: it projects the database's own events again in a transaction it rolls
back, and every live row that this does not give back (and whose key it does not give
back either, which would be a row changed behind the log's back, for `replay --check` to
report) is recorded as a `rows.imported.v1` event (relos.events.imported) with its full
content. Those events are recorded without projecting (the rows are there already), in
the same order as the tables' dependencies, and signed into the logs like any event.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from relos.access.domain import SYSTEM
from relos.events import INTERNAL, record
from relos.events.imported import Row, RowsImported, json_of
from relos.events.replay import generated_id, projection_tables, reproject
from relos.kit.db import Database
from relos.kit.errors import Conflict
from relos.kit.timeutil import utcnow

CHUNK = 500  # rows per event
PARTY_COLUMNS = (
    "party",
    "parties",
    "requesting_party",
    "supplying_party",
    "deploying_party",
    "host_party",
    "creditor",
    "debtor",
    "holder",
    "counterparty",
)


def backfill(db: Database) -> int:
    """Record every row no event accounts for; returns how many rows. Idempotent."""
    with db.transaction() as session:
        missing = rows_not_rebuilt(session)
        session.rollback()
    if not missing:
        return 0
    with db.transaction() as session:
        for table, rows in missing.items():
            _record(session, table, rows)
    return sum(len(rows) for rows in missing.values())


def _columns(table: Table) -> list[Any]:
    return [c for c in table.columns if not (c.name == "id" and generated_id(table))]


def _rows(session: Session, table: Table) -> list[Row]:
    columns = _columns(table)
    return [
        {c.name: json_of(c, value) for c, value in zip(columns, found, strict=True)}
        for found in session.execute(select(*columns).order_by(*table.primary_key))
    ]


def _key(row: Row) -> str:
    return json.dumps(row, sort_keys=True)


def rows_not_rebuilt(session: Session) -> dict[Table, list[Row]]:
    """Per table, the live rows a replay of the events would not write (leaves the
    projection tables emptied and rebuilt: the caller rolls back)."""
    tables = projection_tables()
    live = {table: _rows(session, table) for table in tables}
    try:
        reproject(session)
    except (LookupError, IntegrityError) as exc:  # an event about a row it cannot see
        raise Conflict(
            "events refer to rows recorded before the event log, so they cannot be recorded"
            f" after it: {exc}"
        ) from exc
    missing: dict[Table, list[Row]] = {}
    for table in tables:
        rebuilt = _rows(session, table)
        left = Counter(_key(row) for row in rebuilt)
        unmatched = []
        for row in live[table]:
            if left[_key(row)]:
                left[_key(row)] -= 1
            else:
                unmatched.append(row)
        found = _new_rows(table, unmatched, len(live[table]) - len(rebuilt), rebuilt)
        if found:
            missing[table] = found
    return missing


def _new_rows(table: Table, unmatched: list[Row], excess: int, rebuilt: list[Row]) -> list[Row]:
    """The unmatched rows that are rows of their own, not changed copies of rebuilt ones."""
    if generated_id(table):  # no key to tell by: only as many rows as the table has too many
        return unmatched if len(unmatched) == excess else []
    names = [c.name for c in table.primary_key.columns]
    keys = {tuple(row[n] for n in names) for row in rebuilt}
    return [row for row in unmatched if tuple(row[n] for n in names) not in keys]


def _parties(rows: list[Row]) -> tuple[str, ...]:
    found = set()
    for row in rows:
        for name in PARTY_COLUMNS:
            value = row.get(name)
            values = value if isinstance(value, list) else [value]
            found |= {v for v in values if isinstance(v, str) and len(v) == 2}
    parties = tuple(sorted(found))
    return parties if len(",".join(parties)) <= 50 else ()  # the column's width


def _log(row: Row) -> str:
    agreement = row.get("agreement_id")
    return agreement if isinstance(agreement, str) and agreement else INTERNAL


def _record(session: Session, table: Table, rows: list[Row]) -> None:
    by_log: dict[str, list[Row]] = {}
    for row in rows:
        by_log.setdefault(_log(row), []).append(row)
    now = utcnow()
    for log, found in by_log.items():
        for start in range(0, len(found), CHUNK):
            chunk = found[start : start + CHUNK]
            imported = RowsImported(table=table.name, log=log, parties=_parties(chunk), rows=chunk)
            record(session, SYSTEM, imported, now, project=False)
