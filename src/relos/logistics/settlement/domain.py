"""Settlement, pure: what a settlement is worth and the postings it makes, per method.

- cash: the stated amount, in the stated currency.
- replacement_in_kind: the items returned, each at the price it was charged at, oldest
  delivery first; a stated amount must equal that value.
- equal_value_exchange: the stated amount settles this order, and the same value (in the
  counter-order's currency, at the settlement day's rate) settles the counter-order that
  runs the other way under the same agreement.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from relos.kit.errors import Conflict, InvalidInput, RuleViolations, Violation
from relos.kit.money import Money, extend
from relos.logistics.ledger.postings import OrderAccount, Posting, settlement_posting


@dataclass(frozen=True)
class Lot:
    """A delivered quantity of one line at the unit price it was charged at."""

    quantity: Decimal
    unit_price: Decimal
    currency: str


def value_in_kind(lots: Sequence[Lot], already_returned: Decimal, quantity: Decimal) -> Money:
    """Value of items returned in kind at their original prices, oldest delivery first.

    Raises RuleViolations when more would be returned than was delivered on the line.
    """
    delivered = sum((lot.quantity for lot in lots), Decimal(0))
    if quantity <= 0 or already_returned + quantity > delivered:
        left = delivered - already_returned
        raise RuleViolations(
            "more returned in kind than was delivered",
            [
                Violation(
                    "over_settlement",
                    f"only {left} may still be returned in kind",
                    limit=str(left),
                    would_be=str(quantity),
                )
            ],
        )
    skip, take = already_returned, quantity
    total = Money.zero(lots[0].currency)
    for lot in lots:
        from_lot = min(max(lot.quantity - skip, Decimal(0)), take)
        skip = max(skip - lot.quantity, Decimal(0))
        take -= from_lot
        if from_lot:
            total = total + extend(lot.unit_price, from_lot, lot.currency)
    return total


class Method(StrEnum):
    CASH = "cash"
    REPLACEMENT_IN_KIND = "replacement_in_kind"
    EQUAL_VALUE_EXCHANGE = "equal_value_exchange"


@dataclass(frozen=True)
class Returned:
    """Items of one line returned in kind, with the lots delivered on it so far."""

    line: int
    quantity: Decimal
    lots: Sequence[Lot]
    already_returned: Decimal


@dataclass(frozen=True)
class Counter:
    """The counter-order of an exchange, and the currencies it owes in."""

    account: OrderAccount
    owed_in: frozenset[str]


RateFinder = Callable[[str, str, date], Decimal]


@dataclass(frozen=True)
class Settled:
    """A settlement's value and the postings it makes (one per order it settles)."""

    amount: Money
    postings: list[Posting]
    returned: tuple[tuple[int, Decimal], ...] = ()  # (line, quantity) returned in kind


def _not_permitted(account: OrderAccount, method: str) -> RuleViolations:
    problem = Violation(
        "settlement_not_permitted", f"{account.agreement} does not provide for {method!r}"
    )
    return RuleViolations("settlement method not provided for", [problem])


def returned_value(returned: Sequence[Returned]) -> Money:
    """Value of everything returned in kind; a line named twice counts both, in order."""
    total: Money | None = None
    taken: dict[int, Decimal] = {}
    for entry in returned:
        if not entry.lots:
            message = f"line {entry.line}: nothing delivered to return"
            problem = Violation("over_settlement", message, element=entry.line)
            raise RuleViolations("nothing of that line was delivered", [problem])
        before = entry.already_returned + taken.get(entry.line, Decimal(0))
        value = value_in_kind(entry.lots, before, entry.quantity)
        taken[entry.line] = taken.get(entry.line, Decimal(0)) + entry.quantity
        total = value if total is None else total + value
    if total is None:
        raise InvalidInput("replacement in kind needs the returned lines")
    return total


def settlement_value(
    method: Method, amount: str | None, currency: str | None, returned: Sequence[Returned]
) -> Money:
    """What the settlement is worth: the returned items' value, or the stated amount."""
    if method is Method.REPLACEMENT_IN_KIND:
        value = returned_value(returned)
        if amount and Money.exact(amount, value.currency) != value:
            raise Conflict(f"the returned items are worth {value}, not {amount}")
    else:
        value = Money.exact(amount or "", currency or "")
    if value.amount <= 0:
        raise InvalidInput("a settlement amount must be positive")
    return value


def counter_value(counter: Counter, amount: Money, on: date, rate: RateFinder) -> Money:
    """The same value in the counter-order's currency, at the rate of the settlement day."""
    if not counter.owed_in or amount.currency in counter.owed_in:
        return amount
    currency = sorted(counter.owed_in)[0]
    return amount.convert(rate(amount.currency, currency, on), currency)


def settle(
    method: str,
    *,
    ref: str,
    account: OrderAccount,
    permitted: frozenset[str],
    on: date,
    amount: str | None = None,
    currency: str | None = None,
    returned: Sequence[Returned] = (),
    counter: Counter | None = None,
    rate: RateFinder | None = None,
) -> Settled:
    """The settlement's value and postings under `method`; raises when the rules refuse it.

    Only the agreement's `permitted` methods settle. An exchange also settles the
    counter-order, which must run the other way under the same agreement.
    """
    if method not in permitted or method not in Method.__members__.values():
        raise _not_permitted(account, method)
    chosen = Method(method)
    value = settlement_value(chosen, amount, currency, returned)
    postings = [_posting(account, ref, value, on, chosen)]
    in_kind = chosen is Method.REPLACEMENT_IN_KIND
    returned_lines = tuple((r.line, r.quantity) for r in returned) if in_kind else ()
    if chosen is Method.EQUAL_VALUE_EXCHANGE:
        if counter is None:
            raise InvalidInput("an equal-value exchange names its counter_order")
        other = counter.account
        if (other.agreement, other.creditor, other.debtor) != (
            account.agreement,
            account.debtor,
            account.creditor,
        ):
            raise Conflict("the counter-order must run the other way under the same agreement")
        converted = counter_value(counter, value, on, rate or _no_rates)
        postings.append(_posting(other, f"{ref}:counter", converted, on, chosen))
    return Settled(value, postings, returned_lines)


def _no_rates(base: str, quote: str, on: date) -> Decimal:
    raise InvalidInput(f"no {base}/{quote} rate on or before {on.isoformat()}")


def _posting(account: OrderAccount, ref: str, amount: Money, on: date, method: Method) -> Posting:
    return settlement_posting(
        ref,
        agreement=account.agreement,
        order=account.order,
        creditor=account.creditor,
        debtor=account.debtor,
        amount=amount,
        settled_on=on,
        method=method.value,
    )
