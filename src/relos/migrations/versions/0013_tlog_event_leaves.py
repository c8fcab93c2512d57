"""tlog: which signed leaf holds each event (the audit trail is read from the signed logs)

Creates tlog_event_leaves (event id -> log id, leaf index), append-only like the other
log tables. The audit trail shows each event as decoded from its signed leaf; this table
finds the leaf. Databases whose events were already signed get the mapping here: each
leaf's payload is the event's sealed statement, which names its log and position, and its
SHA-256 is the event's hash (a leaf that does not match is left unmapped, and
`relos audit verify` names its event). Events recorded before any log existed are signed
by `relos db upgrade` (the node key is the application's, never a migration's).

Revision ID: 0013_tlog_event_leaves
Revises: 0007_tlog, 0006_events
Create Date: 2026-11-30
"""

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_tlog_event_leaves"
# A merge: the events (0006) and the signed logs (0007) are both needed.
down_revision: str | Sequence[str] | None = ("0007_tlog", "0006_events")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "tlog_event_leaves"
# Copied, not imported (migrations import no app code): the payload type of a rotation.
ROTATION_TYPE = "application/vnd.relos.node.key_rotated+json"


def _statement(leaf: bytes) -> tuple[str, int, str] | None:
    """(event log, seq, SHA-256 of the payload) of a leaf holding an event, else None."""
    try:
        envelope = json.loads(leaf)
        if envelope.get("payloadType") == ROTATION_TYPE:
            return None
        payload = base64.b64decode(envelope["payload"], validate=True)
        statement = json.loads(payload)
        log, seq = statement["log"], statement["seq"]
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        return None
    if not isinstance(log, str) or not isinstance(seq, int):
        return None
    return log, seq, hashlib.sha256(payload).hexdigest()


def _backfill() -> None:
    bind = op.get_bind()
    events = {
        (log, seq): (event_id, digest)
        for event_id, log, seq, digest in bind.execute(
            sa.text("SELECT id, log, seq, hash FROM events")
        )
    }
    mapped: set[int] = set()
    rows = []
    for log_id, idx, leaf in bind.execute(
        sa.text("SELECT log_id, idx, leaf FROM tlog_entries ORDER BY log_id, idx")
    ):
        found = _statement(bytes(leaf))
        if found is None:
            continue
        event = events.get((found[0], found[1]))
        if event is None or event[1] != found[2] or event[0] in mapped:
            continue
        mapped.add(event[0])
        rows.append({"event_id": event[0], "log_id": log_id, "idx": idx})
    if rows:
        table = sa.table(TABLE, sa.column("event_id"), sa.column("log_id"), sa.column("idx"))
        op.bulk_insert(table, rows)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("log_id", sa.Integer(), nullable=False),
        sa.Column("idx", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["log_id"], ["tlog_logs.id"]),
        sa.PrimaryKeyConstraint("event_id"),
        sa.UniqueConstraint("log_id", "idx"),
    )
    _backfill()
    if op.get_bind().dialect.name == "postgresql":
        # relos_tlog_append_only() comes with 0007_tlog.
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION relos_tlog_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION relos_tlog_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_{event.lower()} BEFORE {event} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{event}")
    op.drop_table(TABLE)
