"""The life of a support order, pure: each transition from what happened to the new status.

requested -> agreed (both sides signed) -> partially_delivered -> delivered -> settled
(nothing owed). A reversed delivery steps back; a reversed settlement reopens a settled
order. The services store what these functions return; they decide nothing themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum

from relos.kit.errors import Conflict


class OrderStatus(StrEnum):
    REQUESTED = "requested"
    AGREED = "agreed"
    PARTIALLY_DELIVERED = "partially_delivered"
    DELIVERED = "delivered"
    SETTLED = "settled"


DELIVERABLE = frozenset({OrderStatus.AGREED, OrderStatus.PARTIALLY_DELIVERED})


def status_after_signature(
    status: OrderStatus, parties: tuple[str, str], signed_by: frozenset[str], party: str
) -> OrderStatus:
    """Status after `party` signs; both sides' signatures make the order `agreed`."""
    if party not in parties:
        raise Conflict(f"{party} is not a party to this order")
    if party in signed_by:
        raise Conflict(f"{party} has already signed this order")
    if status is not OrderStatus.REQUESTED:
        raise Conflict(f"an order that is {status} cannot be signed")
    return OrderStatus.AGREED if signed_by | {party} >= set(parties) else OrderStatus.REQUESTED


def status_after_delivery(ordered: Sequence[Decimal], delivered: Sequence[Decimal]) -> OrderStatus:
    complete = all(d >= o for o, d in zip(ordered, delivered, strict=True))
    return OrderStatus.DELIVERED if complete else OrderStatus.PARTIALLY_DELIVERED


def status_after_settlement(status: OrderStatus, owed_nothing: bool) -> OrderStatus:
    """A fully delivered order with nothing owed in any currency is `settled` (closed)."""
    if status is OrderStatus.DELIVERED and owed_nothing:
        return OrderStatus.SETTLED
    if status is OrderStatus.SETTLED and not owed_nothing:
        return OrderStatus.DELIVERED
    return status


def status_after_reversal(
    status: OrderStatus, delivered: Sequence[Decimal], undelivered: bool, owed_nothing: bool
) -> OrderStatus:
    """Status after a posting is reversed; `undelivered` when it was a delivery's posting.

    A reversed delivery gives its quantity back, so the right one can be recorded: the
    order is open for delivery again, or `agreed` when nothing is left delivered.
    """
    if undelivered:
        if status in (OrderStatus.DELIVERED, OrderStatus.SETTLED):
            status = OrderStatus.PARTIALLY_DELIVERED
        if all(quantity == 0 for quantity in delivered):
            status = OrderStatus.AGREED
    return status_after_settlement(status, owed_nothing)
