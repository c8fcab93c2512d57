"""Appending to the event log: `record` is the only way a change gets into relos."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Integer,
    ScalarSelect,
    Select,
    Table,
    bindparam,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.events import catalog
from relos.events.base import DomainEvent
from relos.events.models import EventRow
from relos.events.seal import GENESIS, Envelope, canonical, chain_hash, seal, seal_canonical
from relos.kit.db import advisory_lock, check_values, connection_of
from relos.kit.inserts import BATCH, Batch, insert_rows
from relos.kit.timeutil import utcnow

E = TypeVar("E", bound=DomainEvent)


@dataclass(frozen=True)
class RecordedEvent(Generic[E]):
    """An event as it stands in its log."""

    id: int
    envelope: Envelope
    event: E
    content: str  # the event's canonical JSON
    sealed: bytes  # the canonical statement its hash covers (what a signed log wraps)
    hash: str

    @property
    def at(self) -> datetime:
        return self.envelope.at


# Called with each event right after it is appended and projected, in the same transaction
# (the signed log adds its entry here). A hook that raises undoes the whole change.
AppendHook = Callable[[Session, "RecordedEvent[DomainEvent]"], None]
APPEND_HOOKS: list[AppendHook] = []
# Called with each event before anything is written to the log (a node refuses a fact its
# party may not originate here, before a projector could trip over someone else's record):
# once the log's head is read, so what a check needs can be read in that statement too
# (HEAD_READ_HOOKS) instead of in a round trip of its own.
CheckHook = Callable[[Session, DomainEvent], None]
CHECK_HOOKS: list[CheckHook] = []


@dataclass(frozen=True)
class HeadRead:
    """Something an append hook reads under the log's lock, read with the log's head.

    `columns` are scalar subqueries (the same objects on every call, so their statement is
    built once) with bound parameters named in `params`; `keep` gets their values. The
    head and these are one round trip under the lock instead of one each.
    """

    columns: tuple[ScalarSelect[Any], ...]
    params: dict[str, Any]
    keep: Callable[[Session, Sequence[Any]], None]


# Asked with the log's name once the log's lock is held, before its head is read; None
# when the hook has nothing to read this time.
HeadReadHook = Callable[[Session, str], HeadRead | None]
HEAD_READ_HOOKS: list[HeadReadHook] = []


def content_of(event: DomainEvent) -> str:
    return canonical(event.model_dump(mode="json")).decode()


def last_in_log(session: Session, log: str) -> tuple[int, str] | None:
    """(seq, hash) of the log's last event: only what the next link needs (not its content).

    A Core statement on the session's connection (the ORM's execution path cost more than
    the index seek), read under the log's lock.
    """
    row = connection_of(session).execute(_LAST_IN_LOG, {"log": log}).first()
    return None if row is None else (row.seq, row.hash)


_LAST_IN_LOG = (
    select(EventRow.seq, EventRow.hash)
    .where(EventRow.log == bindparam("log"))
    .order_by(EventRow.seq.desc())
    .limit(1)
)
_LAST = _LAST_IN_LOG.subquery()
# The head as two scalar subqueries (each an index seek), so other reads can join them.
_HEAD_COLUMNS = (select(_LAST.c.seq).scalar_subquery(), select(_LAST.c.hash).scalar_subquery())
# PostgreSQL: the new event's id, drawn with the head under the log's lock (so ids within
# a log still rise with seq, as replay's order by id needs) and known before its insert,
# which can then be one statement with the projection's and the signed leaf's.
_NEXT_EVENT_ID: ColumnClause[int] = literal_column("nextval('events_id_seq')", Integer)
_HEAD_STATEMENTS: dict[tuple[int, ...], Select[Any]] = {}


def _head_under_lock(
    session: Session, log: str, postgres: bool
) -> tuple[tuple[int, str] | None, int | None]:
    """The log's head, with what the append hooks read under the same lock (one statement),
    and on PostgreSQL the id the new event will have."""
    reads = [read for hook in HEAD_READ_HOOKS if (read := hook(session, log)) is not None]
    if not reads and not postgres:
        return last_in_log(session, log), None
    columns: tuple[ColumnElement[Any], ...] = tuple(
        column for read in reads for column in read.columns
    )
    if postgres:
        columns = (_NEXT_EVENT_ID, *columns)
    key = tuple(id(column) for column in columns)
    statement = _HEAD_STATEMENTS.get(key)
    if statement is None:
        statement = _HEAD_STATEMENTS.setdefault(key, select(*_HEAD_COLUMNS, *columns))
    params: dict[str, Any] = {"log": log}
    for read in reads:
        params.update(read.params)
    row = connection_of(session).execute(statement, params).one()
    at = 3 if postgres else 2
    for read in reads:
        read.keep(session, row[at : at + len(read.columns)])
        at += len(read.columns)
    seq, hash_ = row[0], row[1]
    head = None if seq is None else (int(seq), str(hash_))
    return head, int(row[2]) if postgres else None


def lock_log(session: Session, log: str) -> None:
    """Hold `log`'s append lock until the transaction ends (`record` takes it too).

    A service that picks the next id of a table only its log's events write (users,
    tokens) takes the lock first, so two writers never pick the same id.
    """
    advisory_lock(session, f"log:{log}")


def next_id(session: Session, column: Any) -> int:
    """One more than the largest value of an integer id column (0 when empty)."""
    return int(session.scalar(select(func.max(column))) or 0) + 1


def record(
    session: Session,
    actor: Principal,
    event: E,
    at: datetime | None = None,
    *,
    project: bool = True,
) -> RecordedEvent[E]:
    """Append `event` to its log and project it, in the caller's transaction.

    `at` is the time of the change (services pass the time their content uses); the log's
    lock is held until the transaction ends, so each log's chain has one writer at a time
    while different agreements never wait on each other. `project=False` only for rows
    already in the read tables that are being recorded after the fact (relos.events.backfill).
    """
    route = event.route()
    projector = catalog.projector_for(event.event_type)
    # What does not depend on the log's head is made before its lock is taken.
    content = content_of(event)
    # The projector sees the event as replay will read it back (e.g. 2.0 stored as 2), so
    # the rows written now are the rows a replay writes.
    stored = type(event).model_validate_json(content)
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    lock_log(session, route.log)
    last, event_id = _head_under_lock(session, route.log, postgres)
    for check in CHECK_HOOKS:
        check(session, event)
    envelope = Envelope(
        log=route.log,
        seq=(last[0] + 1) if last else 1,
        type=event.event_type,
        at=at or utcnow(),
        actor=actor.name,
        actor_party=actor.party or None,
        parties=tuple(sorted(set(route.parties))),
        record_type=route.record_type,
        record_id=route.record_id,
        prev_hash=last[1] if last else GENESIS,
    )
    sealed = seal_canonical(envelope, content)
    hash_ = chain_hash(sealed)
    values = values_of(envelope, content, hash_)
    if event_id is None:
        # SQLite, in process: a Core insert now (the ORM's unit of work for one
        # append-only row cost more than the row), its id from the database.
        check_values(EVENTS, values)
        event_id = connection.execute(_INSERT_EVENT, values).scalar_one()
        recorded = RecordedEvent(event_id, envelope, stored, content, sealed, hash_)
        _project_and_sign(session, recorded, projector if project else None)
    else:
        # PostgreSQL: the event's row, the rows its projector writes with `write_rows` and
        # its signed leaf are gathered and written as one statement (relos.kit.inserts):
        # one round trip under the lock, and no moment where one stands without the other.
        recorded = RecordedEvent(event_id, envelope, stored, content, sealed, hash_)
        batch = Batch(event_id, [(EVENTS, [{"id": event_id, **values}])])
        session.info[BATCH] = batch
        try:
            _project_and_sign(session, recorded, projector if project else None)
        finally:
            session.info.pop(BATCH, None)
        insert_rows(connection_of(session), batch.parts)
    session.flush()
    return recorded


def _project_and_sign(
    session: Session, recorded: RecordedEvent[E], projector: catalog.Projector | None
) -> None:
    if projector is not None:
        projector(session, recorded)
    for hook in APPEND_HOOKS:
        hook(session, cast("RecordedEvent[DomainEvent]", recorded))


EVENTS: Table = EventRow.__table__  # type: ignore[assignment]
_INSERT_EVENT = insert(EVENTS).returning(EVENTS.c.id)


def values_of(envelope: Envelope, content: str, hash_: str) -> dict[str, Any]:
    """The event's row as column values."""
    return {
        "log": envelope.log,
        "seq": envelope.seq,
        "type": envelope.type,
        "at": envelope.at,
        "actor": envelope.actor,
        "actor_party": envelope.actor_party,
        "parties": ",".join(envelope.parties),
        "record_type": envelope.record_type,
        "record_id": envelope.record_id,
        "content": content,
        "prev_hash": envelope.prev_hash,
        "hash": hash_,
    }


def row_of(envelope: Envelope, content: str, hash_: str, id_: int | None = None) -> EventRow:
    return EventRow(id=id_, **values_of(envelope, content, hash_))


def envelope_of(row: EventRow) -> Envelope:
    return Envelope(
        log=row.log,
        seq=row.seq,
        type=row.type,
        at=row.at,
        actor=row.actor,
        actor_party=row.actor_party,
        parties=tuple(row.parties.split(",")) if row.parties else (),
        record_type=row.record_type,
        record_id=row.record_id,
        prev_hash=row.prev_hash,
    )


def recorded_of(row: EventRow) -> RecordedEvent[DomainEvent]:
    """A stored row back as a typed event (replay, the signed log, tools)."""
    event = catalog.event_class(row.type).model_validate_json(row.content)
    envelope = envelope_of(row)
    return RecordedEvent(
        row.id, envelope, event, row.content, seal(envelope, row.content), row.hash
    )


def in_order(session: Session, batch: int = 1000) -> Iterator[EventRow]:
    """Every event in recording order, read in batches so a long log needs little memory."""
    after = 0
    while True:
        rows = list(
            session.scalars(
                select(EventRow).where(EventRow.id > after).order_by(EventRow.id).limit(batch)
            )
        )
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].id
        session.expunge_all()


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(EventRow)) or 0
