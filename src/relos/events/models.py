"""The event log table: append-only, one hash chain per log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from relos.kit.db import Base
from relos.kit.types import UTCDateTime


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("log", "seq", name="uq_events_log_seq"),
        Index("ix_events_record", "record_type", "record_id"),
    )

    # Global order of recording: the order replay follows.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The agreement the event belongs to, or "internal" (users, tokens, reference data).
    log: Mapped[str] = mapped_column(String(64))
    # Position within its log, from 1; with prev_hash it makes the log's chain.
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    actor_party: Mapped[str | None] = mapped_column(String(2), nullable=True)
    # Parties whose auditors may read the event, sorted and joined: "IN,RU".
    parties: Mapped[str] = mapped_column(String(50))
    record_type: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[str] = mapped_column(String(100))
    # The event's full content as RFC 8785 canonical JSON text.
    content: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
