"""ops: the login limiter's counts in the database, shared by every worker process

Adds `login_attempts` (one row per counted key: pair, client or name, with the start of its
window in epoch seconds and the attempts in it), so that several `relos serve` workers and
several servers on one database enforce one limit, counted atomically.

Revision ID: 0009_ops
Revises: 0005_access_audit
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_ops"
down_revision: str | Sequence[str] | None = "0005_access_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_attempts",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
    )
    op.create_index("ix_login_attempts_window_start", "login_attempts", ["window_start"])


def downgrade() -> None:
    op.drop_index("ix_login_attempts_window_start", "login_attempts")
    op.drop_table("login_attempts")
