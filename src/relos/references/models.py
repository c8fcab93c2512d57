"""The last number handed out per reference scope (e.g. `RELOS-IN-2027`)."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from relos.kit.db import Base


class ReferenceCounterRow(Base):
    __tablename__ = "reference_counters"

    scope: Mapped[str] = mapped_column(String(60), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
