"""Great-circle geometry in nautical miles."""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_NM = 3440.065  # mean Earth radius, 6,371.0088 km / 1.852


def haversine_nm(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance between two points given in degrees."""
    p1, p2 = radians(lat1), radians(lat2)
    h = sin((p2 - p1) / 2) ** 2 + cos(p1) * cos(p2) * sin(radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_NM * asin(min(1.0, sqrt(h)))


def normalize_lon(lon: float) -> float:
    """Longitude in [-180, 180); the network's +180 and -180 are the same meridian."""
    return ((lon + 180.0) % 360.0) - 180.0


def unwrap(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Shift longitudes so a line crossing the antimeridian stays continuous on a map."""
    out: list[tuple[float, float]] = []
    for lon, lat in coords:
        if out:
            prev = out[-1][0]
            while lon - prev > 180:
                lon -= 360
            while prev - lon > 180:
                lon += 360
        out.append((lon, lat))
    return out


def in_box(lon: float, lat: float, box: tuple[float, float, float, float]) -> bool:
    """Whether a point lies in [lon_min, lat_min, lon_max, lat_max] (edges included)."""
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def unit_vector(lon: float, lat: float) -> tuple[float, float, float]:
    """Point on the unit sphere, for cheap chord-length bounds."""
    p, q = radians(lat), radians(lon)
    return (cos(p) * cos(q), cos(p) * sin(q), sin(p))
