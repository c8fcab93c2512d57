"""tlog: signed Merkle logs (one per agreement, one internal), their subtrees and checkpoints

Creates tlog_logs (origin, agreement, head), tlog_entries (the exact DSSE envelope bytes,
unique by log and index), tlog_subtrees (every perfect subtree hash, so a proof is O(log n)
reads), tlog_checkpoints (signed C2SP notes) and tlog_node (the identity `relos node init`
recorded). Triggers refuse UPDATE and DELETE of entries, subtrees and checkpoints on both
databases (and TRUNCATE on PostgreSQL); `relos log verify` catches what someone who drops
them changes. The existing audit chain is copied into the logs by the application on its
first signed append (it needs the node key, which a migration must not touch).

Revision ID: 0007_tlog
Revises: 0005_access_audit
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import relos.kit.types

revision: str = "0007_tlog"
down_revision: str | Sequence[str] | None = "0005_access_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("tlog_entries", "tlog_subtrees", "tlog_checkpoints")
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION relos_tlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "tlog_logs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("agreement", sa.String(length=64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement"),
        sa.UniqueConstraint("origin"),
    )
    op.create_table(
        "tlog_node",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("party", sa.String(length=2), nullable=True),
        sa.Column("key_name", sa.String(length=200), nullable=False),
        sa.Column("verifier_key", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "tlog_entries",
        sa.Column("log_id", sa.Integer(), nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["log_id"], ["tlog_logs.id"]),
        sa.PrimaryKeyConstraint("log_id", "idx"),
    )
    op.create_table(
        "tlog_subtrees",
        sa.Column("log_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(["log_id"], ["tlog_logs.id"]),
        sa.PrimaryKeyConstraint("log_id", "level", "idx"),
    )
    op.create_table(
        "tlog_checkpoints",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("log_id", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("signed_at", relos.kit.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["log_id"], ["tlog_logs.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("log_id", "size"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION relos_tlog_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION relos_tlog_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS relos_tlog_append_only()")
    else:
        for table in APPEND_ONLY:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    for table in ("tlog_checkpoints", "tlog_subtrees", "tlog_entries", "tlog_node", "tlog_logs"):
        op.drop_table(table)
