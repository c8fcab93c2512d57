"""API shapes for facilities (JSON and GeoJSON)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class CapacityOut(BaseModel):
    berths: int | None = None
    max_draught_m: float | None = None
    aircraft_stands: int | None = None
    accommodation: int | None = None


class SeasonOut(BaseModel):
    opens: str = Field(examples=["07-01"], description="MM-DD, included")
    closes: str = Field(examples=["11-15"], description="MM-DD, included")


class FacilityOut(BaseModel):
    id: str = Field(examples=["RUVVO"])
    name: str
    kind: Literal["port", "airfield", "training_range", "airspace"]
    country: str = Field(examples=["RU"], description="ISO 3166-1 alpha-2 of the host state")
    territory: str | None = Field(description="ISO code of a dependent territory (GU, RE, IO)")
    operated_by: list[str] = Field(description="parties running it, when not only `country`")
    command: str | None
    lon: float
    lat: float
    # An RFC 7946 geometry object, passed through as GeoJSON (free-form by that standard).
    geometry: dict[str, Any] | None = Field(description="GeoJSON Polygon for areas")
    capacity: CapacityOut
    fuel_grades: list[str] = Field(examples=[["F-76", "F-44"]])
    services: list[str]
    seasons: list[SeasonOut] = Field(description="open periods; empty means all year")
    designated_by: list[str] = Field(examples=[["in-ru-relos"]])
    third_country: bool
    clearance_lead_days: int | None
    source: str
    package_name: str | None
    notes: str | None
    illustrative: list[str]


# GeoJSON (RFC 7946) as served with `Accept: application/geo+json`; documented inline.
FEATURE_COLLECTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "id", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "string"},
                    "geometry": {"type": "object"},
                    "properties": {"type": "object"},
                },
            },
        },
    },
}
