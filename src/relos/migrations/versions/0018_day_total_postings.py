"""day total postings: how many postings each day total adds up, so statement pages seek

Adds ledger_day_totals.postings, the number of postings in each agreement, creditor,
debtor, currency and day group. A statement page deep into a long period then finds the
day its first line falls on (and how many of the party's lines come before it) from a few
hundred day rows, instead of the database walking every earlier line (OFFSET); the same
counts tell a party in few of the period's postings, whose lines are read through the
creditor and debtor indexes. An existing ledger is counted once here, in one statement:
the column is added empty, filled from the postings, then made NOT NULL (SQLite copies
the table for that last step; the day totals are a few rows a day).

Revision ID: 0018_day_total_postings
Revises: 0017_ledger_read_indexes
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_day_total_postings"
down_revision: str | Sequence[str] | None = "0017_ledger_read_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One pass over the postings (UPDATE ... FROM: PostgreSQL, SQLite 3.33 and later); every
# day total was added up from postings, so every row finds its count.
_FILL = (
    "UPDATE ledger_day_totals SET postings = counted.n"
    " FROM (SELECT agreement_id, creditor, debtor, currency, booked_on, COUNT(*) AS n"
    " FROM ledger_postings GROUP BY agreement_id, creditor, debtor, currency, booked_on)"
    " AS counted"
    " WHERE ledger_day_totals.agreement_id = counted.agreement_id"
    " AND ledger_day_totals.creditor = counted.creditor"
    " AND ledger_day_totals.debtor = counted.debtor"
    " AND ledger_day_totals.currency = counted.currency"
    " AND ledger_day_totals.booked_on = counted.booked_on"
)


def upgrade() -> None:
    with op.batch_alter_table("ledger_day_totals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("postings", sa.Integer(), nullable=True))
    op.execute(sa.text(_FILL))
    with op.batch_alter_table("ledger_day_totals", schema=None) as batch_op:
        batch_op.alter_column("postings", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger_day_totals", schema=None) as batch_op:
        batch_op.drop_column("postings")
