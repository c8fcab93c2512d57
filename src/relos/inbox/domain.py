"""Inbox items and the windows that decide when something waits (pure: no I/O)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    CONSENT_REQUESTED = "consent_requested"  # a host exception awaits my party's liaison
    SIGNATURE_REQUESTED = "signature_requested"  # an order awaits my party's signature
    RECEIPT_REQUESTED = "receipt_requested"  # an agreed order's delivery awaits receipt
    SETTLEMENT_OVERDUE = "settlement_overdue"  # my party owes past the deadline
    NOTICE_DUE = "notice_due"  # my party's deployment starts soon: notify the host
    AGREEMENT_EXPIRING = "agreement_expiring"  # a term of my party's agreement ends soon
    EXTENSION_CONSENT = "extension_consent"  # my party has not yet consented to extend


NOTICE_WINDOW = timedelta(days=14)
EXPIRY_WINDOW = timedelta(days=180)


@dataclass(frozen=True)
class Item:
    kind: Kind
    record_type: str
    record_id: str
    reference: str
    title: str
    due: str | None  # RFC 3339 instant or ISO date; None when nothing bounds it
    # What the title says, as values, so a page writes it in its reader's language.
    params: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "kind": self.kind.value}


def starts_soon(start: datetime, now: datetime) -> bool:
    return now <= start < now + NOTICE_WINDOW


def expires_soon(end: datetime | None, now: datetime) -> bool:
    return end is not None and now <= end < now + EXPIRY_WINDOW


def in_due_order(items: list[Item]) -> list[Item]:
    """Soonest first; items with no due date last, then by reference for a stable order."""
    return sorted(items, key=lambda i: (i.due is None, i.due or "", i.kind.value, i.reference))
