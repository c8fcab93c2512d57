"""ledger read indexes: the overdue list and a statement's lines from covering indexes

Replaces ix_ledger_overdue_spans_month (month, from_day) with two indexes holding every
column the overdue list returns: ix_ledger_overdue_spans_closed (month, until_day,
from_day, ...) for the closed pieces of the day's month still running after it, and the
partial ix_ledger_overdue_spans_open (from_day, ...) over the spans still open. The list
then never reads the table's pages (an index-only scan on PostgreSQL), and on a day late
in a month it skips the pieces that ended earlier in that month.

Replaces ix_ledger_postings_booked (booked_on) with ix_ledger_postings_by_day (booked_on
and every column a statement line needs), so a statement's period is read from the index
rather than from one table page per posting; it still serves every read by booking day.

Revision ID: 0017_ledger_read_indexes
Revises: 0016_delivery_receipts
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_ledger_read_indexes"
down_revision: str | Sequence[str] | None = "0016_delivery_receipts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATEMENT = ["ref", "creditor", "debtor", "kind", "order_id", "currency", "amount_minor"]
_READ = ["due_on", "order_id", "currency", "agreement_id", "creditor", "debtor", "amount_minor"]


def upgrade() -> None:
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_postings_booked")
        batch_op.create_index("ix_ledger_postings_by_day", ["booked_on", *_STATEMENT])
    with op.batch_alter_table("ledger_overdue_spans", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_overdue_spans_month")
        batch_op.create_index(
            "ix_ledger_overdue_spans_closed", ["month", "until_day", "from_day", *_READ]
        )
        batch_op.create_index(
            "ix_ledger_overdue_spans_open",
            ["from_day", *_READ, "month"],
            postgresql_where=sa.text("month IS NULL"),
            sqlite_where=sa.text("month IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("ledger_overdue_spans", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_overdue_spans_open")
        batch_op.drop_index("ix_ledger_overdue_spans_closed")
        batch_op.create_index("ix_ledger_overdue_spans_month", ["month", "from_day"])
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_postings_by_day")
        batch_op.create_index("ix_ledger_postings_booked", ["booked_on"])
