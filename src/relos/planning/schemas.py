"""Request shapes of the planner routes (API.md "Planner")."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReachIn(_In):
    platform: str = Field(description="Platform id, e.g. talwar")
    origin: str = Field(description="Facility id, UN/LOCODE or lon,lat")
    depart: AwareDatetime
    agreements: list[str] = Field(
        default_factory=list, description="Agreement ids, e.g. in-ru-relos"
    )
    reserve: Decimal = Field(default=Decimal("0.15"), ge=0, lt=1, description="Fuel kept in hand")
    speed_kn: float | None = Field(default=None, gt=0, le=1000, description="Planning speed")
    open_passages: list[str] = Field(default_factory=list)
    closed_passages: list[str] = Field(default_factory=list)
    allow_clearance: bool = Field(default=False, description="Stop at third-country sites too")


class RouteIn(ReachIn):
    destination: str = Field(description="Facility id, UN/LOCODE or lon,lat")
    objective: Literal["distance", "time", "cost", "stops"] = "distance"
