"""The receipt rule: only the requesting party, only a recorded delivery of the order, once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from relos.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from relos.logistics.deliveries.receipt import DeliveryState, check_receipt

DELIVERED = datetime(2026, 7, 3, 10, tzinfo=UTC)
LATER = datetime(2026, 7, 3, 12, tzinfo=UTC)
OPEN = DeliveryState("d1", "o1", DELIVERED, None)


def test_the_requesting_party_acknowledges_a_recorded_delivery() -> None:
    check_receipt("IN", "IN", "o1", "d1", OPEN, LATER)


def test_the_supplying_party_may_not_acknowledge() -> None:
    with pytest.raises(Forbidden, match="requesting party"):
        check_receipt("RU", "IN", "o1", "d1", OPEN, LATER)


def test_an_unknown_delivery_or_one_of_another_order_is_not_found() -> None:
    with pytest.raises(NotFound):
        check_receipt("IN", "IN", "o1", "d9", None, LATER)
    with pytest.raises(NotFound):
        check_receipt("IN", "IN", "o2", "d1", OPEN, LATER)


def test_a_second_receipt_conflicts() -> None:
    received = DeliveryState("d1", "o1", DELIVERED, LATER)
    with pytest.raises(Conflict, match="already"):
        check_receipt("IN", "IN", "o1", "d1", received, LATER)


def test_a_receipt_before_the_delivery_is_bad_input() -> None:
    with pytest.raises(InvalidInput):
        check_receipt("IN", "IN", "o1", "d1", OPEN, datetime(2026, 7, 1, tzinfo=UTC))
