"""Logistics tables: price lists, support orders, deliveries, settlements and the ledger.

Money is stored as an integer count of the currency's minor units (exact on both databases
and fast to add up); quantities and unit prices, which may be finer than a minor unit, as
decimal text. Ledger postings and entries are append-only: the migration adds triggers
that refuse UPDATE and DELETE on them. `ledger_balances` is the one mutable ledger table,
kept in step with the postings inside the same transaction so a balance is one row read.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from relos.kit.db import Base
from relos.kit.types import DecimalText, UTCDateTime


class PriceRow(Base):
    __tablename__ = "price_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supplying_party: Mapped[str] = mapped_column(String(2))
    facility: Mapped[str | None] = mapped_column(String(16), nullable=True)
    item: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str] = mapped_column(String(20))
    unit_price: Mapped[Decimal] = mapped_column(DecimalText)
    currency: Mapped[str] = mapped_column(String(3))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Provenance: a published list, or "illustrative" where no public source gives prices.
    source: Mapped[str] = mapped_column(String(400))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(100))

    __table_args__ = (Index("ix_price_lines_key", "supplying_party", "item", "facility"),)


class OrderRow(Base):
    __tablename__ = "support_orders"
    __table_args__ = (Index("ux_support_orders_reference", "reference", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # The human reference, e.g. ORD-RU-2027-0007 (relos.references).
    reference: Mapped[str] = mapped_column(String(40))
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"), index=True)
    requesting_party: Mapped[str] = mapped_column(String(2), index=True)
    supplying_party: Mapped[str] = mapped_column(String(2), index=True)
    facility: Mapped[str] = mapped_column(String(16))
    deployment_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    settlement: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30), index=True)
    counter_to: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class OrderLineRow(Base):
    __tablename__ = "support_order_lines"

    order_id: Mapped[str] = mapped_column(ForeignKey("support_orders.id"), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(50))
    item: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    unit: Mapped[str] = mapped_column(String(20))
    delivered: Mapped[Decimal] = mapped_column(DecimalText)
    returned: Mapped[Decimal] = mapped_column(DecimalText)


class SignatureRow(Base):
    """One side's signature; the primary key makes a second signature by one side impossible."""

    __tablename__ = "support_order_signatures"

    order_id: Mapped[str] = mapped_column(ForeignKey("support_orders.id"), primary_key=True)
    party: Mapped[str] = mapped_column(String(2), primary_key=True)
    signed_by: Mapped[str] = mapped_column(String(100))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeliveryRow(Base):
    __tablename__ = "deliveries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("support_orders.id"), index=True)
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_by: Mapped[str] = mapped_column(String(100))
    recorded_by: Mapped[str] = mapped_column(String(100))
    # [{"line", "quantity", "unit_price", "currency", "amount"}]: the priced lots.
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # The requesting party's receipt (support_order.received.v1); null until acknowledged.
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    receipt_officer: Mapped[str | None] = mapped_column(String(100), nullable=True)
    receipt_note: Mapped[str | None] = mapped_column(String(500), nullable=True)


class SettlementRow(Base):
    __tablename__ = "settlements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("support_orders.id"), index=True)
    method: Mapped[str] = mapped_column(String(30))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    settled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reference: Mapped[str] = mapped_column(String(200))
    counter_order: Mapped[str | None] = mapped_column(String(36), nullable=True)
    returned: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    recorded_by: Mapped[str] = mapped_column(String(100))


# What a statement reads of a posting besides its day (see PostingRow's indexes).
_STATEMENT_READ = ("ref", "creditor", "debtor", "kind", "order_id", "currency", "amount_minor")


class PostingRow(Base):
    """One balanced ledger posting (immutable; see the migration's triggers)."""

    __tablename__ = "ledger_postings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ref: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    agreement_id: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[str] = mapped_column(String(36))
    creditor: Mapped[str] = mapped_column(String(2))
    debtor: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    booked_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    reverses: Mapped[str | None] = mapped_column(String(80), nullable=True, unique=True)
    method: Mapped[str | None] = mapped_column(String(30), nullable=True)
    memo: Mapped[str] = mapped_column(String(400))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_ledger_postings_order", "order_id", "currency"),
        Index("ix_ledger_postings_creditor", "creditor", "booked_on"),
        Index("ix_ledger_postings_debtor", "debtor", "booked_on"),
        # A statement's period reads its lines from this index alone (an index-only scan
        # on PostgreSQL): a day's postings sit on as many table pages as there are lines.
        Index("ix_ledger_postings_by_day", "booked_on", *_STATEMENT_READ),
    )


class EntryRow(Base):
    """One leg of a posting: a debit or credit of one party's account (immutable)."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    posting_ref: Mapped[str] = mapped_column(ForeignKey("ledger_postings.ref"), index=True)
    account: Mapped[str] = mapped_column(String(20))
    holder: Mapped[str] = mapped_column(String(2))
    counterparty: Mapped[str] = mapped_column(String(2))
    side: Mapped[str] = mapped_column(String(6))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


class BalanceRow(Base):
    """What `debtor` owes `creditor` under an agreement, kept in step with the postings."""

    __tablename__ = "ledger_balances"

    agreement_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    creditor: Mapped[str] = mapped_column(String(2), primary_key=True)
    debtor: Mapped[str] = mapped_column(String(2), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)


class PositionRow(Base):
    """What is still owed on one order in one currency, kept in step with the postings.

    The overdue list as of today reads only the orders with something owed, instead of
    adding up every posting ever booked.
    """

    __tablename__ = "ledger_positions"

    order_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    agreement_id: Mapped[str] = mapped_column(String(64))
    creditor: Mapped[str] = mapped_column(String(2))
    debtor: Mapped[str] = mapped_column(String(2))
    owed_minor: Mapped[int] = mapped_column(BigInteger, index=True)


class DayTotalRow(Base):
    """The net amount booked per agreement, creditor, debtor, currency and day, and how
    many postings it adds up.

    Kept in step with the postings, so a statement's opening position for any past day adds
    up a few rows per day instead of every posting booked before it, and a statement page
    deep into a long period finds the day its first line falls on from the day counts
    instead of walking every earlier line (statements.paging).
    """

    __tablename__ = "ledger_day_totals"

    agreement_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    creditor: Mapped[str] = mapped_column(String(2), primary_key=True)
    debtor: Mapped[str] = mapped_column(String(2), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    booked_on: Mapped[date] = mapped_column(Date, primary_key=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    postings: Mapped[int] = mapped_column(Integer)


# What the overdue list reads of a span besides its days (see OverdueSpanRow's indexes).
_SPAN_READ = (
    "due_on",
    "order_id",
    "currency",
    "agreement_id",
    "creditor",
    "debtor",
    "amount_minor",
)


class OverdueSpanRow(Base):
    """A stretch of days [from_day, until_day) on which an order had an amount overdue.

    Worked out from the order's postings with the same first-in-first-out rule the overdue
    list applies (statements.reports.overdue_spans), so the list for any day reads the spans
    that contain it. Bounded spans are cut at month starts and filed under their month
    (`month`), so a day's read touches one month's spans; a span still open (`until_day`
    None) has no month.
    """

    __tablename__ = "ledger_overdue_spans"

    order_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    from_day: Mapped[date] = mapped_column(Date, primary_key=True)
    until_day: Mapped[date | None] = mapped_column(Date, nullable=True)
    month: Mapped[date | None] = mapped_column(Date, nullable=True)
    agreement_id: Mapped[str] = mapped_column(String(64))
    creditor: Mapped[str] = mapped_column(String(2))
    debtor: Mapped[str] = mapped_column(String(2))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    due_on: Mapped[date] = mapped_column(Date)

    # The overdue list for a day reads only these two indexes, every column it returns in
    # the index (an index-only scan on PostgreSQL, a covering index on SQLite): closed
    # pieces of the day's month still running after it, and open spans begun by it.
    __table_args__ = (
        Index("ix_ledger_overdue_spans_closed", "month", "until_day", "from_day", *_SPAN_READ),
        Index(
            "ix_ledger_overdue_spans_open",
            "from_day",
            *_SPAN_READ,
            "month",  # always null here, but SQLite covers a read only with every column named
            postgresql_where=text("month IS NULL"),
            sqlite_where=text("month IS NULL"),
        ),
    )


class RateRow(Base):
    __tablename__ = "exchange_rates"

    base: Mapped[str] = mapped_column(String(3), primary_key=True)
    quote: Mapped[str] = mapped_column(String(3), primary_key=True)
    on: Mapped[date] = mapped_column(Date, primary_key=True)
    rate: Mapped[Decimal] = mapped_column(DecimalText)
    source: Mapped[str] = mapped_column(String(400))
