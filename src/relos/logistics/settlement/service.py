"""Settlement and correction use cases: record a settlement, reverse a posting.

Every settlement runs under its order's advisory lock (both orders' locks, in a fixed
order, for an exchange), gathers what the command names (returned lines, a counter-order)
and hands it to the pure `settle`, which decides the value and the postings per method;
the Journal then refuses anything that would settle more than is owed.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require
from relos.events import record
from relos.kit.errors import InvalidInput, NotFound
from relos.kit.money import Money
from relos.kit.timeutil import format_instant, utcnow
from relos.logistics.commands import RecordSettlement, ReversePosting
from relos.logistics.deliveries.service import account_of
from relos.logistics.events import (
    PostingRecord,
    PostingReversed,
    QuantityRecord,
    SettlementRecorded,
)
from relos.logistics.ledger import repository as ledger
from relos.logistics.ledger.journal import Journal
from relos.logistics.ledger.postings import PostingKind, reversal_posting
from relos.logistics.models import OrderRow, SettlementRow
from relos.logistics.orders import repository
from relos.logistics.orders.checks import terms_of
from relos.logistics.orders.results import order_result
from relos.logistics.orders.service import lock_order, parties, visible_order
from relos.logistics.orders.status import (
    OrderStatus,
    status_after_reversal,
    status_after_settlement,
)
from relos.logistics.rates.service import rate_table
from relos.logistics.results import OrderOut, SettlementOut, SettlementRecordOut
from relos.logistics.settlement.domain import Counter, Lot, Returned, settle


def _lots(session: Session, order_id: str) -> dict[int, list[Lot]]:
    """The lots delivered on each line and not reversed, oldest delivery first."""
    found: dict[int, list[Lot]] = {}
    for delivery in repository.deliveries(session, order_id):
        for lot in delivery.lines:
            if ledger.posting_by_ref(session, f"{lot.get('posting', '')}:reversal") is None:
                price = Lot(Decimal(lot["quantity"]), Decimal(lot["unit_price"]), lot["currency"])
                found.setdefault(int(lot["line"]), []).append(price)
    return found


def _returned(session: Session, row: OrderRow, command: RecordSettlement) -> list[Returned]:
    if not command.lines:
        return []
    lines = repository.order_lines(session, row.id)
    lots = _lots(session, row.id)
    returned = []
    for entry in command.lines:
        if not 0 <= entry.line < len(lines):
            raise InvalidInput(f"the order has no line {entry.line}")
        before = lines[entry.line].returned
        returned.append(Returned(entry.line, entry.quantity, lots.get(entry.line, []), before))
    return returned


def _counter(session: Session, caller: Principal, order_id: str | None) -> Counter | None:
    if not order_id:
        return None
    row = visible_order(session, caller, order_id)
    owed_in = frozenset(p.currency for p in ledger.order_postings(session, [row.id]))
    return Counter(account_of(row), owed_in)


def record_settlement(
    session: Session, caller: Principal, command: RecordSettlement
) -> SettlementOut:
    """Settle (part of) what is owed on an order; over-settlement is refused."""
    require(caller, "settlements.record")
    for key in sorted({command.order, command.counter_order or command.order}):
        lock_order(session, key)
    row = visible_order(session, caller, command.order)
    event = settlement_event(
        session, caller, row, command, str(uuid.uuid4()), caller.name, utcnow()
    )
    record(session, caller, event, event.recorded_at)
    return settlement_out(event)


def settlement_event(
    session: Session,
    caller: Principal,
    row: OrderRow,
    command: RecordSettlement,
    settlement_id: str,
    recorded_by: str,
    recorded_at: datetime,
) -> SettlementRecorded:
    """The settlement's event: its value and postings by the method's rules, refused when
    it would settle more than is owed. A partner's node re-judges a settlement it receives
    by calling this with the settlement's own id and times (the caller's orders locked)."""
    terms = terms_of(session, row.agreement_id)
    settled = settle(
        command.method,
        ref=settlement_id,
        account=account_of(row),
        permitted=terms.methods if terms else frozenset(),
        on=command.settled_at.date(),
        amount=command.amount,
        currency=command.currency,
        returned=_returned(session, row, command),
        counter=_counter(session, caller, command.counter_order),
        rate=lambda base, quote, on: rate_table(session).rate(base, quote, on),
    )
    orders = sorted({p.order for p in settled.postings})
    journal = Journal(ledger.order_postings(session, orders))
    journal.post_all(settled.postings)
    return SettlementRecorded(
        settlement=settlement_id,
        order=row.id,
        agreement=row.agreement_id,
        parties=parties(row),
        method=command.method,
        amount=settled.amount.amount,
        currency=settled.amount.currency,
        settled_at=command.settled_at,
        reference=command.reference,
        counter_order=command.counter_order,
        returned=[QuantityRecord(line=line, quantity=q) for line, q in settled.returned],
        recorded_by=recorded_by,
        recorded_at=recorded_at,
        postings=[PostingRecord.of(p) for p in settled.postings],
        statuses=_statuses(session, journal, orders),
    )


def _statuses(session: Session, journal: Journal, orders: list[str]) -> dict[str, str]:
    """Each settled order's status once the journal holds the settlement's postings."""
    return {
        order_id: status_after_settlement(
            OrderStatus(_order(session, order_id).status), journal.owes_nothing(order_id)
        ).value
        for order_id in orders
    }


def settlement_out(event: SettlementRecorded) -> SettlementOut:
    return SettlementOut(
        id=event.settlement,
        order=event.order,
        method=event.method,
        amount=str(event.amount),
        currency=event.currency,
        settled_at=format_instant(event.settled_at),
        reference=event.reference,
        counter_order=event.counter_order,
        order_status=event.statuses[event.order],
    )


def _order(session: Session, order_id: str) -> OrderRow:
    row = repository.order(session, order_id)
    if row is None:
        raise NotFound(f"no support order {order_id!r}")
    return row


def reverse(session: Session, caller: Principal, command: ReversePosting) -> OrderOut:
    """Cancel one posting by a reversal; the original stays as it was booked."""
    require(caller, "ledger.reverse")
    if not command.reason.strip():
        raise InvalidInput("a reversal needs a reason")
    found = ledger.posting_by_ref(session, command.ref)
    if found is None:
        raise NotFound(f"no ledger posting {command.ref!r}")
    lock_order(session, found.order_id)
    row = visible_order(session, caller, found.order_id)
    on = (command.on or utcnow()).date()
    event = reversal_event(session, row, command, on, utcnow())
    record(session, caller, event, event.recorded_at)
    return order_result(session, row)


def reversal_event(
    session: Session, row: OrderRow, command: ReversePosting, on: date, recorded_at: datetime
) -> PostingReversed:
    """The reversal of one of the order's postings, booked on `on` (raises when the journal
    refuses it, e.g. a posting reversed twice)."""
    if not command.reason.strip():
        raise InvalidInput("a reversal needs a reason")
    journal = Journal(ledger.order_postings(session, [row.id]))
    original = journal.get(command.ref)
    reversal = reversal_posting(original, f"{command.ref}:reversal", on, command.reason)
    journal.post(reversal)
    undelivered = _undelivered(session, row, command.ref, original.kind)
    lines = repository.order_lines(session, row.id)
    back = {entry.line: entry.quantity for entry in undelivered}
    left = [line.delivered - back.get(line.line_no, Decimal(0)) for line in lines]
    status = status_after_reversal(
        OrderStatus(row.status), left, bool(undelivered), journal.owes_nothing(row.id)
    )
    return PostingReversed(
        order=row.id,
        agreement=row.agreement_id,
        parties=parties(row),
        reason=command.reason,
        posting=PostingRecord.of(reversal),
        undelivered=undelivered,
        status=status.value,
        recorded_at=recorded_at,
    )


def _undelivered(
    session: Session, row: OrderRow, ref: str, kind: PostingKind
) -> list[QuantityRecord]:
    """A reversed delivery posting gives its quantity back, so the right one can be recorded."""
    if kind is not PostingKind.DELIVERY:
        return []
    return [
        QuantityRecord(line=int(lot["line"]), quantity=Decimal(lot["quantity"]))
        for delivery in repository.deliveries(session, row.id)
        for lot in delivery.lines
        if lot.get("posting") == ref
    ]


def list_settlements(
    session: Session, caller: Principal, order_id: str
) -> list[SettlementRecordOut]:
    """The settlements of an order, with the exchanges that name it as their counter-order
    (`counter_order` then names the other order), oldest first; for the order's parties."""
    row = visible_order(session, caller, order_id)
    own = repository.settlements(session, row.id)
    against = session.scalars(
        select(SettlementRow)
        .where(SettlementRow.counter_order == row.id)
        .order_by(SettlementRow.settled_at, SettlementRow.id)
    )
    found = [(s, s.counter_order) for s in own] + [(s, s.order_id) for s in against]
    return [
        SettlementRecordOut(
            id=s.id,
            method=s.method,
            amount=str(Money.from_minor(s.amount_minor, s.currency).amount),
            currency=s.currency,
            settled_at=format_instant(s.settled_at),
            reference=s.reference,
            counter_order=other,
            returned=list(s.returned or []),
            recorded_by=s.recorded_by,
        )
        for s, other in sorted(found, key=lambda pair: (pair[0].settled_at, pair[0].id))
    ]
