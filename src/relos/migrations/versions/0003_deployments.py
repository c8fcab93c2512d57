"""deployments: deployments, their elements (interval-indexed) and their history

Revision ID: 0003_deployments
Revises: 0001_foundation
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import relos.kit.types

revision: str = "0003_deployments"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = relos.kit.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "deployments",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("deploying_party", sa.String(length=2), nullable=False),
        sa.Column("host_party", sa.String(length=2), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("commander", sa.JSON(), nullable=False),
        sa.Column("request_exception", sa.Boolean(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("by_exception", sa.Boolean(), nullable=False),
        sa.Column("starts", UTC(timezone=True), nullable=False),
        sa.Column("ends", UTC(timezone=True), nullable=False),
        sa.Column("actual_end", UTC(timezone=True), nullable=True),
        sa.Column("filed_at", UTC(timezone=True), nullable=False),
        sa.Column("filed_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deployments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deployments_agreement_party_status",
            ["agreement_id", "deploying_party", "status"],
            unique=False,
        )
        batch_op.create_index("ix_deployments_host_party", ["host_party"], unique=False)

    op.create_table(
        "deployment_elements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("deployment_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("deploying_party", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("facility_id", sa.String(length=40), nullable=False),
        sa.Column("start", UTC(timezone=True), nullable=False),
        sa.Column("end", UTC(timezone=True), nullable=False),
        sa.Column("counted_end", UTC(timezone=True), nullable=True),
        sa.Column("span_class", sa.SmallInteger(), nullable=False),
        sa.Column("unit_key", sa.String(length=120), nullable=True),
        sa.Column("personnel", sa.Integer(), nullable=False),
        sa.Column("notice_given_at", UTC(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["deployment_id"], ["deployments.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deployment_elements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deployment_elements_party_span",
            ["agreement_id", "deploying_party", "span_class", "start"],
            unique=False,
        )
        batch_op.create_index(
            "ix_deployment_elements_facility_span",
            ["facility_id", "span_class", "start"],
            unique=False,
        )
        batch_op.create_index("ix_deployment_elements_unit", ["unit_key", "start"], unique=False)
        batch_op.create_index(
            "ix_deployment_elements_deployment", ["deployment_id", "position"], unique=False
        )

    op.create_table(
        "deployment_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("deployment_id", sa.String(length=40), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("actor_party", sa.String(length=2), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("status_before", sa.String(length=32), nullable=True),
        sa.Column("status_after", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["deployment_id"], ["deployments.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deployment_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deployment_history_deployment_id"), ["deployment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("deployment_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deployment_history_deployment_id"))
    op.drop_table("deployment_history")
    with op.batch_alter_table("deployment_elements", schema=None) as batch_op:
        batch_op.drop_index("ix_deployment_elements_deployment")
        batch_op.drop_index("ix_deployment_elements_unit")
        batch_op.drop_index("ix_deployment_elements_facility_span")
        batch_op.drop_index("ix_deployment_elements_party_span")
    op.drop_table("deployment_elements")
    with op.batch_alter_table("deployments", schema=None) as batch_op:
        batch_op.drop_index("ix_deployments_host_party")
        batch_op.drop_index("ix_deployments_agreement_party_status")
    op.drop_table("deployments")
