"""Commands are validated once, at the boundary: widths of the columns, no NUL, UTC instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from relos.kit.errors import InvalidInput
from relos.logistics.commands import (
    ImportPrices,
    RaiseOrder,
    RecordDelivery,
    RecordSettlement,
    build,
)
from relos.logistics.prices.parse import MAX_PRICE_LINES

LINE = {
    "supplying_party": " RU ",
    "item": "F-76",
    "category": "fuel",
    "unit": "t",
    "unit_price": "70000.00",
    "currency": "RUB",
    "valid_from": "2026-01-01",
}


def test_price_lines_are_stripped_and_bounded_by_their_columns() -> None:
    command = build(ImportPrices, {"lines": [LINE]})
    assert command.lines[0].supplying_party == "RU"
    with pytest.raises(InvalidInput, match=r"lines\.0\.item: .*100 characters"):
        build(ImportPrices, {"lines": [{**LINE, "item": "x" * 101}]})
    with pytest.raises(InvalidInput, match="NUL"):
        build(ImportPrices, {"lines": [{**LINE, "source": "a\x00b"}]})
    with pytest.raises(InvalidInput, match="lines"):
        build(ImportPrices, {"lines": [LINE] * (MAX_PRICE_LINES + 1)})


def test_an_order_may_lack_elements_but_not_hold_nul_or_overlong_ones() -> None:
    assert build(RaiseOrder, {}).lines is None  # the rules report what is missing
    with pytest.raises(InvalidInput, match="facility"):
        build(RaiseOrder, {"facility": "RUVVO\x00"})
    with pytest.raises(InvalidInput, match=r"\(and 1 more\)"):
        build(RaiseOrder, {"agreement": "a" * 65, "settlement": "s" * 31})


def test_instants_are_held_in_utc_and_must_fit_in_it() -> None:
    body = {"order": "o", "lines": [{"line": 0, "quantity": "1"}], "received_by": "X"}
    india = timezone(timedelta(hours=5, minutes=30))
    command = build(
        RecordDelivery, {**body, "delivered_at": datetime(2026, 7, 3, 10, tzinfo=india)}
    )
    assert command.delivered_at == datetime(2026, 7, 3, 4, 30, tzinfo=UTC)
    assert command.delivered_at.utcoffset() == timedelta(0)
    with pytest.raises(InvalidInput, match="delivered_at"):
        build(RecordDelivery, {**body, "delivered_at": "9999-12-31T23:00:00-05:00"})
    with pytest.raises(InvalidInput, match="delivered_at"):
        build(RecordDelivery, {**body, "delivered_at": "2026-07-03T10:00:00"})  # no offset


def test_a_settlement_names_a_known_method() -> None:
    body = {"order": "o", "settled_at": "2026-08-01T00:00:00Z", "amount": "1", "currency": "RUB"}
    assert build(RecordSettlement, {**body, "method": "cash"}).method == "cash"
    with pytest.raises(InvalidInput, match="method"):
        build(RecordSettlement, {**body, "method": "barter"})
