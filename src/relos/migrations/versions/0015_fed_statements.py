"""fed_statements: the co-signed statements of derived state between two nodes

One row per statement exchange with a peer about one agreement: this node's signed
statement (its own, or its answer to the peer's) and the peer's, the fact counts and the
digest of the derived state they cover (cap use per category, ledger balances per
currency), and the outcome: open (not answered yet), agreed or differ.

Revision ID: 0015_fed_statements
Revises: 0012_peers
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import relos.kit.types

revision: str = "0015_fed_statements"
down_revision: str | Sequence[str] | None = "0012_peers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fed_statements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agreement", sa.String(length=64), nullable=False),
        sa.Column("party", sa.String(length=2), nullable=False),
        sa.Column("ours_index", sa.BigInteger(), nullable=False),
        sa.Column("ours", sa.Text(), nullable=False),
        sa.Column("theirs", sa.Text(), nullable=True),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("state_sha256", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", relos.kit.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_fed_statements_party", "fed_statements", ["party", "agreement"])


def downgrade() -> None:
    op.drop_index("ix_fed_statements_party", table_name="fed_statements")
    op.drop_table("fed_statements")
