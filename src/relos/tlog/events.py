"""Every recorded event becomes a signed log entry: the event log as a view of the logs.

`relos.events.record` runs the hooks in APPEND_HOOKS in the recording transaction; this
module adds `sign_and_append`, so the event and its signed leaf commit together or not at
all. The DSSE payload is the event's sealed statement (`RecordedEvent.sealed`: the RFC 8785
bytes whose SHA-256 is the event's hash), the payload type
`application/vnd.relos.<event type>+json`, and the leaf goes to the log of the event's
agreement (`relos.example/IN/<agreement>`) or to the node's internal log.

On the first signed append of a database whose event log predates the signed logs
(including the old audit trail, which migration 0006_events moved into the events), every
earlier event is copied first, in recording order: they become the first leaves.

The catalogue imports this module (it is the `tlog` feature's `events` part) before the
first event is recorded, which is what registers the hook.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from relos.events import APPEND_HOOKS, INTERNAL, DomainEvent, RecordedEvent
from relos.events.models import EventRow
from relos.events.store import HEAD_READ_HOOKS, HeadRead, recorded_of
from relos.kit.db import memo_of
from relos.tlog import store
from relos.tlog.models import LogRow

LOGS_EXIST = "relos.tlog.logs_exist"


def agreement_of(log: str) -> str | None:
    return None if log == INTERNAL else log


def _append(session: Session, recorded: RecordedEvent[DomainEvent]) -> store.Appended:
    """Sign and append one event, and note which leaf holds it (the audit trail reads it)."""
    envelope = recorded.envelope
    log = agreement_of(envelope.log)
    return store.append(session, log, recorded.sealed, envelope.type, event_id=recorded.id)


def sign_and_append(session: Session, recorded: RecordedEvent[DomainEvent]) -> None:
    """The hook: sign the event just recorded and append it to its log."""
    memo = memo_of(session)
    # Once a database has signed logs it keeps them: ask only until the answer is yes.
    if not memo.get(LOGS_EXIST):
        if not session.scalar(select(exists().where(LogRow.id.is_not(None)))):
            copy_events(session, before=recorded.id)
        elif not session.info.get(store.WRITERS):  # not logs this transaction made
            memo[LOGS_EXIST] = True
    _append(session, recorded)


def sign_unsigned(session: Session) -> int:
    """Sign the events recorded before this database had signed logs, as their first leaves.

    `relos db upgrade` runs it (as the feature's reference refresh), so a database migrated
    from before the signed logs has every event signed, and shown by the audit trail, before
    anything else is recorded. Nothing to do once any log exists.
    """
    if session.scalar(select(exists().where(LogRow.id.is_not(None)))):
        return 0
    if not session.scalar(select(exists().where(EventRow.id.is_not(None)))):
        return 0
    return copy_events(session)


def copy_events(session: Session, before: int | None = None) -> int:
    """Append the events recorded before signed logs existed (ids below `before`), in order."""
    query = select(EventRow).order_by(EventRow.id)
    if before is not None:
        query = query.where(EventRow.id < before)
    # Plain reads: this runs inside a recording transaction whose new rows must stay put.
    rows = list(session.scalars(query))
    for row in rows:
        _append(session, recorded_of(row))
    return len(rows)


def read_with_head(session: Session, log: str) -> HeadRead | None:
    """What `sign_and_append` will check under the log's lock, read with the log's head."""
    return store.head_read(session, agreement_of(log))


if sign_and_append not in APPEND_HOOKS:
    APPEND_HOOKS.append(sign_and_append)
if read_with_head not in HEAD_READ_HOOKS:
    HEAD_READ_HOOKS.append(read_with_head)
