"""events: the typed event log replaces the audit_log table

Creates `events`: one row per domain event, in recording order (`id`), each in a log (the
agreement it belongs to, or `internal`) at position `seq`, with its full content as RFC 8785
canonical JSON and a hash chain per log (`prev_hash` -> `hash`). Triggers refuse UPDATE and
DELETE (and TRUNCATE on PostgreSQL), as they did for audit_log.

Every audit_log row moves into the `internal` log as an `audit.entry.v1` event, in its old
order, keeping its old id and hash in the content as evidence; then audit_log is dropped.
Downgrade recreates an empty audit_log and drops the events (their content is lost).

The hash below is a frozen copy of relos.events.seal as of this revision (migrations import
no app code that may change later).

Revision ID: 0006_events
Revises: 0005_access_audit
Create Date: 2026-11-30
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import rfc8785
import sqlalchemy as sa
from alembic import op

import relos.kit.types

revision: str = "0006_events"
down_revision: str | Sequence[str] | None = "0005_access_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "events is append-only"
GENESIS = "0" * 64
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION relos_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def _create_events() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("log", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("at", relos.kit.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("actor_party", sa.String(length=2), nullable=True),
        sa.Column("parties", sa.String(length=50), nullable=False),
        sa.Column("record_type", sa.String(length=50), nullable=False),
        sa.Column("record_id", sa.String(length=100), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hash"),
        sa.UniqueConstraint("log", "seq", name="uq_events_log_seq"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_record", ["record_type", "record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_type"), ["type"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_at"), ["at"], unique=False)


def _as_utc(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _legacy_event(row: Any, seq: int, prev_hash: str) -> dict[str, Any]:
    """One old audit_log row as an `audit.entry.v1` event of the internal log."""
    at = _as_utc(row.at)
    parties = sorted(p for p in (row.parties or "").split(",") if p)
    detail = row.detail if isinstance(row.detail, dict) else json.loads(row.detail or "{}")
    content = {
        "action": row.action,
        "record_type": row.record_type,
        "record_id": row.record_id,
        "parties": parties,
        "log": "internal",
        "before_digest": row.before_digest,
        "after_digest": row.after_digest,
        "detail": detail,
        "legacy_id": row.id,
        "legacy_hash": row.hash,
    }
    text = rfc8785.dumps(content).decode()
    sealed = rfc8785.dumps(
        {
            "log": "internal",
            "seq": seq,
            "type": "audit.entry.v1",
            "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": row.actor,
            "actor_party": row.party,
            "parties": parties,
            "record_type": row.record_type,
            "record_id": row.record_id,
            "prev_hash": prev_hash,
            "content": content,
        }
    )
    return {
        "log": "internal",
        "seq": seq,
        "type": "audit.entry.v1",
        "at": at,
        "actor": row.actor,
        "actor_party": row.party,
        "parties": ",".join(parties),
        "record_type": row.record_type,
        "record_id": row.record_id,
        "content": text,
        "prev_hash": prev_hash,
        "hash": hashlib.sha256(sealed).hexdigest(),
    }


def _move_audit_log() -> None:
    bind = op.get_bind()
    events = sa.table(
        "events",
        *(
            sa.column(name)
            for name in (
                "log",
                "seq",
                "type",
                "actor",
                "actor_party",
                "parties",
                "record_type",
                "record_id",
                "content",
                "prev_hash",
                "hash",
            )
        ),
        sa.column("at", relos.kit.types.UTCDateTime(timezone=True)),
    )
    prev_hash = GENESIS
    rows = bind.execute(sa.text("SELECT * FROM audit_log ORDER BY id"))
    for seq, row in enumerate(rows, start=1):
        values = _legacy_event(row, seq, prev_hash)
        bind.execute(events.insert().values(**values))
        prev_hash = values["hash"]


def _append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION relos_events_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION relos_events_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def upgrade() -> None:
    _create_events()
    _move_audit_log()
    _append_only("events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS relos_audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_record_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_party"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
    op.drop_table("audit_log")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute("DROP TRIGGER IF EXISTS events_no_truncate ON events")
        op.execute("DROP FUNCTION IF EXISTS relos_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS events_no_update")
        op.execute("DROP TRIGGER IF EXISTS events_no_delete")
    op.drop_table("events")
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", relos.kit.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("party", sa.String(length=2), nullable=True),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("record_type", sa.String(length=50), nullable=False),
        sa.Column("record_id", sa.String(length=100), nullable=False),
        sa.Column("parties", sa.String(length=50), nullable=False),
        sa.Column("before_digest", sa.String(length=64), nullable=True),
        sa.Column("after_digest", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hash"),
    )
