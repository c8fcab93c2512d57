"""Every audited change becomes a signed log entry: the audit trail as a view of the logs.

`relos.audit.service.record` calls `record_audit_entry` in the same transaction, so the
entry and its signed leaf commit together or not at all. The leaf's payload is the
entry's canonical JSON, including the audit chain's own id and hash, so `relos log
verify` can check that every row of the unkeyed chain is covered by a signature.

Which log: the agreement the record belongs to (an agreement itself; a deployment, order
or settlement by its `agreement_id`; or an `agreement` named by the caller), else the
node's internal log (users, tokens, imports that concern no single agreement).

On the first signed append of a database that already has an audit chain (one made
before signed logs existed), the whole chain is copied first, in order: its entries
become the first leaves.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from relos.audit.models import AuditRow
from relos.kit.db import Base
from relos.tlog import dsse, store
from relos.tlog.models import LogRow

# record_type -> table whose `agreement_id` names the record's agreement.
_AGREEMENT_OF = {
    "deployment": "deployments",
    "support_order": "support_orders",
    "settlement": "settlements",
}


def _precise(row: AuditRow) -> str:
    return row.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def audit_event(row: AuditRow) -> dict[str, Any]:
    """The event an audit entry becomes (its canonical bytes are the signed payload)."""
    return {
        "type": row.action,
        "v": 1,
        "at": _precise(row),
        "actor": row.actor,
        "actor_party": row.party,
        "record": {"type": row.record_type, "id": row.record_id},
        "parties": row.parties.split(",") if row.parties else [],
        "before_digest": row.before_digest,
        "after_digest": row.after_digest,
        "detail": row.detail,
        "audit": {"id": row.id, "prev_hash": row.prev_hash, "hash": row.hash},
    }


def agreement_of(session: Session, row: AuditRow) -> str | None:
    if row.record_type == "agreement":
        return row.record_id
    named = row.detail.get("agreement") if isinstance(row.detail, dict) else None
    if isinstance(named, str):
        return named
    table = Base.metadata.tables.get(_AGREEMENT_OF.get(row.record_type, ""))
    if table is None or "agreement_id" not in table.c:
        return None
    value = session.scalar(select(table.c.agreement_id).where(table.c.id == row.record_id).limit(1))
    return None if value is None else str(value)


def _append(session: Session, row: AuditRow, agreement: str | None) -> store.Appended:
    payload = dsse.canonical(audit_event(row))
    return store.append(session, agreement, payload, row.action)


def record_audit_entry(
    session: Session, row: AuditRow, agreement: str | None = None
) -> store.Appended:
    """Sign the entry just recorded and append it to its log (the caller's transaction)."""
    if not session.scalar(select(exists().where(LogRow.id.is_not(None)))):
        copy_chain(session, before=row.id)
    return _append(session, row, agreement or agreement_of(session, row))


def copy_chain(session: Session, before: int | None = None) -> int:
    """Append the existing audit entries (ids below `before`) to the logs, in chain order."""
    query = select(AuditRow).order_by(AuditRow.id)
    if before is not None:
        query = query.where(AuditRow.id < before)
    copied = 0
    for row in list(session.scalars(query)):
        _append(session, row, agreement_of(session, row))
        copied += 1
    return copied
