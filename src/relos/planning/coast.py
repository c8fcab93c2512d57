"""Land polygons: Natural Earth 1:10m, from the world-atlas TopoJSON the web assets ship.

The planner keeps approach legs off land (approach.py). The polygons are read from the
`countries-10m.json` that scripts/build-assets copies into the web assets (from the npm
package world-atlas, which the basemap uses too); nothing is fetched.
Geometry is planar in degrees, which is exact enough for the few miles of an approach
(the question is only "does this segment touch land", never a distance).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from relos.planning.geo import unwrap

# world-atlas's countries-10m: its `land` object is the union of the countries, so inland
# seas (the Caspian) are water, as they are on the network; land-10m fills them in.
LAND_FILE = "static/vendor/world-atlas/countries-10m.json"


def land_path() -> Path:
    """The 1:10m land TopoJSON inside the installed web assets."""
    return Path(str(resources.files("relos.web").joinpath(LAND_FILE)))


def land_digest() -> str:
    return hashlib.sha256(land_path().read_bytes()).hexdigest()[:16]


class Land:
    """Land polygons with a spatial index: point-in-land and segment-crosses-land tests."""

    def __init__(self, polygons: list[Polygon]) -> None:
        # Small pieces keep each test cheap: a box against a continent's whole coast would
        # walk all of its vertices.
        self.polygons = [piece for p in polygons for piece in _split(p)]
        self.tree = STRtree(self.polygons)

    def on_land(self, lon: float, lat: float) -> bool:
        return len(self.tree.query(Point(lon, lat), predicate="intersects")) > 0

    def polygon_at(self, lon: float, lat: float) -> Polygon | None:
        hits = self.tree.query(Point(lon, lat), predicate="intersects")
        return self.polygons[int(hits[0])] if len(hits) else None

    def crosses(self, points: list[tuple[float, float]]) -> bool:
        """Whether a polyline touches land anywhere (across the antimeridian too: the line
        is made continuous, then tested with its copies shifted by a turn)."""
        if len(points) < 2:
            return self.on_land(*points[0]) if points else False
        line = _unwrap(list(points), closed=False)
        shifts = [0.0]
        if max(x for x, _ in line) > 180.0:
            shifts.append(-360.0)
        if min(x for x, _ in line) < -180.0:
            shifts.append(360.0)
        return any(
            len(self.tree.query(LineString([(x + d, y) for x, y in line]), predicate="intersects"))
            for d in shifts
        )

    def boxes_on_land(
        self,
        x0: np.ndarray[Any, Any],
        y0: np.ndarray[Any, Any],
        x1: np.ndarray[Any, Any],
        y1: np.ndarray[Any, Any],
    ) -> list[bool]:
        """For each box [x0, y0, x1, y1], whether any of it is land (vectorised)."""
        hits = self.tree.query(shapely.box(x0, y0, x1, y1), predicate="intersects")
        mask = np.zeros(len(x0), dtype=bool)
        mask[hits[0]] = True
        return [bool(v) for v in mask]

    def nearest_sea(self, lon: float, lat: float) -> tuple[float, float]:
        """The point itself when at sea; else the nearest point at sea found on rings of
        growing radius round it (ports sit at the coastline, often a little inland at
        1:10m); the point itself when there is no sea within two degrees."""
        if not self.on_land(lon, lat):
            return lon, lat
        radii = np.geomspace(0.001, 2.0, 48)
        angles = np.linspace(0.0, 2 * np.pi, 96, endpoint=False)
        squeeze = max(np.cos(np.radians(lat)), 0.05)
        r, a = np.meshgrid(radii, angles, indexing="ij")
        xs = lon + (r * np.cos(a) / squeeze).ravel()
        ys = np.clip(lat + (r * np.sin(a)).ravel(), -89.99, 89.99)
        wet = np.ones(len(xs), dtype=bool)
        wet[self.tree.query(shapely.points(xs, ys), predicate="intersects")[0]] = False
        if not wet.any():
            return lon, lat
        k = int(np.argmax(wet))  # rings run outward: the first wet sample is the nearest
        return float(xs[k]), float(ys[k])


@cache
def load_land() -> Land:
    """The shipped land polygons (parsed once per process)."""
    path = land_path()
    if not path.exists():
        raise RuntimeError(f"land polygons missing at {path}: run scripts/build-assets")
    return Land(read_topojson(json.loads(path.read_bytes())))


def read_topojson(topo: dict[str, Any]) -> list[Polygon]:
    """Polygons of a TopoJSON topology (quantised, delta-encoded arcs)."""
    transform = topo.get("transform")
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x, y = x + dx, y + dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)

    def ring(indices: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indices:
            part = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(part if not out else part[1:])
        return out

    polygons: list[Polygon] = []

    def add(geometry: dict[str, Any]) -> None:
        kind = geometry.get("type")
        if kind == "GeometryCollection":
            for child in geometry["geometries"]:
                add(child)
        elif kind == "Polygon":
            polygons.extend(_polygons([ring(r) for r in geometry["arcs"]]))
        elif kind == "MultiPolygon":
            for part in geometry["arcs"]:
                polygons.extend(_polygons([ring(r) for r in part]))

    objects = topo["objects"]
    for obj in [objects["land"]] if "land" in objects else objects.values():
        add(obj)
    return [p for p in polygons if not p.is_empty]


def _polygons(rings: list[list[tuple[float, float]]]) -> list[Polygon]:
    """The polygon of these rings, cut at the antimeridian where it crosses it (drawn flat,
    Chukotka's and Fiji's rings would stripe the globe); an invalid one is repaired."""
    rings = [_unwrap(r) for r in rings if len(r) >= 4]  # quantising can collapse a tiny ring
    if not rings:
        return []
    polygon: BaseGeometry = Polygon(rings[0], rings[1:])
    if not polygon.is_valid:
        polygon = shapely.make_valid(polygon)
    west, east = shapely.bounds(polygon)[[0, 2]]
    if west >= -180.0 and east <= 180.0:
        return _parts(polygon)
    world = shapely.box(-180.0, -90.0, 180.0, 90.0)
    out: list[Polygon] = []
    for shift in (-360.0, 0.0, 360.0):
        moved = shapely.transform(polygon, _shifted(shift))
        out += _parts(moved.intersection(world))
    return out


def _shifted(dx: float) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    """Coordinates moved `dx` degrees east (a copy of the polygon one globe over)."""
    return lambda xy: xy + np.array([dx, 0.0])


MAX_VERTICES = 200


def _split(polygon: Polygon) -> list[Polygon]:
    """Cut a polygon in halves of its bounding box until each piece is small."""
    if len(polygon.exterior.coords) + sum(len(r.coords) for r in polygon.interiors) <= (
        MAX_VERTICES
    ):
        return [polygon]
    west, south, east, north = polygon.bounds
    if east - west >= north - south:
        mid = (west + east) / 2
        halves = (shapely.box(west, south, mid, north), shapely.box(mid, south, east, north))
    else:
        mid = (south + north) / 2
        halves = (shapely.box(west, south, east, mid), shapely.box(west, mid, east, north))
    if max(east - west, north - south) < 1e-6:  # pragma: no cover - a degenerate spike
        return [polygon]
    return [
        piece for half in halves for p in _parts(polygon.intersection(half)) for piece in _split(p)
    ]


def _parts(geometry: shapely.Geometry) -> list[Polygon]:
    """The polygons in a geometry, however nested (make_valid gives collections)."""
    out: list[Polygon] = []
    for part in shapely.get_parts(geometry):
        if isinstance(part, Polygon):
            if not part.is_empty:
                out.append(part)
        elif hasattr(part, "geoms"):
            out += _parts(part)
    return out


def _unwrap(ring: list[tuple[float, float]], closed: bool = True) -> list[tuple[float, float]]:
    """Longitudes made continuous along a ring (a step of more than 180° is a wrap); a ring
    round the pole (Antarctica), which cannot be made continuous, is kept as it is."""
    out = unwrap(ring)
    return out if not closed or abs(out[-1][0] - out[0][0]) < 1e-9 else ring
