"""The signed logs: one row per log, its leaves as signed, its perfect subtrees, checkpoints.

A log's leaves are the exact bytes of DSSE envelopes, never re-serialised. Entries are
unique by (log, index), and a log is unique by origin, so (origin, index) names one leaf.
The subtree rows are what makes a proof O(log n) reads; they are derived data that
`relos log verify` recomputes and compares.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from relos.kit.db import Base
from relos.kit.types import UTCDateTime


class LogRow(Base):
    __tablename__ = "tlog_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    origin: Mapped[str] = mapped_column(String(200), unique=True)
    # The agreement whose events the log keeps; None for the node's internal log.
    agreement: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    # The head as of the last commit: kept for listing; never trusted by verification.
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))


class EntryRow(Base):
    __tablename__ = "tlog_entries"

    log_id: Mapped[int] = mapped_column(ForeignKey("tlog_logs.id"), primary_key=True)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    leaf: Mapped[bytes] = mapped_column(LargeBinary)


class SubtreeRow(Base):
    __tablename__ = "tlog_subtrees"

    log_id: Mapped[int] = mapped_column(ForeignKey("tlog_logs.id"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class CheckpointRow(Base):
    __tablename__ = "tlog_checkpoints"
    __table_args__ = (UniqueConstraint("log_id", "size"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("tlog_logs.id"))
    size: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NodeRow(Base):
    """The node's identity as `relos node init` recorded it (one row, id 1)."""

    __tablename__ = "tlog_node"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    party: Mapped[str | None] = mapped_column(String(2), nullable=True)
    key_name: Mapped[str] = mapped_column(String(200))
    verifier_key: Mapped[str] = mapped_column(String(300))


class EventLeafRow(Base):
    """Which signed leaf holds an event: the audit trail reads the event from there.

    An index, not a trust anchor: `relos audit verify` checks that each event's leaf
    holds that event (its position and hash), and the leaves are checked by signature.
    """

    __tablename__ = "tlog_event_leaves"
    __table_args__ = (UniqueConstraint("log_id", "idx"),)

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    log_id: Mapped[int] = mapped_column(ForeignKey("tlog_logs.id"))
    idx: Mapped[int] = mapped_column(BigInteger)
