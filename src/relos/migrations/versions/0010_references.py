"""references: a unique human reference on every deployment and support order

Adds `reference_counters` (the last number per scope) and a `reference` column on
`deployments` (`RELOS-IN-2027-0042`: agreement code, deploying party, year of start,
number) and `support_orders` (`ORD-RU-2027-0007`: requesting party, year of creation,
number). Existing rows are numbered in the order they were filed or raised, and the
counters are set to the last number used, so new records continue the sequence. The
column is added NOT NULL with an empty default (SQLite cannot add a NOT NULL column
otherwise); every row is filled before the unique index is built, and PostgreSQL drops
the default again.

Revision ID: 0010_references
Revises: 0003_deployments, 0004_logistics
Create Date: 2026-11-30
"""

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010_references"
down_revision: str | Sequence[str] | None = ("0003_deployments", "0004_logistics")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CODE_WORD = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")


def _code(short_name: str, agreement_id: str) -> str:
    # A copy of relos.references.numbering.agreement_code: migrations import no app code.
    for word in reversed(short_name.split()):
        if _CODE_WORD.match(word):
            return word
    return re.sub(r"[^A-Z0-9]", "", agreement_id.upper())[:12] or "AGR"


def _year(value: Any) -> int:
    if isinstance(value, datetime):
        return value.year
    return int(str(value)[:4])


def _number(rows: Sequence[Any], scope_of: Any) -> tuple[list[dict[str, str]], dict[str, int]]:
    counters: dict[str, int] = defaultdict(int)
    updates = []
    for row in rows:
        scope = scope_of(row)
        counters[scope] += 1
        updates.append({"row_id": row.id, "ref": f"{scope}-{counters[scope]:04d}"})
    return updates, counters


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    op.create_table(
        "reference_counters",
        sa.Column("scope", sa.String(length=60), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope"),
    )
    for table in ("deployments", "support_orders"):
        op.add_column(
            table,
            sa.Column("reference", sa.String(length=40), nullable=False, server_default=""),
        )

    agreements = bind.execute(sa.text("SELECT id, definition FROM agreements")).all()
    codes = {}
    for agreement_id, definition in agreements:
        data = json.loads(definition) if isinstance(definition, str) else definition
        codes[agreement_id] = _code(str(data.get("short_name", "")), agreement_id)

    deployments = bind.execute(
        sa.text(
            "SELECT id, agreement_id, deploying_party, starts FROM deployments "
            "ORDER BY filed_at, id"
        )
    ).all()
    dep_updates, dep_counters = _number(
        deployments,
        lambda r: (
            f"{codes.get(r.agreement_id) or _code('', r.agreement_id)}"
            f"-{r.deploying_party}-{_year(r.starts):04d}"
        ),
    )
    orders = bind.execute(
        sa.text(
            "SELECT id, requesting_party, created_at FROM support_orders ORDER BY created_at, id"
        )
    ).all()
    order_updates, order_counters = _number(
        orders, lambda r: f"ORD-{r.requesting_party}-{_year(r.created_at):04d}"
    )
    if dep_updates:
        bind.execute(
            sa.text("UPDATE deployments SET reference = :ref WHERE id = :row_id"), dep_updates
        )
    if order_updates:
        bind.execute(
            sa.text("UPDATE support_orders SET reference = :ref WHERE id = :row_id"),
            order_updates,
        )
    counters = [{"scope": s, "last": n} for s, n in {**dep_counters, **order_counters}.items()]
    if counters:
        bind.execute(
            sa.text("INSERT INTO reference_counters (scope, last) VALUES (:scope, :last)"),
            counters,
        )
    for table in ("deployments", "support_orders"):
        if postgres:
            op.alter_column(table, "reference", server_default=None)
        op.create_index(f"ux_{table}_reference", table, ["reference"], unique=True)


def downgrade() -> None:
    for table in ("deployments", "support_orders"):
        op.drop_index(f"ux_{table}_reference", table_name=table)
        # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch rebuild would drop
        # the table that other tables' foreign keys refer to.
        op.drop_column(table, "reference")
    op.drop_table("reference_counters")
