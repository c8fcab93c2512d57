"""The results of logistics services: what the API returns, the CLI prints with --json and
the web pages show, from one set of models. Decimals travel as strings.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field, RootModel


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with its $defs inlined (an inline OpenAPI schema cannot use them)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})
    text = json.dumps(schema)
    for name, definition in defs.items():
        text = text.replace(json.dumps({"$ref": f"#/$defs/{name}"}), json.dumps(definition))
    inlined: dict[str, Any] = json.loads(text)
    return inlined


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
    received_at: str | None = Field(None, description="When the requesting party acknowledged it.")
    receipt_officer: str | None = None
    receipt_note: str | None = None


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


class SettlementRecordOut(BaseModel):
    """A settlement as an order lists it (`counter_order` names the other order)."""

    id: str
    method: str
    amount: str
    currency: str
    settled_at: str
    reference: str
    counter_order: str | None
    returned: list[dict[str, str | int]]  # [{"line": 0, "quantity": "5"}]
    recorded_by: str


class BalanceOut(BaseModel):
    agreement: str
    creditor: str
    debtor: str
    currency: str
    amount: str
    converted: str | None = None  # how a reporting-currency balance was converted


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


class SidesOut(BaseModel):
    debit: str
    credit: str


class TrialBalanceOut(RootModel[dict[str, SidesOut]]):
    """Debits and credits per currency (always equal)."""


class PositionOut(BaseModel):
    counterparty: str
    currency: str
    amount: str


class StatementLineOut(BaseModel):
    booked_on: str
    ref: str
    kind: str
    order: str
    counterparty: str
    account: str
    side: str
    amount: str
    currency: str
    balance: str


class StatementOut(BaseModel):
    party: str
    start: str
    end: str
    sign: str
    opening: list[PositionOut]
    lines: list[StatementLineOut]
    closing: list[PositionOut]
