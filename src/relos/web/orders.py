"""What the order page adds to the order itself: a cost estimate before signing, the date
settlement falls due, and what may still be settled and how (pure over service answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from relos.kit.money import Money, extend
from relos.kit.timeutil import parse_instant
from relos.logistics.prices.table import PriceTable


@dataclass(frozen=True)
class EstimateLine:
    line: int
    item: str
    quantity: Decimal
    unit: str
    unit_price: Decimal | None
    amount: Money | None


@dataclass(frozen=True)
class Estimate:
    lines: list[EstimateLine]
    totals: list[Money]  # one per currency
    on: date

    @property
    def complete(self) -> bool:
        return all(line.amount is not None for line in self.lines)


def estimate(order: dict[str, Any], book: PriceTable, on: date) -> Estimate:
    """Each line at the supplier's price in force on `on` (what delivery would charge)."""
    lines: list[EstimateLine] = []
    totals: dict[str, Money] = {}
    for line in order["lines"]:
        quantity = Decimal(line["quantity"])
        price = book.in_force(order["supplying_party"], line["item"], order["facility"], on)
        found = price is not None and price.unit == line["unit"]
        value = extend(price.unit_price, quantity, price.currency) if price and found else None
        if price is not None and value is not None:
            previous = totals.get(price.currency)
            totals[price.currency] = value if previous is None else previous + value
        lines.append(
            EstimateLine(
                line["line"],
                line["item"],
                quantity,
                line["unit"],
                price.unit_price if price and found else None,
                value,
            )
        )
    return Estimate(lines, [totals[c] for c in sorted(totals)], on)


def due_on(order: dict[str, Any], days_to_settle: int) -> date | None:
    """When settlement falls due: the first delivery's date plus the agreement's days."""
    owing = any(Decimal(w["amount"]) > 0 for w in order["owed"])
    if not owing or not order["deliveries"]:
        return None
    first = min(parse_instant(d["delivered_at"]).date() for d in order["deliveries"])
    return first + timedelta(days=days_to_settle)


def returnable(order: dict[str, Any]) -> list[dict[str, Any]]:
    """Lines with delivered items not yet returned in kind, with how many may be returned."""
    result = []
    for line in order["lines"]:
        left = Decimal(line["delivered"]) - Decimal(line["returned"])
        if left > 0:
            result.append({**line, "left": left})
    return result


def counter_orders(order: dict[str, Any], orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Orders running the other way under the same agreement: what an exchange can net."""
    return [
        o
        for o in orders
        if o["id"] != order["id"]
        and o["agreement"] == order["agreement"]
        and o["requesting_party"] == order["supplying_party"]
        and o["supplying_party"] == order["requesting_party"]
        and any(Decimal(w["amount"]) > 0 for w in o["owed"])
    ]
