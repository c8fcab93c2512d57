"""Receipts, pure: who may acknowledge a delivery, and when.

One writer per fact: the supplying party records a delivery; the requesting party, which
received it, acknowledges the receipt, once per delivery and only for a delivery recorded
against that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from relos.kit.errors import Conflict, Forbidden, InvalidInput, NotFound


@dataclass(frozen=True)
class DeliveryState:
    """What the rule needs of a recorded delivery."""

    id: str
    order: str
    delivered_at: datetime
    received_at: datetime | None


def check_receipt(
    party: str,
    requesting: str,
    order: str,
    delivery_id: str,
    delivery: DeliveryState | None,
    received_at: datetime,
) -> None:
    """Raise unless `party` may acknowledge delivery `delivery_id` of `order` now."""
    if delivery is None or delivery.order != order:
        raise NotFound(f"order {order!r} has no delivery {delivery_id!r}")
    if party != requesting:
        raise Forbidden(
            f"only the requesting party ({requesting}) acknowledges receipt of a delivery"
        )
    if delivery.received_at is not None:
        raise Conflict(f"delivery {delivery_id!r} was acknowledged already")
    if received_at < delivery.delivered_at:
        raise InvalidInput(f"received_at is before the delivery's delivered_at ({delivery_id})")
