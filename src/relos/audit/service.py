"""The audit trail is a view of the signed logs: each event is shown as decoded from the
signed leaf that holds it (the DSSE envelope's payload, exactly as signed); the event table
only indexes and filters. And (for code not yet on typed events) a way to add to it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require, scope
from relos.audit import repository
from relos.audit.schemas import AuditEntryOut
from relos.events import catalog
from relos.events.legacy import AuditEntry
from relos.events.models import EventRow
from relos.events.seal import canonical as jcs
from relos.events.store import RecordedEvent
from relos.events.store import record as record_event
from relos.kit.digest import canonical, digest
from relos.kit.listing import ListFilter
from relos.kit.timeutil import format_instant
from relos.tlog import dsse
from relos.tlog.service import LogIntegrityFailure

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


def signed_statement(
    row: EventRow, leaf: bytes | None, origin: str | None
) -> tuple[dict[str, Any], bytes]:
    """The event's statement as signed (decoded from the stored envelope, never re-made),
    and the payload bytes; refused when the leaf is missing or holds another event."""
    where = f"event {row.id} ({row.log} #{row.seq})"
    if leaf is None:
        raise LogIntegrityFailure(
            row.log, where, "it has no signed leaf (`relos db upgrade` signs older events)"
        )
    try:
        payload = dsse.parse(leaf).payload
        statement = json.loads(payload)
    except (dsse.BadEnvelope, ValueError) as exc:
        raise LogIntegrityFailure(str(origin), where, "its leaf is not a signed event") from exc
    if not isinstance(statement, dict) or (statement.get("log"), statement.get("seq")) != (
        row.log,
        row.seq,
    ):
        raise LogIntegrityFailure(str(origin), where, "its leaf holds another event")
    return statement, payload


def describe(row: EventRow, leaf: bytes | None, origin: str | None = None) -> AuditEntryOut:
    """The public shape of an entry (docs/api.md "Audit"), read from its signed leaf: an
    event, its secrets left out."""
    statement, payload = signed_statement(row, leaf, origin)
    content: dict[str, Any] = statement["content"]
    kind: str = statement["type"]
    if kind == AuditEntry.event_type:
        action, detail = content["action"], content.get("detail", {})
        before, after = content.get("before_digest"), content.get("after_digest")
    else:
        secret = _secret_fields(kind)
        detail = {k: v for k, v in content.items() if k not in secret}
        action, before = action_of(kind), None
        # The content's canonical bytes: the same bytes the payload holds (it is canonical).
        after = hashlib.sha256(jcs(content)).hexdigest()
    at = datetime.strptime(statement["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return AuditEntryOut(
        id=row.id,
        at=format_instant(at),
        actor=statement["actor"],
        actor_party=statement["actor_party"],
        action=action,
        record_type=statement["record_type"],
        record_id=statement["record_id"],
        parties=list(statement["parties"]),
        before_digest=before,
        after_digest=after,
        detail=detail,
        prev_hash=statement["prev_hash"],
        hash=hashlib.sha256(payload).hexdigest(),
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
    filters: ListFilter = ListFilter(),
    party: str | None = None,
    offset: int = 0,
) -> list[AuditEntryOut]:
    """Entries about the caller's party's records, oldest first, for auditors and admins."""
    require(caller, "audit.read")
    limit = max(1, min(limit, MAX_PAGE + 1))  # the API asks one more: is there a next page?
    party_scope = scope(caller)
    rows = repository.entries(
        session, party_scope, since, after_id, limit, filters, party, max(offset, 0)
    )
    shown = [describe(row, leaf, origin) for row, leaf, origin, _ in rows]
    # Scoped in the query by the index; the signed statement has the last word.
    return [e for e in shown if party_scope is None or party_scope in e.parties]
