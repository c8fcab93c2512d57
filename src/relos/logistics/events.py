"""What happened in logistics: one typed event per change, with all it takes to redo it.

Each event carries the full content of the change (not a digest) and the outcome the
rules decided (the new status, the priced lots, the ledger postings), so a projector can
write the read tables from the event alone, here or on a partner's node, and a replay of
the events rebuilds exactly the same tables (see docs/events.md). Type names are stable
and versioned; a new shape is a new class with the next version.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from relos.events import INTERNAL, DomainEvent, Route, event
from relos.kit.money import Money
from relos.logistics.ledger.postings import Posting, PostingKind


class OrderEvent(DomainEvent):
    """An event about one support order, in the log of the order's agreement."""

    order: str
    agreement: str
    parties: tuple[str, str]  # requesting, supplying

    def route(self) -> Route:
        return Route(self.agreement, "support_order", self.order, self.parties)


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


@event
class PricesImported(DomainEvent):
    event_type = "price_list.imported.v1"
    lines: list[PriceRecord]
    imported_at: datetime
    imported_by: str

    def route(self) -> Route:
        parties = tuple(sorted({line.supplying_party for line in self.lines}))
        return Route(INTERNAL, "price_list", ",".join(parties), parties)


class RateRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    base: str
    quote: str
    on: date
    rate: Decimal
    source: str


@event
class RatesImported(DomainEvent):
    """Rates stored with their provenance; a rate already stored for its day is replaced."""

    event_type = "exchange_rates.imported.v1"
    rates: list[RateRecord]

    def route(self) -> Route:
        return Route(INTERNAL, "exchange_rates", str(len(self.rates)), ())


class LineRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    category: str
    item: str
    quantity: Decimal
    unit: str


@event
class OrderRaised(OrderEvent):
    event_type = "support_order.raised.v1"
    # The human reference (ORD-RU-2027-0007), taken when the order was raised: replay
    # reproduces it from here. Empty only in events recorded before references existed.
    reference: str = ""
    facility: str
    deployment: str | None
    settlement: str
    counter_to: str | None
    lines: list[LineRecord]
    created_at: datetime
    created_by: str


@event
class OrderSigned(OrderEvent):
    event_type = "support_order.signed.v1"
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


@event
class DeliveryRecorded(OrderEvent):
    """A delivery and its receipt by the receiving side's officer, priced and posted."""

    event_type = "support_order.delivered.v1"
    delivery: str
    delivered_at: datetime
    received_by: str
    recorded_by: str
    recorded_at: datetime
    lots: list[LotRecord]
    postings: list[PostingRecord]
    status: str


@event
class DeliveryReceived(OrderEvent):
    """The requesting party's acknowledgement that it received one recorded delivery."""

    event_type = "support_order.received.v1"
    delivery: str
    received_at: datetime
    received_by: str
    note: str | None
    recorded_by: str
    recorded_at: datetime


class QuantityRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int
    quantity: Decimal


@event
class SettlementRecorded(OrderEvent):
    event_type = "settlement.recorded.v1"
    settlement: str
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

    def route(self) -> Route:
        return Route(self.agreement, "settlement", self.settlement, self.parties)


@event
class PostingReversed(OrderEvent):
    event_type = "ledger.posting_reversed.v1"
    reason: str
    posting: PostingRecord
    undelivered: list[QuantityRecord]
    status: str
    recorded_at: datetime

    def route(self) -> Route:
        return Route(self.agreement, "ledger_posting", self.posting.reverses or "", self.parties)


@event
class PostingsImported(DomainEvent):
    """A batch of postings from a legacy or partner system, booked whole."""

    event_type = "ledger.postings_imported.v1"
    postings: list[PostingRecord]
    recorded_at: datetime

    def route(self) -> Route:
        parties = sorted({p.creditor for p in self.postings} | {p.debtor for p in self.postings})
        return Route(INTERNAL, "ledger_batch", str(len(self.postings)), tuple(parties))
