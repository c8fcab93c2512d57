"""Air legs around closed airspace: great-circle segments on a visibility graph.

A leg whose great circle crosses no closed airspace is that great circle. Otherwise the
shortest path bends only at convex corners of the closed airspace, so the graph's nodes are
the two ends and those corners, taken from the closed area grown by a small margin and
simplified (a few dozen corners for Pakistan); an edge is a great-circle segment that
does not enter the closed area. A* over it (great-circle distance to the goal as the bound)
gives the route; a corner's visible corners are computed once and kept.

Geometry is planar lon/lat for the "does it enter" test, on great circles densified every
`STEP_NM`; distances are haversine nautical miles.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from dataclasses import dataclass
from math import asin, atan2, ceil, cos, degrees, inf, radians, sin, sqrt
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from relos.planning.geo import EARTH_RADIUS_NM as EARTH_NM
from relos.planning.geo import haversine_nm

Point = tuple[float, float]  # lon, lat in degrees

STEP_NM = 50.0  # densification of great circles for the intersection test
MARGIN_DEG = 0.15  # corners stand this far outside the closed area ...
SIMPLIFY_DEG = 0.1  # ... after simplification by at most this much, so corners stay outside
_POINTS_KEPT = 2048  # end points whose visible corners are kept


def great_circle(a: Point, b: Point, step_nm: float = STEP_NM) -> list[Point]:
    """Points along the great circle from a to b, at most step_nm apart, ends included."""
    d = haversine_nm(a[0], a[1], b[0], b[1])
    n = max(1, ceil(d / step_nm))
    if n == 1:
        return [a, b]
    lon1, lat1, lon2, lat2 = map(radians, (a[0], a[1], b[0], b[1]))
    p = (cos(lat1) * cos(lon1), cos(lat1) * sin(lon1), sin(lat1))
    q = (cos(lat2) * cos(lon2), cos(lat2) * sin(lon2), sin(lat2))
    omega = 2 * asin(min(1.0, sqrt(sum((x - y) ** 2 for x, y in zip(p, q, strict=True))) / 2))
    if omega == 0:
        return [a, b]
    out = [a]
    for k in range(1, n):
        t = k / n
        wa, wb = sin((1 - t) * omega) / sin(omega), sin(t * omega) / sin(omega)
        x, y, z = (wa * u + wb * v for u, v in zip(p, q, strict=True))
        out.append((degrees(atan2(y, x)), degrees(atan2(z, sqrt(x * x + y * y)))))
    out.append(b)
    return out


def great_circles(a: Point, targets: list[Point], step_nm: float = STEP_NM) -> list[BaseGeometry]:
    """Lines along the great circles from a to each target (numpy for the many corners a
    visibility test meets; lines across the antimeridian are cut there)."""
    lon = np.radians(np.array([t[0] for t in targets]))
    lat = np.radians(np.array([t[1] for t in targets]))
    lon0, lat0 = radians(a[0]), radians(a[1])
    p = np.array([cos(lat0) * cos(lon0), cos(lat0) * sin(lon0), sin(lat0)])
    q = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)
    chord = np.linalg.norm(q - p, axis=1)
    omega = 2 * np.arcsin(np.clip(chord / 2, 0.0, 1.0))
    steps = np.maximum(1, np.ceil(omega * EARTH_NM / step_nm)).astype(int)
    counts = steps + 1
    which = np.repeat(np.arange(len(targets)), counts)
    first = np.cumsum(counts) - counts
    t = (np.arange(counts.sum()) - first[which]) / steps[which]
    om = omega[which]
    safe = np.where(om > 1e-12, np.sin(om), 1.0)
    wa = np.where(om > 1e-12, np.sin((1 - t) * om) / safe, 1 - t)
    wb = np.where(om > 1e-12, np.sin(t * om) / safe, t)
    xyz = wa[:, None] * p[None, :] + wb[:, None] * q[which]
    lons = np.degrees(np.arctan2(xyz[:, 1], xyz[:, 0]))
    lats = np.degrees(np.arctan2(xyz[:, 2], np.hypot(xyz[:, 0], xyz[:, 1])))
    made = shapely.linestrings(np.stack([lons, lats], axis=1), indices=which)
    out: list[BaseGeometry] = [made] if isinstance(made, BaseGeometry) else list(made)
    jumps = np.abs(np.diff(lons)) > 180
    jumps &= which[1:] == which[:-1]
    for k in set(which[1:][jumps].tolist()):
        span = slice(first[k], first[k] + counts[k])
        out[k] = _cut(lons[span], lats[span])
    return out


def _cut(lons: np.ndarray[Any, Any], lats: np.ndarray[Any, Any]) -> BaseGeometry:
    """A line of many points cut where it crosses the antimeridian (arrays in, no loop)."""
    breaks = (np.nonzero(np.abs(np.diff(lons)) > 180)[0] + 1).tolist()
    pieces = []
    for lo, hi in itertools.pairwise([0, *breaks, len(lons)]):
        xy = np.stack([lons[lo:hi], lats[lo:hi]], axis=1)
        pieces.append(shapely.LineString(xy) if hi - lo >= 2 else shapely.Point(xy[0]))
    return shapely.GeometryCollection(pieces)


def line(points: list[Point]) -> BaseGeometry:
    """A planar line through the points, cut where it crosses the antimeridian."""
    parts: list[list[Point]] = [[points[0]]]
    for prev, here in itertools.pairwise(points):
        if abs(here[0] - prev[0]) > 180:
            parts.append([])
        parts[-1].append(here)
    lines = [shapely.LineString(p) for p in parts if len(p) >= 2]
    singles = [shapely.Point(p[0]) for p in parts if len(p) == 1]
    if len(lines) == 1 and not singles:
        return lines[0]
    return shapely.GeometryCollection([*lines, *singles])


def path_nm(points: list[Point]) -> float:
    return sum(haversine_nm(a[0], a[1], b[0], b[1]) for a, b in itertools.pairwise(points))


def densify(points: list[Point], step_nm: float = STEP_NM) -> list[Point]:
    """Every great-circle segment of a path densified (for drawing and for crossings)."""
    out = [points[0]]
    for a, b in itertools.pairwise(points):
        out.extend(great_circle(a, b, step_nm)[1:])
    return out


class Obstacle:
    """One closed area (the union of the closed states' airspace for a flag on a day)."""

    def __init__(self, area: BaseGeometry) -> None:
        self.area = area
        shapely.prepare(area)
        grown = shapely.simplify(area.buffer(MARGIN_DEG, quad_segs=2), SIMPLIFY_DEG)
        self.corners: list[Point] = _convex_corners(grown)
        self._seen: dict[int, list[tuple[int, float]]] = {}
        self._points: dict[Point, dict[int, float]] = {}
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"area": self.area, "corners": self.corners, "seen": self._seen}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.area = state["area"]
        shapely.prepare(self.area)
        self.corners = state["corners"]
        self._seen = state["seen"]
        self._points = {}
        self._lock = threading.Lock()

    def contains(self, p: Point) -> bool:
        return bool(shapely.intersects_xy(self.area, p[0], p[1]))

    def clear(self, a: Point, b: Point) -> bool:
        """Whether the great circle a-b stays out of the closed area."""
        return self.visible(a, [b])[0]

    def visible(self, a: Point, targets: list[Point]) -> list[bool]:
        """Whether each great circle from a to a target stays out of the closed area."""
        if not targets:
            return []
        lines = great_circles(a, targets)
        return [not hit for hit in shapely.intersects(self.area, lines).tolist()]

    def corner_edges(self, i: int) -> list[tuple[int, float]]:
        with self._lock:
            found = self._seen.get(i)
        if found is None:
            here = self.corners[i]
            seen = self.visible(here, self.corners)
            found = [
                (j, haversine_nm(here[0], here[1], c[0], c[1]))
                for j, (c, ok) in enumerate(zip(self.corners, seen, strict=True))
                if ok and j != i
            ]
            with self._lock:
                self._seen[i] = found
        return found

    def point_edges(self, p: Point) -> dict[int, float]:
        """Corners visible from a point, with their distances (kept: a plan's ends and
        stops meet the same area again and again)."""
        with self._lock:
            found = self._points.get(p)
        if found is None:
            seen = self.visible(p, self.corners)
            found = {
                j: haversine_nm(p[0], p[1], c[0], c[1])
                for j, (c, ok) in enumerate(zip(self.corners, seen, strict=True))
                if ok
            }
            with self._lock:
                if len(self._points) >= _POINTS_KEPT:
                    self._points.pop(next(iter(self._points)))
                self._points[p] = found
        return found

    def route(self, a: Point, b: Point) -> list[Point] | None:
        """Turning points of the shortest path from a to b around the area (None: none)."""
        if self.clear(a, b):
            return [a, b]
        corners = self.corners
        n = len(corners)
        start, goal = n, n + 1

        def at(i: int) -> Point:
            return a if i == start else b if i == goal else corners[i]

        to_goal = self.point_edges(b)

        def h(i: int) -> float:
            p = at(i)
            return haversine_nm(p[0], p[1], b[0], b[1])

        best = {start: 0.0}
        back: dict[int, int] = {}
        heap = [(h(start), 0.0, start)]
        while heap:
            _, g, u = heapq.heappop(heap)
            if u == goal:
                return _walk(back, goal, at)
            if g > best.get(u, inf):
                continue
            if u == start:
                edges = list(self.point_edges(a).items())
            else:
                edges = list(self.corner_edges(u))
                if u in to_goal:
                    edges.append((goal, to_goal[u]))
            for v, w in edges:
                new = g + w
                if new < best.get(v, inf):
                    best[v], back[v] = new, u
                    heapq.heappush(heap, (new + h(v), new, v))
        return None


def _walk(back: dict[int, int], goal: int, at: object) -> list[Point]:
    assert callable(at)
    chain = [goal]
    while chain[-1] in back:
        chain.append(back[chain[-1]])
    return [at(i) for i in reversed(chain)]


def _convex_corners(area: BaseGeometry) -> list[Point]:
    """Convex corners of every outer ring (the only places a shortest path bends)."""
    polygons = [g for g in shapely.get_parts(area) if g.geom_type == "Polygon"]
    out: list[Point] = []
    for poly in polygons:
        ring = [(float(x), float(y)) for x, y, *_ in poly.exterior.coords][:-1]
        if not poly.exterior.is_ccw:
            ring.reverse()
        k = len(ring)
        for i in range(k):
            (x0, y0), (x1, y1), (x2, y2) = ring[i - 1], ring[i], ring[(i + 1) % k]
            if (x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1) > 0:
                out.append((x1, y1))
    return out


@dataclass(frozen=True)
class Crossing:
    """A state whose airspace a path enters, and how far along the path it does."""

    state: str
    enter_nm: float


def crossings(
    path: list[Point], spaces: dict[str, BaseGeometry], step_nm: float = 5.0
) -> list[Crossing]:
    """States entered along the path (first entry each), in order, from samples step_nm apart."""
    samples = densify(path, step_nm)
    along = [0.0]
    for p, q in itertools.pairwise(samples):
        along.append(along[-1] + haversine_nm(p[0], p[1], q[0], q[1]))
    xs = [p[0] for p in samples]
    ys = [p[1] for p in samples]
    out = []
    for state, space in spaces.items():
        inside = shapely.intersects_xy(space, xs, ys).tolist()
        if True in inside:
            out.append(Crossing(state, along[inside.index(True)]))
    return sorted(out, key=lambda c: (c.enter_nm, c.state))
