"""What waits for the caller: each kind of item comes from one query of the records.

Each kind is shown only to roles that can act on it (policy.allowed) and only for the
caller's party (an operator without a party sees every party's items). Nothing is stored:
an item leaves the inbox as soon as the record no longer waits (consented, signed,
delivered, settled, started, consented to extend).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import allowed
from relos.agreements.domain import pending_consents
from relos.agreements.service import all_in_force
from relos.deployments.domain import OPEN_STATUSES, Status
from relos.deployments.models import DeploymentRow
from relos.inbox.domain import (
    NOTICE_WINDOW,
    Item,
    Kind,
    expires_soon,
    in_due_order,
    starts_soon,
)
from relos.inbox.schemas import InboxItemOut
from relos.kit.timeutil import format_instant, utcnow
from relos.logistics.models import OrderLineRow, OrderRow, SignatureRow
from relos.logistics.orders.status import DELIVERABLE, OrderStatus
from relos.logistics.statements import service as statements


def _party(caller: Principal) -> str | None:
    return caller.party or None


def _deployment_item(kind: Kind, row: DeploymentRow, due: datetime | None) -> Item:
    return Item(
        kind, "deployment", row.id, row.reference, row.title, format_instant(due) if due else None
    )


def _consents(session: Session, caller: Principal, now: datetime) -> list[Item]:
    if not allowed(caller, "deployments.consent"):
        return []
    query = select(DeploymentRow).where(DeploymentRow.status == Status.PENDING_HOST_CONSENT.value)
    if party := _party(caller):
        query = query.where(DeploymentRow.host_party == party)
    return [
        _deployment_item(Kind.CONSENT_REQUESTED, row, row.starts) for row in session.scalars(query)
    ]


def _notices(session: Session, caller: Principal, now: datetime) -> list[Item]:
    if not allowed(caller, "deployments.file"):
        return []
    query = select(DeploymentRow).where(
        DeploymentRow.status.in_([s.value for s in OPEN_STATUSES]),
        DeploymentRow.starts >= now,
        DeploymentRow.starts < now + NOTICE_WINDOW,
    )
    if party := _party(caller):
        query = query.where(DeploymentRow.deploying_party == party)
    return [
        _deployment_item(Kind.NOTICE_DUE, row, row.starts)
        for row in session.scalars(query)
        if starts_soon(row.starts, now)
    ]


def _order_title(row: OrderRow, lines: dict[str, list[str]]) -> str:
    items = ", ".join(lines.get(row.id, [])[:3])
    return f"{row.facility}: {items}" if items else row.facility


def _line_items(session: Session, ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if not ids:
        return found
    query = (
        select(OrderLineRow.order_id, OrderLineRow.item)
        .where(OrderLineRow.order_id.in_(ids))
        .order_by(OrderLineRow.order_id, OrderLineRow.line_no)
    )
    for order_id, item in session.execute(query):
        found.setdefault(order_id, []).append(item)
    return found


def _order_items(session: Session, kind: Kind, rows: list[OrderRow]) -> list[Item]:
    lines = _line_items(session, [row.id for row in rows])
    return [
        Item(
            kind,
            "support_order",
            row.id,
            row.reference,
            _order_title(row, lines),
            None,
            {"facility": row.facility, "items": ", ".join(lines.get(row.id, [])[:3])},
        )
        for row in rows
    ]


def _signatures(session: Session, caller: Principal, now: datetime) -> list[Item]:
    party = _party(caller)
    if not allowed(caller, "orders.sign") or party is None:
        return []  # the operator signs for a named party on request, nothing waits for them
    signed = select(SignatureRow.order_id).where(SignatureRow.party == party)
    query = select(OrderRow).where(
        OrderRow.status == OrderStatus.REQUESTED.value,
        or_(OrderRow.requesting_party == party, OrderRow.supplying_party == party),
        OrderRow.id.not_in(signed),
    )
    return _order_items(session, Kind.SIGNATURE_REQUESTED, list(session.scalars(query)))


def _receipts(session: Session, caller: Principal, now: datetime) -> list[Item]:
    if not allowed(caller, "orders.deliver"):
        return []
    query = select(OrderRow).where(OrderRow.status.in_([s.value for s in DELIVERABLE]))
    if party := _party(caller):
        query = query.where(OrderRow.requesting_party == party)
    return _order_items(session, Kind.RECEIPT_REQUESTED, list(session.scalars(query)))


def _overdue(session: Session, caller: Principal, now: datetime) -> list[Item]:
    if not allowed(caller, "settlements.record"):
        return []
    party = _party(caller)
    owed = [
        entry.model_dump()
        for entry in statements.overdue(session, caller, now.date())
        if party is None or entry.debtor == party
    ]
    rows = {
        row.id: row
        for row in session.scalars(
            select(OrderRow).where(OrderRow.id.in_({e["order"] for e in owed}))
        )
    }
    items = []
    for entry in owed:
        row = rows.get(entry["order"])
        reference = row.reference if row else entry["order"]
        title = f"{entry['currency']} {entry['amount']} owed to {entry['creditor']}"
        items.append(
            Item(
                Kind.SETTLEMENT_OVERDUE,
                "support_order",
                entry["order"],
                reference,
                title,
                entry["due_on"],
                {k: str(entry[k]) for k in ("amount", "currency", "creditor")},
            )
        )
    return items


def _agreements(session: Session, caller: Principal, now: datetime) -> list[Item]:
    party = _party(caller)
    expiring = allowed(caller, "agreements.consent") or allowed(caller, "deployments.file")
    consenting = allowed(caller, "agreements.consent") and party is not None
    items = []
    for current in all_in_force(session):
        agreement, term = current.agreement, current.term
        if party is not None and not agreement.has_party(party):
            continue
        if not expires_soon(term.end, now):
            continue
        assert term.end is not None
        due = format_instant(term.end)
        reference = agreement.short_name
        if expiring:
            items.append(
                Item(
                    Kind.AGREEMENT_EXPIRING,
                    "agreement",
                    agreement.id,
                    reference,
                    agreement.title,
                    due,
                )
            )
        pending = pending_consents(agreement, current.consents)
        if (
            consenting
            and agreement.term.renewal == "mutual_consent"
            and not any(c.party == party for c in pending)
        ):
            items.append(
                Item(
                    Kind.EXTENSION_CONSENT,
                    "agreement",
                    agreement.id,
                    reference,
                    agreement.title,
                    due,
                )
            )
    return items


SOURCES: tuple[Callable[[Session, Principal, datetime], list[Item]], ...] = (
    _consents,
    _signatures,
    _receipts,
    _overdue,
    _notices,
    _agreements,
)


def inbox(session: Session, caller: Principal, now: datetime | None = None) -> list[InboxItemOut]:
    """The caller's open items, soonest due first."""
    at = now or utcnow()
    items = [item for source in SOURCES for item in source(session, caller, at)]
    return [InboxItemOut.model_validate(item.to_dict()) for item in in_due_order(items)]


def counts(session: Session, caller: Principal) -> dict[str, int]:
    """Open items per kind, and `total` (for the navigation)."""
    found: dict[str, int] = {kind.value: 0 for kind in Kind}
    for item in inbox(session, caller):
        found[item.kind] += 1
    found["total"] = sum(found.values())
    return found
