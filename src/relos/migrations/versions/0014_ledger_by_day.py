"""ledger by day: day totals and overdue spans, so past days read as fast as today

Creates ledger_day_totals (the net amount booked per agreement, creditor, debtor,
currency and day: a statement's opening position for any day) and ledger_overdue_spans
(the stretches of days on which an order had an amount overdue, cut at month starts:
the overdue list for any day). Both are projections kept in step with the postings; an
existing ledger is worked through once here.

Revision ID: 0014_ledger_by_day
Revises: 0011_logistics_events
Create Date: 2026-11-30
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0014_ledger_by_day"
down_revision: str | Sequence[str] | None = "0011_logistics_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_day_totals",
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("creditor", sa.String(length=2), nullable=False),
        sa.Column("debtor", sa.String(length=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("agreement_id", "creditor", "debtor", "currency", "booked_on"),
    )
    op.create_table(
        "ledger_overdue_spans",
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("from_day", sa.Date(), nullable=False),
        sa.Column("until_day", sa.Date(), nullable=True),
        sa.Column("month", sa.Date(), nullable=True),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("creditor", sa.String(length=2), nullable=False),
        sa.Column("debtor", sa.String(length=2), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "currency", "from_day"),
    )
    with op.batch_alter_table("ledger_overdue_spans", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_overdue_spans_month", ["month", "from_day"], unique=False)
    _fill()


def _fill() -> None:
    """Work out both tables from the postings already booked (the projectors' own rules)."""
    from relos.logistics.statements.reports import month_pieces, overdue_spans

    bind = op.get_bind()
    bind.execute(
        sa.text(
            "INSERT INTO ledger_day_totals"
            " (agreement_id, creditor, debtor, currency, booked_on, amount_minor)"
            " SELECT agreement_id, creditor, debtor, currency, booked_on, SUM(amount_minor)"
            " FROM ledger_postings"
            " GROUP BY agreement_id, creditor, debtor, currency, booked_on"
        )
    )
    rows = bind.execute(
        sa.text(
            "SELECT order_id, currency, agreement_id, creditor, debtor, booked_on, due_on,"
            " amount_minor FROM ledger_postings ORDER BY order_id, currency"
        )
    )
    moves: dict[tuple[str, str], list[tuple[date, date | None, int]]] = {}
    heads: dict[tuple[str, str], tuple[str, str, str]] = {}
    for order, currency, agreement, creditor, debtor, booked, due, amount in rows:
        moves.setdefault((order, currency), []).append(
            (_day(booked), None if due is None else _day(due), int(amount))
        )
        heads[(order, currency)] = (agreement, creditor, debtor)
    insert = sa.text(
        "INSERT INTO ledger_overdue_spans (order_id, currency, from_day, until_day, month,"
        " agreement_id, creditor, debtor, amount_minor, due_on) VALUES (:order_id, :currency,"
        " :from_day, :until_day, :month, :agreement_id, :creditor, :debtor, :amount_minor,"
        " :due_on)"
    )
    spans = [
        {
            "order_id": order,
            "currency": currency,
            "from_day": begin,
            "until_day": end,
            "month": month,
            "agreement_id": heads[(order, currency)][0],
            "creditor": heads[(order, currency)][1],
            "debtor": heads[(order, currency)][2],
            "amount_minor": span.amount,
            "due_on": span.due_on,
        }
        for (order, currency), history in moves.items()
        for span in overdue_spans(history)
        for month, begin, end in month_pieces(span)
    ]
    if spans:
        bind.execute(insert, spans)


def _day(value: object) -> date:
    # SQLite hands plain SQL dates back as text.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def downgrade() -> None:
    with op.batch_alter_table("ledger_overdue_spans", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_overdue_spans_month")
    op.drop_table("ledger_overdue_spans")
    op.drop_table("ledger_day_totals")
