"""GeoJSON polygons for areas (ranges, airspace): checked, and reduced to a centroid."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

Ring = list[tuple[float, float]]


def polygon_rings(geometry: Any) -> list[Ring]:
    """The rings of a GeoJSON Polygon, checked per RFC 7946; ValueError says what is wrong."""
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        raise ValueError("must be a GeoJSON Polygon ({type = 'Polygon', coordinates = [...]})")
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or not coordinates:
        raise ValueError("a Polygon needs at least one ring of coordinates")
    rings = [_ring(raw, index) for index, raw in enumerate(coordinates)]
    # RFC 7946 3.1.6: exterior rings counterclockwise, holes clockwise.
    if _signed_area(rings[0]) <= 0:
        raise ValueError("the exterior ring must be counterclockwise (RFC 7946 right-hand rule)")
    return rings


def _ring(raw: Any, index: int) -> Ring:
    if not isinstance(raw, list) or len(raw) < 4:
        raise ValueError(f"ring {index} needs at least 4 positions")
    ring: Ring = []
    for position in raw:
        if not (isinstance(position, list) and len(position) == 2):
            raise ValueError(f"ring {index}: positions are [lon, lat] pairs")
        lon, lat = position
        if not (isinstance(lon, int | float) and isinstance(lat, int | float)):
            raise ValueError(f"ring {index}: positions must be numbers")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(f"ring {index}: position [{lon}, {lat}] is out of range")
        ring.append((float(lon), float(lat)))
    if ring[0] != ring[-1]:
        raise ValueError(f"ring {index} is not closed (first and last positions differ)")
    return ring


def _signed_area(ring: Ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring)) / 2


def centroid(ring: Ring) -> tuple[float, float]:
    """Area centroid of a ring in plain lon/lat (fine for blocks a few degrees across)."""
    area = _signed_area(ring)
    pairs = list(pairwise(ring))
    cx = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * area)
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * area)
    return round(cx, 6), round(cy, 6)
