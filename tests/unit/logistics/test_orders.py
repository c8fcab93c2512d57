"""Support orders: required elements, excluded categories, prices, signatures, deliveries."""

from datetime import date
from decimal import Decimal

import pytest

from relos.kit.errors import Conflict, RuleViolations
from relos.kit.money import Money
from relos.logistics.deliveries.domain import check_delivery
from relos.logistics.orders.domain import LogisticsTerms, OrderDraft, OrderLine, validate_order
from relos.logistics.orders.status import OrderStatus, status_after_delivery
from relos.logistics.orders.status import status_after_signature as sign
from relos.logistics.prices.parse import parse_lines
from relos.logistics.prices.table import PriceTable
from relos.logistics.settlement.domain import Lot, value_in_kind

TERMS = LogisticsTerms(
    agreement="in-ru-relos",
    parties=("IN", "RU"),
    excluded_categories=frozenset({"ammunition", "weapon_systems"}),
    allowed_categories=None,
    methods=frozenset({"cash", "replacement_in_kind", "equal_value_exchange"}),
    days_to_settle={"cash": 90},
)
BOOK = PriceTable(
    parse_lines(
        [
            {
                "supplying_party": "RU",
                "item": "F-76",
                "category": "fuel",
                "unit": "t",
                "unit_price": "70000.00",
                "currency": "RUB",
                "valid_from": "2026-01-01",
            },
        ]
    )
)
ON = date(2026, 6, 1)


def fuel(quantity: str = "420", category: str = "fuel", unit: str = "t") -> OrderLine:
    return OrderLine(category, "F-76", Decimal(quantity), unit)


def draft(*lines: OrderLine, **changes: str | None) -> OrderDraft:
    fields: dict[str, str | None] = {
        "agreement": "in-ru-relos",
        "requesting_party": "IN",
        "supplying_party": "RU",
        "facility": "RUVVO",
        "settlement": "cash",
    }
    fields.update(changes)
    return OrderDraft(lines=lines or (fuel(),), **fields)


def codes(order: OrderDraft) -> list[str]:
    with pytest.raises(RuleViolations) as refused:
        validate_order(order, TERMS, BOOK.in_force, ON)
    return [v.code for v in refused.value.violations]


def test_a_complete_order_within_the_terms_passes() -> None:
    try:
        validate_order(draft(), TERMS, BOOK.in_force, ON)
    except RuleViolations as refused:
        pytest.fail(f"a valid order was refused: {refused.violations}")


def test_every_missing_required_element_is_named() -> None:
    order = draft(OrderLine(None, "F-76", None, "t"), facility=None, settlement=None)
    with pytest.raises(RuleViolations) as refused:
        validate_order(order, TERMS, BOOK.in_force, ON)
    fields = [v.extra["field"] for v in refused.value.violations]
    assert fields == ["facility", "settlement", "category", "quantity"]
    assert codes(OrderDraft("in-ru-relos", "IN", "RU", "RUVVO", "cash", ())) == ["missing_element"]


def test_ammunition_is_excluded_under_relos() -> None:
    order = draft(fuel(), OrderLine("Ammunition", "30mm", Decimal(100), "round"))
    with pytest.raises(RuleViolations) as refused:
        validate_order(order, TERMS, BOOK.in_force, ON)
    [violation] = refused.value.violations
    assert (violation.code, violation.element, violation.category) == (
        "category_excluded",
        1,
        "ammunition",
    )


def test_parties_method_and_quantity_are_checked_against_the_terms() -> None:
    assert codes(draft(requesting_party="US")) == ["party_not_in_agreement"]
    assert codes(draft(requesting_party="RU")) == ["same_party"]
    assert codes(draft(settlement="barter")) == ["settlement_not_permitted"]
    assert codes(draft(fuel("0"))) == ["invalid_quantity"]


def test_a_line_without_a_price_in_its_unit_is_no_price() -> None:
    assert codes(draft(fuel(unit="m3"))) == ["no_price"]
    assert codes(draft(supplying_party="IN", requesting_party="RU")) == ["no_price"]


def test_binding_needs_a_signature_from_each_side() -> None:
    first = sign(OrderStatus.REQUESTED, ("IN", "RU"), frozenset(), "IN")
    assert first is OrderStatus.REQUESTED
    assert sign(first, ("IN", "RU"), frozenset({"IN"}), "RU") is OrderStatus.AGREED
    with pytest.raises(Conflict, match="already signed"):
        sign(first, ("IN", "RU"), frozenset({"IN"}), "IN")
    with pytest.raises(Conflict, match="not a party"):
        sign(first, ("IN", "RU"), frozenset(), "FR")


def test_no_delivery_before_agreed_and_no_over_delivery() -> None:
    with pytest.raises(Conflict, match="sign"):
        check_delivery(OrderStatus.REQUESTED, [Decimal(420)], [Decimal(0)], {0: Decimal(1)})
    ordered, done = [Decimal(420), Decimal(10)], [Decimal(400), Decimal(0)]
    problems = check_delivery(
        OrderStatus.AGREED, ordered, done, {0: Decimal(21), 1: Decimal(0), 2: Decimal(1)}
    )
    assert [(p.code, p.element) for p in problems] == [
        ("over_delivery", 0),
        ("invalid_quantity", 1),
        ("unknown_line", 2),
    ]
    assert check_delivery(OrderStatus.PARTIALLY_DELIVERED, ordered, done, {0: Decimal(20)}) == []
    assert (
        status_after_delivery(ordered, [Decimal(420), Decimal(9)])
        is OrderStatus.PARTIALLY_DELIVERED
    )
    assert status_after_delivery(ordered, [Decimal(420), Decimal(10)]) is OrderStatus.DELIVERED


def test_items_returned_in_kind_are_valued_at_their_original_prices_oldest_first() -> None:
    lots = [
        Lot(Decimal(100), Decimal("70000.00"), "RUB"),
        Lot(Decimal(100), Decimal("72000.00"), "RUB"),
    ]
    assert value_in_kind(lots, Decimal(0), Decimal(50)) == Money.exact("3500000.00", "RUB")
    assert value_in_kind(lots, Decimal(50), Decimal(100)) == Money.exact("7100000.00", "RUB")
    with pytest.raises(RuleViolations):
        value_in_kind(lots, Decimal(150), Decimal(51))
