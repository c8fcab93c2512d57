"""The pure settlement core and the order's status transitions: no database, no service."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relos.kit.errors import Conflict, InvalidInput, RuleViolations
from relos.kit.money import Money
from relos.logistics.ledger.postings import OrderAccount, PostingKind
from relos.logistics.orders.status import (
    OrderStatus,
    status_after_delivery,
    status_after_reversal,
    status_after_settlement,
)
from relos.logistics.settlement.domain import Counter, Lot, Returned, settle

ALL = frozenset({"cash", "replacement_in_kind", "equal_value_exchange"})
FUEL = OrderAccount("in-ru-relos", "o-1", creditor="RU", debtor="IN")
BACK = OrderAccount("in-ru-relos", "o-2", creditor="IN", debtor="RU")
DAY = date(2026, 8, 1)
LOTS = [Lot(Decimal("10"), Decimal("70000.00"), "RUB"), Lot(Decimal("5"), Decimal("72000"), "RUB")]


def test_cash_makes_one_settlement_posting_for_the_stated_amount() -> None:
    settled = settle(
        "cash", ref="s", account=FUEL, permitted=ALL, on=DAY, amount="100.50", currency="RUB"
    )
    [posting] = settled.postings
    assert settled.amount == Money.exact("100.50", "RUB")
    assert (posting.kind, posting.amount, posting.method) == (
        PostingKind.SETTLEMENT,
        -Money.exact("100.50", "RUB"),
        "cash",
    )
    assert (posting.creditor, posting.debtor, posting.booked_on) == ("RU", "IN", DAY)


@pytest.mark.parametrize("amount", ["0", "-5", ""])
def test_a_settlement_must_be_worth_something(amount: str) -> None:
    with pytest.raises(InvalidInput):
        settle("cash", ref="s", account=FUEL, permitted=ALL, on=DAY, amount=amount, currency="RUB")


def test_a_method_the_agreement_does_not_provide_for_is_refused() -> None:
    with pytest.raises(RuleViolations) as refused:
        settle(
            "cash", ref="s", account=FUEL, permitted=frozenset(), on=DAY, amount="1", currency="RUB"
        )
    assert refused.value.violations[0].code == "settlement_not_permitted"
    with pytest.raises(RuleViolations):
        settle("barter", ref="s", account=FUEL, permitted=ALL | {"barter"}, on=DAY, amount="1")


def test_replacement_in_kind_is_worth_the_returned_items_at_their_original_prices() -> None:
    returned = [Returned(0, Decimal("12"), LOTS, Decimal("0"))]
    settled = settle(
        "replacement_in_kind", ref="s", account=FUEL, permitted=ALL, on=DAY, returned=returned
    )
    assert settled.amount == Money.exact("844000.00", "RUB")  # 10 x 70,000 + 2 x 72,000
    with pytest.raises(Conflict):
        settle(
            "replacement_in_kind",
            ref="s",
            account=FUEL,
            permitted=ALL,
            on=DAY,
            amount="1.00",
            returned=returned,
        )


def test_a_line_returned_twice_in_one_settlement_counts_both_times() -> None:
    twice = [Returned(0, Decimal("8"), LOTS, Decimal("0"))] * 2
    with pytest.raises(RuleViolations):  # 16 of 15 delivered
        settle("replacement_in_kind", ref="s", account=FUEL, permitted=ALL, on=DAY, returned=twice)
    with pytest.raises(InvalidInput):
        settle("replacement_in_kind", ref="s", account=FUEL, permitted=ALL, on=DAY)


def test_an_exchange_settles_both_orders_at_the_day_s_rate() -> None:
    counter = Counter(BACK, frozenset({"INR"}))
    settled = settle(
        "equal_value_exchange",
        ref="s",
        account=FUEL,
        permitted=ALL,
        on=DAY,
        amount="1000.00",
        currency="RUB",
        counter=counter,
        rate=lambda base, quote, on: Decimal("1.05"),
    )
    mine, theirs = settled.postings
    assert mine.amount == -Money.exact("1000.00", "RUB")
    assert (theirs.ref, theirs.order, theirs.amount) == (
        "s:counter",
        "o-2",
        -Money.exact("1050.00", "INR"),
    )
    with pytest.raises(InvalidInput):
        settle(
            "equal_value_exchange",
            ref="s",
            account=FUEL,
            permitted=ALL,
            on=DAY,
            amount="1",
            currency="RUB",
        )
    same_way = Counter(FUEL, frozenset({"RUB"}))
    with pytest.raises(Conflict):
        settle(
            "equal_value_exchange",
            ref="s",
            account=FUEL,
            permitted=ALL,
            on=DAY,
            amount="1",
            currency="RUB",
            counter=same_way,
        )


def test_statuses_follow_deliveries_settlements_and_reversals() -> None:
    assert status_after_delivery([Decimal(10)], [Decimal(4)]) is OrderStatus.PARTIALLY_DELIVERED
    assert status_after_delivery([Decimal(10)], [Decimal(10)]) is OrderStatus.DELIVERED
    assert status_after_settlement(OrderStatus.DELIVERED, True) is OrderStatus.SETTLED
    assert status_after_settlement(OrderStatus.PARTIALLY_DELIVERED, True) is (
        OrderStatus.PARTIALLY_DELIVERED
    )
    assert status_after_settlement(OrderStatus.SETTLED, False) is OrderStatus.DELIVERED
    settled = OrderStatus.SETTLED
    assert status_after_reversal(settled, [Decimal(6)], True, False) is (
        OrderStatus.PARTIALLY_DELIVERED
    )
    assert status_after_reversal(settled, [Decimal(0)], True, True) is OrderStatus.AGREED
    assert status_after_reversal(settled, [Decimal(10)], False, False) is OrderStatus.DELIVERED


def test_only_a_replacement_in_kind_returns_items() -> None:
    returned = [Returned(0, Decimal("2"), LOTS, Decimal("0"))]
    in_kind = settle(
        "replacement_in_kind", ref="s", account=FUEL, permitted=ALL, on=DAY, returned=returned
    )
    assert in_kind.returned == ((0, Decimal("2")),)
    cash = settle(
        "cash",
        ref="s",
        account=FUEL,
        permitted=ALL,
        on=DAY,
        amount="1",
        currency="RUB",
        returned=returned,
    )
    assert cash.returned == ()
