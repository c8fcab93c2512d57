"""State as the replay of events: rebuild the read tables from the log, and compare.

`rebuild` empties the projection tables of a database and applies its own events again;
`copy_and_project` applies another database's events to an empty one; `check` does the
latter into a scratch database of the same kind and compares every projection table.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, delete, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from relos.events import catalog
from relos.events.models import EventRow
from relos.events.store import in_order, recorded_of
from relos.kit.db import Base, Database
from relos.kit.errors import Conflict
from relos.kit.migrate import upgrade
from relos.registry import import_models

# Surrogate keys that nothing outside their table refers to: PostgreSQL may skip numbers
# after a rolled-back insert, so they are left out of the comparison (rows are matched on
# everything else).
SURROGATE = {"id"}


@dataclass(frozen=True)
class Difference:
    table: str
    detail: str

    def __str__(self) -> str:
        return f"{self.table}: {self.detail}"


def projection_tables() -> list[Table]:
    """The read tables rebuilt from events, parents before children."""
    import_models()
    names = catalog.tables()
    return [t for t in Base.metadata.sorted_tables if t.name in names]


def apply(session: Session, rows: Iterable[EventRow], copy: bool) -> int:
    """Run each event's projector in order; with `copy`, first add the event row itself."""
    count = 0
    for row in rows:
        recorded = recorded_of(row)
        if copy:
            session.add(_copy(row))
            session.flush()
        catalog.projector_for(row.type)(session, recorded)
        session.flush()
        count += 1
    return count


def _copy(row: EventRow) -> EventRow:
    columns = {c.key: getattr(row, c.key) for c in EventRow.__table__.columns}
    return EventRow(**columns)


# (before, after) pairs run around an in-place rebuild, in its transaction: a feature
# whose tables refuse DELETE (the append-only ledger) lets the rebuild through here.
REBUILD_HOOKS: list[tuple[Callable[[Session], None], Callable[[Session], None]]] = []


def reproject(session: Session) -> int:
    """Empty every projection table and project this database's own events again.

    Rows no event accounts for are lost: `rebuild` refuses that, and relos.events.backfill
    uses this to find such rows (in a transaction it rolls back).
    """
    catalog.load()
    for before, _ in REBUILD_HOOKS:
        before(session)
    try:
        for table in reversed(projection_tables()):
            session.execute(delete(table))
        session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "other rows refer to the read tables; rebuild into an empty database with --from"
        ) from exc
    source = list(session.scalars(select(EventRow).order_by(EventRow.id)))
    count = apply(session, source, copy=False)
    for _, after in REBUILD_HOOKS:
        after(session)
    return count


def rebuild(session: Session) -> int:
    """Rebuild in place; refuse (Conflict, the caller rolls back) if a row would be lost.

    A row is lost when its table has fewer rows after the rebuild, or its key is gone: it
    was written before the event log and `relos db upgrade` has not recorded it yet.
    """
    before = keys(session)
    count = reproject(session)
    after = keys(session)
    lost = [
        name
        for name, had in before.items()
        if len(after[name]) < len(had) or not set(had) <= set(after[name])
    ]
    if lost:
        raise Conflict(
            f"{', '.join(lost)} hold rows recorded before the event log; a rebuild would lose"
            " them (run `relos db upgrade` to record them as events)"
        )
    return count


def keys(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table's primary keys (generated ids only counted)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table in projection_tables():
        if generated_id(table):
            count = session.scalar(select(func.count()).select_from(table)) or 0
            found[table.name] = [(n,) for n in range(count)]
        else:
            found[table.name] = [tuple(r) for r in session.execute(select(*table.primary_key))]
    return found


def copy_and_project(source: Database, target: Database) -> int:
    """Apply every event of `source` to `target`, which must hold no events yet."""
    with target.transaction() as out:
        if out.scalar(select(EventRow.id).limit(1)) is not None:
            raise Conflict("the target database already holds events")
        for table in projection_tables():
            if out.scalar(select(table).limit(1)) is not None:
                raise Conflict(f"the target database already holds rows in {table.name}")
        with source.transaction(write=False) as read:
            count = apply(out, in_order(read), copy=True)
        if not target.sqlite:
            out.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('events', 'id'), "
                    "COALESCE((SELECT max(id) FROM events), 1))"
                )
            )
    return count


Snapshot = dict[str, list[tuple[Any, ...]]]


def _compared_columns(table: Table) -> list[Any]:
    return [c for c in table.columns if not (c.name in SURROGATE and _surrogate(table))]


def generated_id(table: Table) -> bool:
    """Whether the primary key is an integer id the database picks, that no foreign key
    names (so a row written again may get another one)."""
    pk = [c.name for c in table.primary_key.columns]
    if pk != ["id"] or table.c.id.type.python_type is not int:
        return False
    return not any(fk.column is table.c.id for t in projection_tables() for fk in t.foreign_keys)


def _surrogate(table: Table) -> bool:
    # An integer id that no foreign key in the projections points at.
    pk = [c.name for c in table.primary_key.columns]
    if pk != ["id"] or table.c.id.type.python_type is not int:
        return False
    return not any(fk.column.table is table for t in projection_tables() for fk in t.foreign_keys)


def snapshot(session: Session) -> Snapshot:
    """Every projection table's rows (compared columns only), in a stable order."""
    taken: Snapshot = {}
    for table in projection_tables():
        rows = [tuple(r) for r in session.execute(select(*_compared_columns(table)))]
        taken[table.name] = sorted(rows, key=repr)
    return taken


def first_difference(live: Snapshot, rebuilt: Snapshot) -> Difference | None:
    """The first table and row where two snapshots differ, or None."""
    for table in projection_tables():
        a, b = live[table.name], rebuilt[table.name]
        if a == b:
            continue
        names = [c.name for c in _compared_columns(table)]
        only_live = [r for r in a if r not in b]
        only_rebuilt = [r for r in b if r not in a]
        if only_live:
            row = dict(zip(names, only_live[0], strict=True))
            return Difference(table.name, f"live row not rebuilt: {row}")
        if only_rebuilt:
            row = dict(zip(names, only_rebuilt[0], strict=True))
            return Difference(table.name, f"rebuilt row not live: {row}")
        return Difference(table.name, f"{len(a)} live rows, {len(b)} rebuilt")
    return None


def compare(live: Session, rebuilt: Session) -> Difference | None:
    """The first difference between two databases' projection tables, or None."""
    return first_difference(snapshot(live), snapshot(rebuilt))


def check_in_place(db: Database) -> Difference | None:
    """Rebuild inside one transaction of `db` itself, compare, and roll everything back.

    Quicker than `check` (no scratch database), for tests that check after every step.
    """
    with db.transaction() as session:
        live = snapshot(session)
        reproject(session)
        rebuilt = snapshot(session)
        session.rollback()
    return first_difference(live, rebuilt)


@contextmanager
def scratch_like(db: Database) -> Iterator[Database]:
    """An empty, migrated database of the same kind: a temp SQLite file or a PostgreSQL db."""
    if db.sqlite:
        with tempfile.TemporaryDirectory(prefix="relos-replay-") as folder:
            scratch = Database(f"sqlite:///{Path(folder) / 'replay.db'}")
            try:
                upgrade(scratch)
                yield scratch
            finally:
                scratch.dispose()
        return
    name = f"relos_replay_{uuid.uuid4().hex[:12]}"
    url = make_url(db.url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    scratch = Database(url.set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(scratch)
        yield scratch
    finally:
        scratch.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def check(db: Database) -> Difference | None:
    """Rebuild every projection from `db`'s events elsewhere and compare with `db`."""
    with scratch_like(db) as scratch:
        copy_and_project(db, scratch)
        with db.transaction(write=False) as live, scratch.transaction(write=False) as rebuilt:
            return compare(live, rebuilt)
