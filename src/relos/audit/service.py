"""Append to the audit trail; every change in relos goes through `record`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.audit.digest import GENESIS, chain_hash, digest
from relos.audit.models import AuditRow
from relos.kit.db import advisory_lock
from relos.kit.timeutil import format_instant, utcnow


def entry_body(row: AuditRow) -> dict[str, Any]:
    """The fields an entry's hash covers."""
    return {
        "id": row.id,
        "at": format_instant(row.at),
        "actor": row.actor,
        "party": row.party,
        "action": row.action,
        "record_type": row.record_type,
        "record_id": row.record_id,
        "parties": row.parties,
        "before": row.before_digest,
        "after": row.after_digest,
        "detail": row.detail,
    }


def _last(session: Session) -> AuditRow | None:
    return session.scalar(select(AuditRow).order_by(AuditRow.id.desc()).limit(1))


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
) -> AuditRow:
    """Append one entry, chained to the last; callers hold their own transaction."""
    # One writer at a time extends the chain, or two entries could share a predecessor.
    advisory_lock(session, "audit-chain")
    last = _last(session)
    row = AuditRow(
        id=(last.id + 1) if last else 1,
        at=utcnow(),
        actor=actor.name,
        party=actor.party or None,
        action=action,
        record_type=record_type,
        record_id=record_id,
        parties=",".join(sorted(set(parties))),
        before_digest=None if before is None else digest(before),
        after_digest=None if after is None else digest(after),
        detail=detail or {},
        prev_hash=last.hash if last else GENESIS,
        hash="",
    )
    row.hash = chain_hash(row.prev_hash, entry_body(row))
    session.add(row)
    session.flush()
    return row
