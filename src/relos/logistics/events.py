"""What happened in logistics: one typed event per change, with all it takes to redo it.

Each event carries the full content of the change (not a digest) and the outcome the
rules decided (the new status, the priced lots, the ledger postings), so a projector can
write the read tables from the event alone, here or on a partner's node, and a replay of
the events rebuilds exactly the same tables. Type names are stable and versioned.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from relos.kit.money import Money
from relos.logistics.ledger.postings import Posting, PostingKind


class Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type_name: ClassVar[str]


class PostingRecord(BaseModel):
    """A ledger posting as events carry it (amount signed from the creditor's side)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ref: str
    kind: str
    agreement: str
    order: str
    creditor: str
    debtor: str
    amount: Decimal
    currency: str
    booked_on: date
    due_on: date | None = None
    reverses: str | None = None
    method: str | None = None
    memo: str = ""

    @classmethod
    def of(cls, posting: Posting) -> PostingRecord:
        return cls(
            ref=posting.ref,
            kind=posting.kind.value,
            agreement=posting.agreement,
            order=posting.order,
            creditor=posting.creditor,
            debtor=posting.debtor,
            amount=posting.amount.amount,
            currency=posting.currency,
            booked_on=posting.booked_on,
            due_on=posting.due_on,
            reverses=posting.reverses,
            method=posting.method,
            memo=posting.memo,
        )

    def posting(self) -> Posting:
        return Posting(
            self.ref,
            PostingKind(self.kind),
            self.agreement,
            self.order,
            self.creditor,
            self.debtor,
            Money(self.amount, self.currency),
            self.booked_on,
            self.due_on,
            self.reverses,
            self.method,
            self.memo,
        )


class PriceRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    supplying_party: str
    facility: str | None
    item: str
    category: str
    unit: str
    unit_price: Decimal
    currency: str
    valid_from: date
    valid_to: date | None
    source: str


class PricesImported(Event):
    type_name = "logistics.prices_imported.v1"
    lines: list[PriceRecord]
    imported_at: datetime
    imported_by: str


class RateRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    base: str
    quote: str
    on: date
    rate: Decimal
    source: str


class RatesImported(Event):
    """Rates stored with their provenance; a rate already stored for its day is replaced."""

    type_name = "logistics.rates_imported.v1"
    rates: list[RateRecord]


class LineRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    category: str
    item: str
    quantity: Decimal
    unit: str


class OrderRaised(Event):
    type_name = "logistics.order_raised.v1"
    order: str
    agreement: str
    requesting_party: str
    supplying_party: str
    facility: str
    deployment: str | None
    settlement: str
    counter_to: str | None
    lines: list[LineRecord]
    created_at: datetime
    created_by: str


class OrderSigned(Event):
    type_name = "logistics.order_signed.v1"
    order: str
    party: str
    signed_by: str
    signed_at: datetime
    status: str


class LotRecord(BaseModel):
    """One delivered line at the price in force that day, and the posting it made."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int
    quantity: Decimal
    unit_price: Decimal
    currency: str
    amount: Decimal
    posting: str


class DeliveryRecorded(Event):
    """A delivery and its receipt by the receiving side's officer, priced and posted."""

    type_name = "logistics.delivery_recorded.v1"
    delivery: str
    order: str
    delivered_at: datetime
    received_by: str
    recorded_by: str
    recorded_at: datetime
    lots: list[LotRecord]
    postings: list[PostingRecord]
    status: str


class QuantityRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int
    quantity: Decimal


class SettlementRecorded(Event):
    type_name = "logistics.settlement_recorded.v1"
    settlement: str
    order: str
    method: str
    amount: Decimal
    currency: str
    settled_at: datetime
    reference: str
    counter_order: str | None
    returned: list[QuantityRecord]
    recorded_by: str
    recorded_at: datetime
    postings: list[PostingRecord]
    statuses: dict[str, str]


class PostingReversed(Event):
    type_name = "logistics.posting_reversed.v1"
    order: str
    reason: str
    posting: PostingRecord
    undelivered: list[QuantityRecord]
    status: str
    recorded_at: datetime


class PostingsImported(Event):
    """A batch of postings from a legacy or partner system, booked whole."""

    type_name = "logistics.postings_imported.v1"
    postings: list[PostingRecord]
    recorded_at: datetime


EVENTS: tuple[type[Event], ...] = (
    PricesImported,
    RatesImported,
    OrderRaised,
    OrderSigned,
    DeliveryRecorded,
    SettlementRecorded,
    PostingReversed,
    PostingsImported,
)
