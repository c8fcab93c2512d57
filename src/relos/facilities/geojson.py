"""Facilities as an RFC 7946 FeatureCollection: points, or polygons for areas."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from relos.facilities.domain import Facility


def facility_feature(facility: Facility) -> dict[str, Any]:
    geometry = facility.geometry or {"type": "Point", "coordinates": [facility.lon, facility.lat]}
    properties = facility.model_dump(mode="json", exclude={"geometry"})
    return {"type": "Feature", "id": facility.id, "geometry": geometry, "properties": properties}


def facilities_geojson(facilities: Iterable[Facility]) -> dict[str, Any]:
    """RFC 7946 FeatureCollection; positions are [lon, lat] in WGS 84, no `crs` member."""
    return {"type": "FeatureCollection", "features": [facility_feature(f) for f in facilities]}
