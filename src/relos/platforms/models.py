"""The platforms table: the validated record as loaded, with the columns lists filter on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from relos.kit.db import Base
from relos.kit.types import UTCDateTime


class PlatformRow(Base):
    __tablename__ = "platforms"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    party: Mapped[str] = mapped_column(String(2), index=True)
    # Range points, dimensions and provenance: the whole record; rebuilt into a Platform.
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
