"""logistics events: the ledger's immutability triggers let an in-place replay through

The logistics tables are projections of events now, and `relos db replay` rebuilds them
in place: it empties them and projects the events again, in one transaction. Postings and
entries stay immutable to everything else. On PostgreSQL the trigger function lets a
DELETE through only while the transaction has set `relos.rebuilding` to `on` (the rebuild
does, with SET LOCAL); UPDATE and TRUNCATE are refused as before. On SQLite the rebuild
drops and recreates the DELETE triggers inside its transaction (SQLite DDL is
transactional), so nothing changes here.

Revision ID: 0011_logistics_events
Revises: 0004_logistics
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_logistics_events"
down_revision: str | Sequence[str] | None = "0004_logistics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "ledger entries are immutable: post a reversal instead"


def _function(allow_rebuild: bool) -> str:
    rebuild = (
        "    IF TG_OP = 'DELETE' AND current_setting('relos.rebuilding', true) = 'on' THEN\n"
        "        RETURN OLD;\n"
        "    END IF;\n"
        if allow_rebuild
        else ""
    )
    return (
        "CREATE OR REPLACE FUNCTION relos_ledger_immutable() RETURNS trigger AS $$\n"
        "BEGIN\n"
        f"{rebuild}"
        f"    RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME;\n"
        "END;\n"
        "$$ LANGUAGE plpgsql"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_function(allow_rebuild=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_function(allow_rebuild=False))
