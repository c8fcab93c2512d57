"""Approach legs at sea: how a point joins the sea network without crossing land.

A port's coordinate sits at the coastline and, against the 1:10m land polygons, often a
little inland. Its approach therefore has two parts:

1. the harbour part: from the coordinate to the nearest point at sea (the coordinate itself
   when it is at sea already). This is the only part allowed on land, and its length is
   checked against HARBOUR_TOLERANCE_NM by the tests for every sea-capable facility;
2. the sea part: from there to a network node, a straight line when one of the nearest
   nodes at sea is in sight, else the shortest path over a local grid of sea cells,
   straightened wherever a straight line stays at sea. No segment of it touches land.

Approaches are computed at set-up (`relos plan warm`) for the facilities and kept in a
cache file named by a digest of the land polygons and the network; a point met later (a
port of searoute's list, coordinates) is computed once on first use and added to it.
"""

from __future__ import annotations

import hashlib
import heapq
import threading
from dataclasses import dataclass
from itertools import pairwise
from math import cos, inf, radians, sqrt
from pathlib import Path

import numpy as np

from relos.planning.coast import Land, land_digest, land_path, load_land
from relos.planning.geo import haversine_nm, normalize_lon
from relos.planning.network import SeaNetwork, read_cache, write_cache

FORMAT = 6  # bump when the approach builder or the cached layout changes

# How far a port's coordinate may lie from the sea (on land in the 1:10m polygons): berths
# behind a breakwater or up a harbour the 1:10m coast does not draw. The shipped ports lie
# within 3.3 nm (Sydney); the test of every facility holds them to this.
HARBOUR_TOLERANCE_NM = 5.0
# How far inland (at 1:10m) a network node may lie: the network's own nodes inside harbours
# and lagoons the 1:10m coast closes (Apra, Diego Garcia). The approach ends at the sea
# nearest such a node, then steps to it; that last step is the network's, not the approach's.
NODE_TOLERANCE_NM = 3.0
# Network nodes looked at as the approach's end, nearest first, and how far away.
CANDIDATES = 24
SEARCH_NM = 400.0
# Grid cells of the local sea search (an upper bound; the cell is at least MIN_CELL_DEG).
MAX_CELLS = 120_000
MIN_CELL_DEG = 0.003


@dataclass(frozen=True)
class Approach:
    """From a point to its network node: the full polyline (point first, node last)."""

    node: int  # full network node, or -1 when no path at sea was found
    path: tuple[tuple[float, float], ...]
    nm: float
    harbour_nm: float  # the part from the coordinate to the sea


def build_approach(net: SeaNetwork, land: Land, lon: float, lat: float) -> Approach:
    """The approach of one point (see the module's docstring)."""
    if not -180.0 <= lon < 180.0:
        lon = normalize_lon(lon)
    sea = land.nearest_sea(lon, lat)
    harbour = [(lon, lat)] if sea != (lon, lat) else []
    harbour_nm = haversine_nm(lon, lat, *sea)
    nodes = _nodes_at_sea(net, land, sea, CANDIDATES)
    # the nearest node in plain sight; unless it is the nearest of all, a way round the land
    # to a nearer one may be shorter, so both are measured
    options: list[Approach] = []
    for k, (u, meet) in enumerate(nodes):
        if not land.crosses([sea, meet]):
            options.append(_approach(u, [*harbour, sea, *_ends(net, u, meet)], harbour_nm))
            if k == 0:
                return options[0]
            break
    # a small window first: its cells are fine enough for a narrow harbour mouth (Durban)
    for count, margin in ((3, 0.1), (8, 0.3), (CANDIDATES, 1.5)):
        found = _grid_path(net, land, sea, nodes[:count], margin)
        if found is not None:
            u, line = found
            options.append(_approach(u, [*harbour, *line], harbour_nm))
            break
    if options:
        return min(options, key=lambda a: a.nm)
    return Approach(-1, (), inf, harbour_nm)


def _ends(net: SeaNetwork, u: int, meet: tuple[float, float]) -> list[tuple[float, float]]:
    node = (net.lon[u], net.lat[u])
    return [node] if meet == node else [meet, node]


def _approach(node: int, path: list[tuple[float, float]], harbour_nm: float) -> Approach:
    nm = sum(haversine_nm(*a, *b) for a, b in pairwise(path))
    return Approach(node, tuple(path), nm, harbour_nm)


def _nodes_at_sea(
    net: SeaNetwork, land: Land, at: tuple[float, float], count: int
) -> list[tuple[int, tuple[float, float]]]:
    """The nearest network nodes, nearest first, each with where the approach meets it: the
    node itself at sea, or for a node the 1:10m coast puts on land (inside a harbour the
    coast does not draw) the nearest sea within NODE_TOLERANCE_NM of it."""
    lon, lat = at
    cx, cy = int(lon // 1), int(lat // 1)
    reach = int(SEARCH_NM / 60) + 1
    found: list[tuple[float, int]] = []
    for x in range(cx - reach * 3, cx + reach * 3 + 1):
        for y in range(cy - reach, cy + reach + 1):
            for u in net.grid.get((int(normalize_lon(x + 0.5) // 1), y), ()):
                nm = haversine_nm(lon, lat, net.lon[u], net.lat[u])
                if nm <= SEARCH_NM:
                    found.append((nm, u))
    found.sort()
    out: list[tuple[int, tuple[float, float]]] = []
    for _, u in found:
        meet = land.nearest_sea(net.lon[u], net.lat[u])
        if haversine_nm(net.lon[u], net.lat[u], *meet) <= NODE_TOLERANCE_NM:
            out.append((u, meet))
            if len(out) == count:
                break
    return out


def _grid_path(
    net: SeaNetwork,
    land: Land,
    start: tuple[float, float],
    goals: list[tuple[int, tuple[float, float]]],
    margin: float,
) -> tuple[int, list[tuple[float, float]]] | None:
    """Shortest path over sea cells from start to a goal node, then straightened; None when
    no goal is reached.

    A cell counts as sea only when the whole cell is clear of land, so the straight step
    between the centres of two neighbouring sea cells (through their shared side or corner)
    never touches land; the start and the goal join the grid at cells in plain sight."""
    if not goals:
        return None
    xs = [start[0]] + [_near(meet[0], start[0]) for _, meet in goals]
    ys = [start[1]] + [meet[1] for _, meet in goals]
    squeeze = max(cos(radians(sum(ys) / len(ys))), 0.05)  # degrees of lon per degree of lat
    west, east = min(xs) - margin / squeeze, max(xs) + margin / squeeze
    south, north = max(min(ys) - margin, -89.9), min(max(ys) + margin, 89.9)
    step = max(MIN_CELL_DEG, sqrt((east - west) * squeeze * (north - south) / MAX_CELLS))
    grid = _Grid(land, west, south, step / squeeze, step, east, north)
    sources = grid.in_sight(start)
    targets: dict[int, int] = {}
    meets = dict(goals)
    for (u, _), x, y in zip(goals, xs[1:], ys[1:], strict=True):
        for c in grid.in_sight((x, y)):
            targets.setdefault(c, u)
    if not sources or not targets:
        return None
    chain = grid.search(sources, targets)
    if chain is None:
        return None
    u = targets[chain[-1]]
    meet = meets[u]
    points = [start, *(grid.centre(c) for c in chain), (_near(meet[0], start[0]), meet[1])]
    line = _straighten(land, points)
    return u, [*line[:-1], *_ends(net, u, meet)]


class _Grid:
    """Cells of a window over the sea: index i * ny + j, wet when clear of land."""

    def __init__(
        self,
        land: Land,
        west: float,
        south: float,
        dx: float,
        dy: float,
        east: float,
        north: float,
    ) -> None:
        self.land, self.west, self.south, self.dx, self.dy = land, west, south, dx, dy
        self.nx = int((east - west) / dx) + 1
        self.ny = int((north - south) / dy) + 1
        gx, gy = np.meshgrid(
            west + np.arange(self.nx) * dx, south + np.arange(self.ny) * dy, indexing="ij"
        )
        x0, y0 = gx.ravel(), gy.ravel()
        self.wet = [not v for v in land.boxes_on_land(x0, y0, x0 + dx, y0 + dy)]

    def centre(self, c: int) -> tuple[float, float]:
        i, j = divmod(c, self.ny)
        return (self.west + (i + 0.5) * self.dx, self.south + (j + 0.5) * self.dy)

    def in_sight(self, point: tuple[float, float], reach: int = 3) -> list[int]:
        """Wet cells near a point whose centre it sees across open water."""
        i0 = int((point[0] - self.west) / self.dx)
        j0 = int((point[1] - self.south) / self.dy)
        out = []
        for i in range(max(i0 - reach, 0), min(i0 + reach + 1, self.nx)):
            for j in range(max(j0 - reach, 0), min(j0 + reach + 1, self.ny)):
                c = i * self.ny + j
                if self.wet[c] and not self.land.crosses([point, self.centre(c)]):
                    out.append(c)
        return out

    def search(self, sources: list[int], targets: dict[int, int]) -> list[int] | None:
        """A* over wet cells (8 neighbours) from any source to the nearest target."""
        ny, nx, wet = self.ny, self.nx, self.wet
        goals = [divmod(c, ny) for c in targets]

        def h(c: int) -> float:
            i, j = divmod(c, ny)
            return min(_octile(abs(i - a), abs(j - b)) for a, b in goals)

        dist = dict.fromkeys(sources, 0.0)
        back: dict[int, int] = {}
        heap = [(h(c), 0.0, c) for c in sources]
        heapq.heapify(heap)
        while heap:
            _, d, c = heapq.heappop(heap)
            if d > dist[c]:
                continue
            if c in targets:
                chain = [c]
                while chain[-1] in back:
                    chain.append(back[chain[-1]])
                return chain[::-1]
            i, j = divmod(c, ny)
            for di, dj, cost in _STEPS:
                a, b = i + di, j + dj
                if 0 <= a < nx and 0 <= b < ny:
                    n = a * ny + b
                    nd = d + cost
                    if wet[n] and nd < dist.get(n, inf):
                        dist[n] = nd
                        back[n] = c
                        heapq.heappush(heap, (nd + h(n), nd, n))
        return None


_DIAGONAL = sqrt(2.0)
_STEPS = [(di, dj, _DIAGONAL if di and dj else 1.0) for di in (-1, 0, 1) for dj in (-1, 0, 1)]
_STEPS.remove((0, 0, 1.0))


def _octile(a: int, b: int) -> float:
    return max(a, b) + (_DIAGONAL - 1.0) * min(a, b)


def _straighten(land: Land, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop corners wherever the straight line between the kept points stays at sea (each
    step of the grid path is at sea, so the walk always advances)."""
    out = [points[0]]
    i = 0
    while i < len(points) - 1:
        j = i + 1
        while j + 1 < len(points) and not land.crosses([points[i], points[j + 1]]):
            j += 1
        out.append(points[j])
        i = j
    return out


def _near(lon: float, ref: float) -> float:
    """lon shifted by 360° to lie within 180° of ref (an approach may cross the antimeridian)."""
    while lon - ref > 180:
        lon -= 360
    while ref - lon > 180:
        lon += 360
    return lon


class ApproachStore:
    """Approaches by position, kept in a cache file beside the network, named by a digest of
    the land polygons, the network and this module's format: a point's approach is computed
    once (the land is loaded only then) and written back, so later processes read it."""

    def __init__(self, net: SeaNetwork, cache: Path | None = None) -> None:
        self.net = net
        self.path = self._path(cache)
        found = read_cache(self.path) if self.path else None
        self.known: dict[tuple[float, float], Approach] = found if isinstance(found, dict) else {}
        self._lock = threading.Lock()

    def _path(self, cache: Path | None) -> Path | None:
        where = cache or (self.net.cache_path.parent if self.net.cache_path else None)
        if where is None or not land_path().exists():
            return None
        key = f"{land_digest()}-{self.net.cache_path.stem if self.net.cache_path else ''}"
        digest = hashlib.sha256(f"{key}-{FORMAT}".encode()).hexdigest()[:16]
        return where / f"sea-approaches-{digest}.pickle"

    def get(self, lon: float, lat: float) -> Approach:
        found = self.known.get((lon, lat))
        if found is None:
            found = self.build([(lon, lat)])[0]
        return found

    def build(self, points: list[tuple[float, float]]) -> list[Approach]:
        """Approaches of these points, computing and caching the missing ones."""
        missing = [p for p in points if p not in self.known]
        if missing:
            land = load_land()
            with self._lock:
                for p in missing:
                    self.known[p] = build_approach(self.net, land, *p)
                if self.path is not None:
                    write_cache(self.path, dict(self.known))
        return [self.known[p] for p in points]
