"""Append to the audit trail and read it; every change in relos goes through `record`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require, scope
from relos.audit import repository
from relos.audit.digest import GENESIS, canonical, chain_hash, digest
from relos.audit.models import AuditRow
from relos.kit.db import advisory_lock
from relos.kit.timeutil import as_utc, format_instant, utcnow
from relos.tlog.events import record_audit_entry

MAX_PAGE = 1000


def _precise(at: datetime) -> str:
    # Microseconds, so that moving an entry within its second also breaks its hash.
    return as_utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_body(row: AuditRow) -> dict[str, Any]:
    """The fields an entry's hash covers."""
    return {
        "id": row.id,
        "at": _precise(row.at),
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
    agreement: str | None = None,
) -> AuditRow:
    """Append one entry, chained to the last; callers hold their own transaction.

    `parties` are the parties whose auditors may read the entry (e.g. deploying and host
    party). `before` / `after` are the record's states; only their digests are kept.
    """
    # One writer at a time extends the chain, or two entries could share a predecessor.
    advisory_lock(session, "audit-chain")
    last = repository.last(session)
    row = AuditRow(
        id=(last.id + 1) if last else 1,
        at=utcnow(),
        actor=actor.name,
        party=actor.party or None,
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        parties=",".join(sorted(set(parties))),
        before_digest=None if before is None else digest(before),
        after_digest=None if after is None else digest(after),
        # Stored as it will read back (tuples become lists, dates strings), so the hash
        # computed now is the hash `verify` recomputes later.
        detail=json.loads(canonical(detail or {})),
        prev_hash=last.hash if last else GENESIS,
        hash="",
    )
    row.hash = chain_hash(row.prev_hash, entry_body(row))
    session.add(row)
    session.flush()
    record_audit_entry(session, row, agreement)
    return row


def describe(row: AuditRow) -> dict[str, Any]:
    """The public shape of an entry (API.md "Audit")."""
    return {
        "id": row.id,
        "at": format_instant(row.at),
        "actor": row.actor,
        "actor_party": row.party,
        "action": row.action,
        "record_type": row.record_type,
        "record_id": row.record_id,
        "parties": row.parties.split(",") if row.parties else [],
        "before_digest": row.before_digest,
        "after_digest": row.after_digest,
        "detail": row.detail,
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    }


def list_entries(
    session: Session,
    caller: Principal,
    since: datetime | None = None,
    after_id: int = 0,
    limit: int = MAX_PAGE,
) -> list[dict[str, Any]]:
    """Entries about the caller's party's records, oldest first, for auditors and admins."""
    require(caller, "audit.read")
    limit = max(1, min(limit, MAX_PAGE))
    rows = repository.entries(session, scope(caller), since, after_id, limit)
    return [describe(row) for row in rows]
