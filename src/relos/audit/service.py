"""The audit trail is the event log: read it, and (for code not yet on typed events) add to it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require, scope
from relos.audit import repository
from relos.audit.schemas import AuditEntryOut
from relos.events import catalog
from relos.events.legacy import AuditEntry
from relos.events.models import EventRow
from relos.events.store import RecordedEvent
from relos.events.store import record as record_event
from relos.kit.digest import canonical, digest
from relos.kit.timeutil import format_instant

MAX_PAGE = 1000


def record(
    session: Session,
    actor: Principal,
    action: str,
    record_type: str,
    record_id: str,
    parties: Iterable[str],
    before: Any = None,
    after: Any = None,
    detail: dict[str, Any] | None = None,
    log: str = "internal",
) -> RecordedEvent[AuditEntry]:
    """Append an untyped audit entry (prefer a typed event: it can be replayed).

    `before` / `after` are the record's states; only their digests are kept.
    """
    entry = AuditEntry(
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        parties=tuple(sorted(set(parties))),
        log=log,
        before_digest=None if before is None else digest(before),
        after_digest=None if after is None else digest(after),
        detail=json.loads(canonical(detail or {})),
    )
    return record_event(session, actor, entry)


def action_of(type_name: str) -> str:
    """`deployment.filed.v1` -> `deployment.filed`: what the trail calls the change."""
    return type_name.rsplit(".", 1)[0]


def describe(row: EventRow) -> AuditEntryOut:
    """The public shape of an entry (docs/api.md "Audit"): an event, its secrets left out."""
    content: dict[str, Any] = json.loads(row.content)
    parties = row.parties.split(",") if row.parties else []
    if row.type == AuditEntry.event_type:
        action, detail = content["action"], content.get("detail", {})
        before, after = content.get("before_digest"), content.get("after_digest")
    else:
        secret = _secret_fields(row.type)
        detail = {k: v for k, v in content.items() if k not in secret}
        action, before = action_of(row.type), None
        after = hashlib.sha256(row.content.encode()).hexdigest()
    return AuditEntryOut(
        id=row.id,
        at=format_instant(row.at),
        actor=row.actor,
        actor_party=row.actor_party,
        action=action,
        record_type=row.record_type,
        record_id=row.record_id,
        parties=parties,
        before_digest=before,
        after_digest=after,
        detail=detail,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def _secret_fields(type_name: str) -> frozenset[str]:
    try:
        return catalog.event_class(type_name).secret_fields
    except LookupError:
        return frozenset()


def list_entries(
    session: Session,
    caller: Principal,
    since: datetime | None = None,
    after_id: int = 0,
    limit: int = MAX_PAGE,
) -> list[AuditEntryOut]:
    """Entries about the caller's party's records, oldest first, for auditors and admins."""
    require(caller, "audit.read")
    limit = max(1, min(limit, MAX_PAGE))
    rows = repository.entries(session, scope(caller), since, after_id, limit)
    return [describe(row) for row in rows]
