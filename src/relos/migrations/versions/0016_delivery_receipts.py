"""delivery_receipts: the receiving party's acknowledgement of each delivery

Three nullable columns on `deliveries`, written by the `support_order.received.v1`
projector: when the requesting party acknowledged the delivery, the officer who did, and
an optional note. Null until the delivery is acknowledged.

Revision ID: 0016_delivery_receipts
Revises: 0014_ledger_by_day
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import relos.kit.types

revision: str = "0016_delivery_receipts"
down_revision: str | Sequence[str] | None = "0014_ledger_by_day"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("received_at", relos.kit.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("receipt_officer", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("receipt_note", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("receipt_note")
        batch.drop_column("receipt_officer")
        batch.drop_column("received_at")
