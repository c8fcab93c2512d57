"""What a node keeps about its peers: who they are, what it received from them, verdicts
on its own entries, and incidents.

`fed_received` is unique by (origin, index): an entry received twice is stored once. A
peer log's `applied` is the next index to judge: everything at or after a missing index
is held. `verified_note` is the peer checkpoint this node last verified and co-signed
(the witness state); it is written in the same transaction as what it covers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from relos.kit.db import Base
from relos.kit.types import UTCDateTime


class PeerRow(Base):
    __tablename__ = "fed_peers"

    party: Mapped[str] = mapped_column(String(2), primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    verifier_key: Mapped[str] = mapped_column(String(300))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PeerLogRow(Base):
    """One log of a peer (one per agreement both are party to)."""

    __tablename__ = "fed_peer_logs"

    origin: Mapped[str] = mapped_column(String(200), primary_key=True)
    party: Mapped[str] = mapped_column(String(2), index=True)
    agreement: Mapped[str] = mapped_column(String(64))
    applied: Mapped[int] = mapped_column(BigInteger, default=0)
    their_size: Mapped[int] = mapped_column(BigInteger, default=0)
    verified_size: Mapped[int] = mapped_column(BigInteger, default=0)
    verified_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    cosigned_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReceivedRow(Base):
    __tablename__ = "fed_received"

    origin: Mapped[str] = mapped_column(String(200), primary_key=True)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    leaf: Mapped[bytes] = mapped_column(LargeBinary)
    # held (waiting for its turn), applied, rejected, noted (not a fact: kept as seen)
    state: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VerdictRow(Base):
    """The peer's signed verdict (acknowledgement or rejection) on one of our entries."""

    __tablename__ = "fed_verdicts"

    origin: Mapped[str] = mapped_column(String(200), primary_key=True)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    party: Mapped[str] = mapped_column(String(2))
    verdict: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[Any]] = mapped_column(JSON)


class IncidentRow(Base):
    __tablename__ = "fed_incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    party: Mapped[str] = mapped_column(String(2), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    detail: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    open: Mapped[bool] = mapped_column(Boolean, default=True)


class CosignatureRow(Base):
    """The peer's latest co-signature of one of this node's logs (its witness statement)."""

    __tablename__ = "fed_cosignatures"

    origin: Mapped[str] = mapped_column(String(200), primary_key=True)
    party: Mapped[str] = mapped_column(String(2))
    size: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text)


class StatementRow(Base):
    """A statement of derived state exchanged with the peer about one agreement: ours
    (this node's signed log entry, base64) and theirs once it answers or is answered."""

    __tablename__ = "fed_statements"
    __table_args__ = (Index("ix_fed_statements_party", "party", "agreement"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement: Mapped[str] = mapped_column(String(64))
    party: Mapped[str] = mapped_column(String(2))
    ours_index: Mapped[int] = mapped_column(BigInteger)
    ours: Mapped[str] = mapped_column(Text)
    theirs: Mapped[str | None] = mapped_column(Text, nullable=True)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    state_sha256: Mapped[str] = mapped_column(String(64))
    # open (ours, not answered yet), agreed, differ
    outcome: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
