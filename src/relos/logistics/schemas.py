"""API shapes for price lists, support orders, deliveries, settlements and the ledger.

Order fields are optional in the schema on purpose: a missing required element is a rule
break the order rules report as `missing_element`, with the others, in one answer.
Decimals travel as strings.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Method = Literal["cash", "replacement_in_kind", "equal_value_exchange"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PriceLineIn(_In):
    supplying_party: str
    facility: str | None = None
    item: str
    category: str
    unit: str
    unit_price: str
    currency: str
    valid_from: str
    valid_to: str | None = None
    source: str = ""


class PriceListIn(_In):
    lines: list[PriceLineIn] = Field(min_length=1)


class ImportOut(BaseModel):
    imported: int
    unchanged: int = 0


class PriceOut(BaseModel):
    id: int
    supplying_party: str
    facility: str | None
    item: str
    category: str
    unit: str
    unit_price: str
    currency: str
    valid_from: str
    valid_to: str | None
    source: str


class OrderLineIn(_In):
    category: str | None = None
    item: str | None = None
    quantity: Decimal | None = Field(None, max_digits=18, decimal_places=6)
    unit: str | None = None


class OrderIn(_In):
    agreement: str | None = None
    requesting_party: str | None = None
    supplying_party: str | None = None
    facility: str | None = None
    deployment: str | None = None
    settlement: str | None = None
    counter_to: str | None = Field(None, description="The order this one pays back in kind.")
    lines: list[OrderLineIn] | None = None


class LineOut(BaseModel):
    line: int
    category: str
    item: str
    quantity: str
    unit: str
    delivered: str
    returned: str


class SignatureOut(BaseModel):
    party: str
    signed_by: str
    signed_at: str


class LotOut(BaseModel):
    line: int
    quantity: str
    unit_price: str
    currency: str
    amount: str
    posting: str


class DeliveryOut(BaseModel):
    id: str
    delivered_at: str
    received_by: str
    recorded_by: str
    lines: list[LotOut]


class OwedOut(BaseModel):
    currency: str
    amount: str


class OrderOut(BaseModel):
    id: str
    reference: str = Field(description="Human reference, e.g. ORD-RU-2027-0007.")
    agreement: str
    requesting_party: str
    supplying_party: str
    facility: str
    deployment: str | None
    settlement: str
    status: str
    counter_to: str | None
    created_at: str
    created_by: str
    lines: list[LineOut]
    signatures: list[SignatureOut]
    deliveries: list[DeliveryOut]
    owed: list[OwedOut]


class SignIn(_In):
    party: str | None = Field(
        None, description="Only for the operator; users sign for their party."
    )


class DeliveryLineIn(_In):
    line: int = Field(ge=0, le=10_000)
    quantity: Decimal = Field(max_digits=18, decimal_places=6)


class DeliveryIn(_In):
    lines: list[DeliveryLineIn] = Field(min_length=1)
    delivered_at: AwareDatetime
    received_by: str = Field(min_length=1, max_length=100)


class ReturnedLineIn(_In):
    line: int = Field(ge=0, le=10_000)
    quantity: Decimal = Field(max_digits=18, decimal_places=6)


class SettlementIn(_In):
    order: str
    method: Method
    amount: str | None = None
    currency: str | None = None
    settled_at: AwareDatetime
    reference: str = Field("", max_length=200)
    lines: list[ReturnedLineIn] | None = Field(None, description="Items returned in kind.")
    counter_order: str | None = Field(None, description="The counter-order of an exchange.")


class SettlementOut(BaseModel):
    id: str
    order: str
    method: str
    amount: str
    currency: str
    settled_at: str
    reference: str
    counter_order: str | None
    order_status: str


class ReversalIn(_In):
    ref: str
    reason: str = Field(min_length=1, max_length=400)


class BalanceOut(BaseModel):
    agreement: str
    creditor: str
    debtor: str
    currency: str
    amount: str


class EntryOut(BaseModel):
    account: str
    holder: str
    counterparty: str
    side: str
    amount: str


class PostingOut(BaseModel):
    ref: str
    kind: str
    agreement: str
    order: str
    creditor: str
    debtor: str
    amount: str
    currency: str
    booked_on: str
    due_on: str | None
    reverses: str | None
    method: str | None
    memo: str
    entries: list[EntryOut]
    order_reference: str | None = None


class OverdueOut(BaseModel):
    agreement: str
    order: str
    creditor: str
    debtor: str
    currency: str
    amount: str
    due_on: str
    days_overdue: int
