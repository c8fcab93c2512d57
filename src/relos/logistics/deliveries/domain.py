"""Deliveries, pure: what may be delivered against an order, and the price of each lot.

Nothing may be delivered before both sides have signed, nor more than was ordered. Each
delivered line is priced at the supplier's price in force on the delivery day, in the
line's unit; the lots record that price so that a return in kind is valued at it later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relos.kit.errors import Conflict, Violation
from relos.kit.money import Money, extend
from relos.logistics.ledger.postings import OrderAccount, Posting, delivery_posting
from relos.logistics.orders.domain import PriceFinder
from relos.logistics.orders.status import DELIVERABLE, OrderStatus
from relos.logistics.refusal import refusal


def check_delivery(
    status: OrderStatus,
    ordered: Sequence[Decimal],
    delivered: Sequence[Decimal],
    lines: Mapping[int, Decimal],
) -> list[Violation]:
    """Violations of a delivery: unknown lines, non-positive quantities, over-delivery."""
    if status not in DELIVERABLE:
        raise Conflict(
            f"nothing may be delivered against an order that is {status};"
            " both sides must sign first"
        )
    problems: list[Violation] = []
    for index, quantity in lines.items():
        if not 0 <= index < len(ordered):
            problems.append(
                Violation("unknown_line", f"the order has no line {index}", element=index)
            )
        elif quantity <= 0:
            problems.append(
                Violation(
                    "invalid_quantity", f"line {index}: quantity must be positive", element=index
                )
            )
        elif delivered[index] + quantity > ordered[index]:
            left = ordered[index] - delivered[index]
            problems.append(
                Violation(
                    "over_delivery",
                    f"line {index}: only {left} of {ordered[index]} is left to deliver",
                    element=index,
                    limit=str(left),
                    would_be=str(quantity),
                )
            )
    return problems


def quantities(entries: Iterable[tuple[int, Decimal]]) -> dict[int, Decimal]:
    """Quantities per line; a line named twice in one delivery counts both."""
    found: dict[int, Decimal] = {}
    for line, quantity in entries:
        found[line] = found.get(line, Decimal(0)) + quantity
    return found


@dataclass(frozen=True)
class Delivered:
    """What an order says about a line being delivered: its item and unit."""

    item: str
    unit: str


@dataclass(frozen=True)
class PricedLot:
    """One delivered line at the supplier's price in force on the day, and its posting."""

    line: int
    quantity: Decimal
    unit_price: Decimal
    value: Money
    posting: Posting


def price_lots(
    account: OrderAccount,
    facility: str | None,
    lines: Sequence[Delivered],
    delivered: Mapping[int, Decimal],
    prices: PriceFinder,
    on: date,
    delivery_id: str,
    days_to_settle: int,
) -> list[PricedLot]:
    """Price each delivered line at the supplier's price in force on `on`, in its unit.

    Raises RuleViolations (`no_price`) naming every line without such a price.
    """
    lots: list[PricedLot] = []
    problems: list[Violation] = []
    for index, quantity in sorted(delivered.items()):
        line = lines[index]
        price = prices(account.creditor, line.item, facility, on)
        if price is None or price.unit != line.unit:
            message = f"line {index}: no price for {line.item} per {line.unit} on {on}"
            problems.append(Violation("no_price", message, element=index))
            continue
        value = extend(price.unit_price, quantity, price.currency)
        posting = delivery_posting(
            f"{delivery_id}:{index}",
            agreement=account.agreement,
            order=account.order,
            supplier=account.creditor,
            requester=account.debtor,
            value=value,
            delivered_on=on,
            days_to_settle=days_to_settle,
            memo=f"{quantity} {line.unit} {line.item}",
        )
        lots.append(PricedLot(index, quantity, price.unit_price, value, posting))
    if problems:
        raise refusal("the delivery cannot be priced", problems)
    return lots
