"""API shapes for platforms."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class RangePointOut(BaseModel):
    range_nm: float
    speed_kn: float


class PlatformOut(BaseModel):
    id: str = Field(examples=["talwar"])
    name: str
    kind: Literal["warship", "aircraft"]
    party: str = Field(examples=["IN"])
    role: str | None
    range_nm: float | None = Field(description="headline range: first range point, or ferry")
    speed_kn: float | None = Field(description="the speed that goes with range_nm")
    range_points: list[RangePointOut]
    max_speed_kn: float | None
    cruise_speed_kn: float | None
    fuel_capacity_t: float | None
    cargo_fuel_t: float | None
    ferry_range_km: float | None
    displacement_t: float | None
    length_m: float | None
    beam_m: float | None
    draught_m: float | None
    crew: int | None
    source: str
    notes: str | None
    illustrative: list[str]
