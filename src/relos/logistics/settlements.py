"""Settlement and correction use cases: cash, replacement in kind, equal-value exchange, reversal.

Every settlement runs under its order's advisory lock (both orders' locks, in a fixed
order, for an exchange), re-reads the order's postings and lets the pure Journal refuse
anything that would settle more than is owed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require
from relos.audit.service import record
from relos.kit.errors import Conflict, InvalidInput, NotFound, RuleViolations, Violation
from relos.kit.money import Money, to_decimal
from relos.kit.timeutil import format_instant, utcnow
from relos.logistics import repository
from relos.logistics.ledger import (
    Journal,
    Posting,
    PostingKind,
    reversal_posting,
    settlement_posting,
)
from relos.logistics.ledger_service import rate_table
from relos.logistics.models import OrderLineRow, OrderRow, SettlementRow
from relos.logistics.orders import Lot, OrderStatus, value_in_kind
from relos.logistics.service import describe, lock_order, terms_of, visible_order


def _settlement_posting(
    row: OrderRow, ref: str, amount: Money, at: datetime, method: str
) -> Posting:
    return settlement_posting(
        ref,
        agreement=row.agreement_id,
        order=row.id,
        creditor=row.supplying_party,
        debtor=row.requesting_party,
        amount=amount,
        settled_on=at.date(),
        method=method,
    )


def _lots(session: Session, order_id: str, line: int) -> list[Lot]:
    return [
        Lot(Decimal(lot["quantity"]), Decimal(lot["unit_price"]), str(lot["currency"]))
        for delivery in repository.deliveries(session, order_id)
        for lot in delivery.lines
        if lot["line"] == line and not _reversed(session, str(lot.get("posting", "")))
    ]


def _reversed(session: Session, ref: str) -> bool:
    return repository.posting_by_ref(session, f"{ref}:reversal") is not None


def _in_kind(session: Session, row: OrderRow, returned: list[dict[str, Any]]) -> Money:
    """Value of the items returned, each at the price it was originally charged at."""
    lines = repository.order_lines(session, row.id)
    total: Money | None = None
    for entry in returned:
        index = int(entry["line"])
        quantity = to_decimal(str(entry["quantity"]), f"returned line {index} quantity")
        if not 0 <= index < len(lines):
            raise InvalidInput(f"the order has no line {index}")
        lots = _lots(session, row.id, index)
        if not lots:
            raise RuleViolations(
                "nothing of that line was delivered",
                [
                    Violation(
                        "over_settlement",
                        f"line {index}: nothing delivered to return",
                        element=index,
                    )
                ],
            )
        value = value_in_kind(lots, lines[index].returned, quantity)
        lines[index].returned = lines[index].returned + quantity
        total = value if total is None else total + value
    if total is None:
        raise InvalidInput("replacement in kind needs the returned lines")
    return total


def _check_counter(row: OrderRow, counter: OrderRow) -> None:
    if counter.agreement_id != row.agreement_id or (
        counter.requesting_party,
        counter.supplying_party,
    ) != (row.supplying_party, row.requesting_party):
        raise Conflict("the counter-order must run the other way under the same agreement")


def _counter_value(session: Session, counter: OrderRow, amount: Money, at: datetime) -> Money:
    """The same value in the counter-order's currency, at the rate of the settlement date."""
    owed_in = {p.currency for p in repository.order_postings(session, [counter.id])}
    if not owed_in or amount.currency in owed_in:
        return amount
    currency = sorted(owed_in)[0]
    return amount.convert(rate_table(session).rate(amount.currency, currency, at.date()), currency)


def record_settlement(session: Session, caller: Principal, body: dict[str, Any]) -> dict[str, Any]:
    """Settle (part of) what is owed on an order; over-settlement is refused."""
    require(caller, "settlements.record")
    order_id, method = str(body.get("order") or ""), str(body.get("method") or "")
    counter_id = body.get("counter_order")
    for key in sorted({order_id, str(counter_id or order_id)}):
        lock_order(session, key)
    row = visible_order(session, caller, order_id)
    terms = terms_of(session, row.agreement_id)
    if terms is None or method not in terms.methods:
        raise RuleViolations(
            "settlement method not provided for",
            [
                Violation(
                    "settlement_not_permitted",
                    f"{row.agreement_id} does not provide for {method!r}",
                )
            ],
        )
    settled_at: datetime = body["settled_at"]
    settlement_id = str(uuid.uuid4())
    returned: list[dict[str, Any]] = list(body.get("lines") or [])
    if method == "replacement_in_kind":
        amount = _in_kind(session, row, returned)
        if body.get("amount") and Money.exact(str(body["amount"]), amount.currency) != amount:
            raise Conflict(f"the returned items are worth {amount}, not {body['amount']}")
    else:
        amount = Money.exact(str(body.get("amount") or ""), str(body.get("currency") or ""))
    if amount.amount <= 0:
        raise InvalidInput("a settlement amount must be positive")
    postings = [_settlement_posting(row, settlement_id, amount, settled_at, method)]
    orders = [row.id]
    if method == "equal_value_exchange":
        if not counter_id:
            raise InvalidInput("an equal-value exchange names its counter_order")
        counter = visible_order(session, caller, str(counter_id))
        _check_counter(row, counter)
        counter_amount = _counter_value(session, counter, amount, settled_at)
        postings.append(
            _settlement_posting(
                counter, f"{settlement_id}:counter", counter_amount, settled_at, method
            )
        )
        orders.append(counter.id)
    Journal(repository.order_postings(session, orders)).post_all(postings)
    session.add(
        SettlementRow(
            id=settlement_id,
            order_id=row.id,
            method=method,
            amount_minor=amount.minor,
            currency=amount.currency,
            settled_at=settled_at,
            reference=str(body.get("reference") or ""),
            counter_order=counter_id,
            returned=returned,
            recorded_by=caller.name,
        )
    )
    repository.insert_postings(session, postings, utcnow())
    session.flush()
    for order_row in {row.id: row, **({counter.id: counter} if counter_id else {})}.values():
        _close_if_settled(session, order_row)
    parties = (row.requesting_party, row.supplying_party)
    record(
        session,
        caller,
        "settlements.record",
        "settlement",
        settlement_id,
        parties,
        after={
            "order": row.id,
            "method": method,
            "amount": str(amount.amount),
            "currency": amount.currency,
        },
    )
    return {
        "id": settlement_id,
        "order": row.id,
        "method": method,
        "amount": str(amount.amount),
        "currency": amount.currency,
        "settled_at": format_instant(settled_at),
        "reference": str(body.get("reference") or ""),
        "counter_order": counter_id,
        "order_status": row.status,
    }


def _close_if_settled(session: Session, row: OrderRow) -> None:
    """A fully delivered order with nothing owed in any currency is `settled` (closed)."""
    journal = Journal(repository.order_postings(session, [row.id]))
    owed_nothing = all(journal.owed(row.id, p.currency).is_zero() for p in journal)
    if row.status == OrderStatus.DELIVERED.value and owed_nothing:
        row.status = OrderStatus.SETTLED.value
    elif row.status == OrderStatus.SETTLED.value and not owed_nothing:
        row.status = OrderStatus.DELIVERED.value


def reverse(
    session: Session, caller: Principal, ref: str, reason: str, on: datetime | None = None
) -> dict[str, Any]:
    """Cancel one posting by a reversal; the original stays as it was booked."""
    require(caller, "ledger.reverse")
    if not reason.strip():
        raise InvalidInput("a reversal needs a reason")
    found = repository.posting_by_ref(session, ref)
    if found is None:
        raise NotFound(f"no ledger posting {ref!r}")
    lock_order(session, found.order_id)
    row = visible_order(session, caller, found.order_id)
    journal = Journal(repository.order_postings(session, [row.id]))
    reversal = reversal_posting(
        journal.get(ref), f"{ref}:reversal", (on or utcnow()).date(), reason
    )
    journal.post(reversal)
    repository.insert_postings(session, [reversal], utcnow())
    if reversal.kind is PostingKind.REVERSAL and journal.get(ref).kind is PostingKind.DELIVERY:
        _undeliver(session, row, ref)
    _close_if_settled(session, row)
    session.flush()
    record(
        session,
        caller,
        "ledger.reverse",
        "ledger_posting",
        ref,
        (row.requesting_party, row.supplying_party),
        detail={"reason": reason},
    )
    return describe(session, row)


def _undeliver(session: Session, row: OrderRow, ref: str) -> None:
    """A reversed delivery posting gives its quantity back, so the right one can be recorded."""
    lines: list[OrderLineRow] = repository.order_lines(session, row.id)
    for delivery in repository.deliveries(session, row.id):
        for lot in delivery.lines:
            if lot.get("posting") == ref:
                line = lines[int(lot["line"])]
                line.delivered = line.delivered - Decimal(lot["quantity"])
    if row.status in (OrderStatus.DELIVERED.value, OrderStatus.SETTLED.value):
        row.status = OrderStatus.PARTIALLY_DELIVERED.value
    if all(line.delivered == 0 for line in lines):
        row.status = OrderStatus.AGREED.value


def list_settlements(session: Session, caller: Principal, order_id: str) -> list[dict[str, Any]]:
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
        {
            "id": s.id,
            "method": s.method,
            "amount": str(Money.from_minor(s.amount_minor, s.currency).amount),
            "currency": s.currency,
            "settled_at": format_instant(s.settled_at),
            "reference": s.reference,
            "counter_order": other,
            "returned": list(s.returned or []),
            "recorded_by": s.recorded_by,
        }
        for s, other in sorted(found, key=lambda pair: (pair[0].settled_at, pair[0].id))
    ]
