"""Agreement tables: the loaded reference document and the consents recorded against it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from relos.kit.db import Base
from relos.kit.types import UTCDateTime


class AgreementRow(Base):
    __tablename__ = "agreements"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(400))
    party_a: Mapped[str] = mapped_column(String(2), index=True)
    party_b: Mapped[str] = mapped_column(String(2), index=True)
    signed: Mapped[date] = mapped_column(Date)
    entry_into_force: Mapped[date] = mapped_column(Date)
    # The validated file as loaded; the domain object is rebuilt from it.
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConsentRow(Base):
    __tablename__ = "agreement_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"), index=True)
    party: Mapped[str] = mapped_column(String(2))
    extend_years: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(100))
