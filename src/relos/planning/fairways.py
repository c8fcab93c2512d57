"""River fairways: ways down rivers that the 1:10m land polygons draw as land.

A river port (Kolkata up the Hooghly, Astrakhan up the Volga) lies tens of miles from water
that Natural Earth 1:10m draws as sea. Its approach follows a fairway from the shipped data
(data/planning/fairways.toml, each traced along a river centreline with its source) down to
the sea, and goes on from there like any other approach (approach.py).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from shapely.geometry import LineString, Point

from relos.planning.geo import haversine_nm

FILE = "data/planning/fairways.toml"


@dataclass(frozen=True)
class Fairway:
    name: str
    river: str
    points: tuple[tuple[float, float], ...]  # downstream; the last at sea at 1:10m


def fairways_path() -> Path:
    return Path(str(resources.files("relos").joinpath(FILE)))


def fairways_digest() -> str:
    return hashlib.sha256(fairways_path().read_bytes()).hexdigest()[:16]


@cache
def load_fairways() -> tuple[Fairway, ...]:
    data = tomllib.loads(fairways_path().read_text(encoding="utf-8"))
    return tuple(
        Fairway(f["name"], f["river"], tuple((float(x), float(y)) for x, y in f["points"]))
        for f in data.get("fairway", [])
    )


def join(
    fairways: tuple[Fairway, ...], lon: float, lat: float, within_nm: float
) -> list[tuple[float, float]] | None:
    """The way down the nearest fairway from a point within `within_nm` of it: the point
    where the fairway passes nearest, then the fairway's points below it; None when no
    fairway is that near."""
    best: tuple[float, list[tuple[float, float]]] | None = None
    for fairway in fairways:
        line = LineString(fairway.points)
        at = line.interpolate(line.project(Point(lon, lat)))
        nm = haversine_nm(lon, lat, at.x, at.y)
        if nm <= within_nm and (best is None or nm < best[0]):
            below = [p for p, d in _along(line, fairway.points) if d > line.project(at)]
            best = (nm, [(at.x, at.y), *below])
    return best[1] if best else None


def _along(
    line: LineString, points: tuple[tuple[float, float], ...]
) -> list[tuple[tuple[float, float], float]]:
    return [(p, line.project(Point(p))) for p in points]
