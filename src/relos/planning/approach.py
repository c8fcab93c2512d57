"""Approach legs at sea: how a point joins the sea network without crossing land.

A port's coordinate sits at the coastline and, against the 1:10m land polygons, often a
little inland. Its approach therefore has two parts:

1. the harbour part: from the coordinate to the nearest point at sea (the coordinate itself
   when it is at sea already). This is the only part allowed on land, and its length is
   checked against HARBOUR_TOLERANCE_NM by the tests for every sea-capable facility. Up a
   river the 1:10m land closes, the point joins a river fairway instead (fairways.py) and
   follows it down to the sea; the tests check the fairway against river centrelines;
2. the sea part: from there to a network node, a straight line when one of the nearest
   nodes at sea is in sight, else the shortest path over grids of sea cells (seagrid.py),
   straightened wherever a straight line stays at sea. No segment of it touches land.

Approaches are computed at set-up (`relos plan warm`) for the facilities and kept in a
cache file named by a digest of the land polygons, the fairways, the network and FORMAT;
inside it they are keyed by position (an approach depends on nothing else), so a facility
moved in the database looks up its new position. A point met later (an edited facility, a
port of searoute's list, coordinates) is computed once on first use and added to it.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from itertools import pairwise
from math import cos, inf, radians
from pathlib import Path

from relos.planning.coast import Land, land_digest, land_path, load_land
from relos.planning.fairways import Fairway, fairways_digest, join, load_fairways
from relos.planning.geo import haversine_nm, normalize_lon
from relos.planning.network import SeaNetwork, read_cache, write_cache
from relos.planning.seagrid import Layers, fine_grid, window_grid

FORMAT = 7  # bump when the approach builder or the cached layout changes

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
# The fine grid round the start: this many degrees of latitude each way, at MIN_CELL_DEG.
LOCAL_RADIUS_DEG = 0.3
# Grid searches tried in turn: (nearest nodes aimed at, window margin in degrees, fine grid).
ATTEMPTS = ((3, 0.1, False), (8, 0.3, False), (CANDIDATES, 1.5, False), (3, 0.3, True))


@dataclass(frozen=True)
class Approach:
    """From a point to its network node: the full polyline (point first, node last)."""

    node: int  # full network node, or -1 when no path at sea was found
    path: tuple[tuple[float, float], ...]
    nm: float
    harbour_nm: float  # the part from the coordinate to the sea


def build_approach(
    net: SeaNetwork, land: Land, lon: float, lat: float, fairways: tuple[Fairway, ...] = ()
) -> Approach:
    """The approach of one point (see the module's docstring)."""
    if not -180.0 <= lon < 180.0:
        lon = normalize_lon(lon)
    sea = land.nearest_sea(lon, lat)
    harbour = [(lon, lat)] if sea != (lon, lat) else []
    harbour_nm = haversine_nm(lon, lat, *sea)
    river = (
        join(fairways, lon, lat, HARBOUR_TOLERANCE_NM)
        if harbour_nm > HARBOUR_TOLERANCE_NM
        else None
    )
    if river:  # up a river the 1:10m land closes: down its fairway to the sea first
        harbour_nm = haversine_nm(lon, lat, *river[0])
        harbour = [(lon, lat), *river[:-1]]
        sea = river[-1]
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
    # a small window first: its cells are fine enough for a narrow harbour mouth (Durban);
    # last, with a fine grid round the start for a mouth too narrow for the coarse cells
    # of a wide window (Avacha Bay's, for Vilyuchinsk)
    for count, margin, local in ATTEMPTS:
        found = _grid_path(net, land, sea, nodes[:count], margin, local)
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
    local: bool = False,
) -> tuple[int, list[tuple[float, float]]] | None:
    """Shortest path over sea cells (seagrid.py) from start to a goal node, then straightened;
    None when no goal is reached. `local` adds the fine grid round the start (and widens the
    window to hold it). The start and the goals join the grid at cells in plain sight."""
    if not goals:
        return None
    xs = [start[0]] + [_near(meet[0], start[0]) for _, meet in goals]
    ys = [start[1]] + [meet[1] for _, meet in goals]
    squeeze = max(cos(radians(sum(ys) / len(ys))), 0.05)  # degrees of lat per degree of lon
    west, east = min(xs) - margin / squeeze, max(xs) + margin / squeeze
    south, north = max(min(ys) - margin, -89.9), min(max(ys) + margin, 89.9)
    fine = None
    if local:
        fine = fine_grid(land, start, squeeze, LOCAL_RADIUS_DEG, MIN_CELL_DEG)
        west, east = min(west, fine.west), max(east, fine.west + fine.nx * fine.dx)
        south, north = min(south, fine.south), max(north, fine.south + fine.ny * fine.dy)
    coarse = window_grid(land, west, south, east, north, squeeze, MAX_CELLS, MIN_CELL_DEG)
    layers = Layers(coarse, fine, squeeze)
    sources = layers.in_sight(start)
    targets: dict[int, int] = {}
    meets = dict(goals)
    ends = [(x, y) for x, y in zip(xs[1:], ys[1:], strict=True)]
    for (u, _), end in zip(goals, ends, strict=True):
        for c in layers.in_sight(end):
            targets.setdefault(c, u)
    if not sources or not targets:
        return None
    chain = layers.search(sources, targets, ends)
    if chain is None:
        return None
    u = targets[chain[-1]]
    meet = meets[u]
    points = [start, *(layers.centre(c) for c in chain), (_near(meet[0], start[0]), meet[1])]
    line = _straighten(land, points)
    return u, [*line[:-1], *_ends(net, u, meet)]


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
        network = self.net.cache_path.stem if self.net.cache_path else ""
        key = f"{land_digest()}-{fairways_digest()}-{network}"
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
                fairways = load_fairways()
                for p in missing:
                    self.known[p] = build_approach(self.net, land, *p, fairways)
                if self.path is not None:
                    write_cache(self.path, dict(self.known))
        return [self.known[p] for p in points]
