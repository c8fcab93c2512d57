"""API shapes for the inbox."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

KindOut = Literal[
    "consent_requested",
    "signature_requested",
    "receipt_requested",
    "settlement_overdue",
    "notice_due",
    "agreement_expiring",
    "extension_consent",
]


class InboxItemOut(BaseModel):
    kind: KindOut
    record_type: str = Field(examples=["deployment", "support_order", "agreement"])
    record_id: str
    reference: str = Field(examples=["RELOS-IN-2027-0042"])
    title: str
    due: str | None = Field(description="RFC 3339 instant or ISO date; null if unbounded.")
    params: dict[str, str] = Field(
        default_factory=dict,
        description="The title's values: facility and items of an order; amount, currency"
        " and creditor of an overdue settlement.",
        examples=[{"amount": "57000.00", "currency": "RUB", "creditor": "RU"}],
    )
