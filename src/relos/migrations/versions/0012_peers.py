"""peers: two sovereign nodes (peers, received entries, verdicts, incidents)

Creates fed_peers (a partner node's party, URL and pinned verifier key), fed_peer_logs
(per peer log: the next index to judge, the last verified and co-signed checkpoint),
fed_received (every entry received from a peer, unique by origin and index, with its
state: held, applied, rejected or noted), fed_verdicts (the peer's signed
acknowledgements and rejections of this node's entries), fed_incidents (forks,
rejections and other divergence, with evidence) and fed_cosignatures (the peer's latest
co-signature of each of this node's logs).

Revision ID: 0012_peers
Revises: 0007_tlog
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import relos.kit.types

revision: str = "0012_peers"
down_revision: str | Sequence[str] | None = "0007_tlog"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    when = relos.kit.types.UTCDateTime()
    op.create_table(
        "fed_peers",
        sa.Column("party", sa.String(length=2), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("verifier_key", sa.String(length=300), nullable=False),
        sa.Column("added_at", when, nullable=False),
        sa.PrimaryKeyConstraint("party"),
    )
    op.create_table(
        "fed_peer_logs",
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("party", sa.String(length=2), nullable=False),
        sa.Column("agreement", sa.String(length=64), nullable=False),
        sa.Column("applied", sa.BigInteger(), nullable=False),
        sa.Column("their_size", sa.BigInteger(), nullable=False),
        sa.Column("verified_size", sa.BigInteger(), nullable=False),
        sa.Column("verified_note", sa.Text(), nullable=True),
        sa.Column("cosigned_note", sa.Text(), nullable=True),
        sa.Column("updated_at", when, nullable=False),
        sa.PrimaryKeyConstraint("origin"),
    )
    op.create_index("ix_fed_peer_logs_party", "fed_peer_logs", ["party"])
    op.create_table(
        "fed_received",
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("received_at", when, nullable=False),
        sa.PrimaryKeyConstraint("origin", "idx"),
    )
    op.create_table(
        "fed_verdicts",
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("party", sa.String(length=2), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("origin", "idx"),
    )
    op.create_table(
        "fed_incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("party", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detected_at", when, nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_fed_incidents_party", "fed_incidents", ["party"])
    op.create_table(
        "fed_cosignatures",
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("party", sa.String(length=2), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("origin"),
    )


def downgrade() -> None:
    op.drop_table("fed_cosignatures")
    op.drop_index("ix_fed_incidents_party", table_name="fed_incidents")
    op.drop_table("fed_incidents")
    op.drop_table("fed_verdicts")
    op.drop_table("fed_received")
    op.drop_index("ix_fed_peer_logs_party", table_name="fed_peer_logs")
    op.drop_table("fed_peer_logs")
    op.drop_table("fed_peers")
