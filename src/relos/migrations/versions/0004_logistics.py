"""logistics: price lists, support orders, deliveries, settlements, the reimbursement ledger

Ledger postings and entries are immutable in the database too: triggers refuse UPDATE and
DELETE on both tables (and TRUNCATE on PostgreSQL), so no code path, script or console
session can rewrite what was booked. A correction is a reversal plus a new posting.

Revision ID: 0004_logistics
Revises: 0001_foundation
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import relos.kit.types

revision: str = "0004_logistics"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE = ("ledger_postings", "ledger_entries")
MESSAGE = "ledger entries are immutable: post a reversal instead"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION relos_ledger_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
"""


def _protect(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION relos_ledger_immutable()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION relos_ledger_immutable()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def _unprotect(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        return
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")


def upgrade() -> None:
    op.create_table(
        "exchange_rates",
        sa.Column("base", sa.String(length=3), nullable=False),
        sa.Column("quote", sa.String(length=3), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("rate", relos.kit.types.DecimalText(length=40), nullable=False),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("base", "quote", "on"),
    )
    op.create_table(
        "ledger_balances",
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("creditor", sa.String(length=2), nullable=False),
        sa.Column("debtor", sa.String(length=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("agreement_id", "creditor", "debtor", "currency"),
    )
    op.create_table(
        "ledger_postings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("creditor", sa.String(length=2), nullable=False),
        sa.Column("debtor", sa.String(length=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("reverses", sa.String(length=80), nullable=True),
        sa.Column("method", sa.String(length=30), nullable=True),
        sa.Column("memo", sa.String(length=400), nullable=False),
        sa.Column("recorded_at", relos.kit.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
        sa.UniqueConstraint("reverses"),
    )
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_postings_booked", ["booked_on"], unique=False)
        batch_op.create_index(
            "ix_ledger_postings_creditor", ["creditor", "booked_on"], unique=False
        )
        batch_op.create_index("ix_ledger_postings_debtor", ["debtor", "booked_on"], unique=False)
        batch_op.create_index("ix_ledger_postings_order", ["order_id", "currency"], unique=False)

    op.create_table(
        "ledger_positions",
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("creditor", sa.String(length=2), nullable=False),
        sa.Column("debtor", sa.String(length=2), nullable=False),
        sa.Column("owed_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "currency"),
    )
    with op.batch_alter_table("ledger_positions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_positions_owed_minor"), ["owed_minor"], unique=False
        )

    op.create_table(
        "price_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("supplying_party", sa.String(length=2), nullable=False),
        sa.Column("facility", sa.String(length=16), nullable=True),
        sa.Column("item", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("unit_price", relos.kit.types.DecimalText(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("imported_at", relos.kit.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("price_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_price_lines_key", ["supplying_party", "item", "facility"], unique=False
        )

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("posting_ref", sa.String(length=80), nullable=False),
        sa.Column("account", sa.String(length=20), nullable=False),
        sa.Column("holder", sa.String(length=2), nullable=False),
        sa.Column("counterparty", sa.String(length=2), nullable=False),
        sa.Column("side", sa.String(length=6), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["posting_ref"],
            ["ledger_postings.ref"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_entries_posting_ref"), ["posting_ref"], unique=False
        )

    op.create_table(
        "support_orders",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("requesting_party", sa.String(length=2), nullable=False),
        sa.Column("supplying_party", sa.String(length=2), nullable=False),
        sa.Column("facility", sa.String(length=16), nullable=False),
        sa.Column("deployment_id", sa.String(length=64), nullable=True),
        sa.Column("settlement", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("counter_to", sa.String(length=36), nullable=True),
        sa.Column("created_at", relos.kit.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("support_orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_support_orders_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_support_orders_requesting_party"), ["requesting_party"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_support_orders_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_support_orders_supplying_party"), ["supplying_party"], unique=False
        )

    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("delivered_at", relos.kit.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["support_orders.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliveries_order_id"), ["order_id"], unique=False)

    op.create_table(
        "settlements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("method", sa.String(length=30), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("settled_at", relos.kit.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("counter_order", sa.String(length=36), nullable=True),
        sa.Column("returned", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["support_orders.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("settlements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_settlements_order_id"), ["order_id"], unique=False)

    op.create_table(
        "support_order_lines",
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("item", sa.String(length=100), nullable=False),
        sa.Column("quantity", relos.kit.types.DecimalText(length=40), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("delivered", relos.kit.types.DecimalText(length=40), nullable=False),
        sa.Column("returned", relos.kit.types.DecimalText(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["support_orders.id"],
        ),
        sa.PrimaryKeyConstraint("order_id", "line_no"),
    )
    op.create_table(
        "support_order_signatures",
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("party", sa.String(length=2), nullable=False),
        sa.Column("signed_by", sa.String(length=100), nullable=False),
        sa.Column("signed_at", relos.kit.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["support_orders.id"],
        ),
        sa.PrimaryKeyConstraint("order_id", "party"),
    )
    # ### end Alembic commands ###

    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
    for table in IMMUTABLE:
        _protect(table)


def downgrade() -> None:
    for table in IMMUTABLE:
        _unprotect(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS relos_ledger_immutable()")
    op.drop_table("support_order_signatures")
    op.drop_table("support_order_lines")
    with op.batch_alter_table("settlements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_settlements_order_id"))

    op.drop_table("settlements")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_order_id"))

    op.drop_table("deliveries")
    with op.batch_alter_table("support_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_orders_supplying_party"))
        batch_op.drop_index(batch_op.f("ix_support_orders_status"))
        batch_op.drop_index(batch_op.f("ix_support_orders_requesting_party"))
        batch_op.drop_index(batch_op.f("ix_support_orders_agreement_id"))

    op.drop_table("support_orders")
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entries_posting_ref"))

    op.drop_table("ledger_entries")
    with op.batch_alter_table("price_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_price_lines_key")

    op.drop_table("price_lines")
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_postings_order")
        batch_op.drop_index("ix_ledger_postings_debtor")
        batch_op.drop_index("ix_ledger_postings_creditor")
        batch_op.drop_index("ix_ledger_postings_booked")

    op.drop_table("ledger_postings")
    with op.batch_alter_table("ledger_positions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_positions_owed_minor"))

    op.drop_table("ledger_positions")
    op.drop_table("ledger_balances")
    op.drop_table("exchange_rates")
    # ### end Alembic commands ###
