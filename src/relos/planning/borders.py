"""State airspace as geometry: Natural Earth 1:50m country polygons (the world-atlas package
the web basemap ships, copied by scripts/build-assets), each with a 12 nm belt of
territorial sea over the water next to it.

The TopoJSON is decoded here (quantised, delta-encoded arcs) into shapely polygons keyed by
ISO 3166-1 alpha-2 code (pycountry maps the numeric ids Natural Earth uses).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pycountry
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

# Territorial sea: 12 nm, as degrees of latitude (coarse east-west at high latitude; the
# airspace belt is a planning figure, not a boundary).
TERRITORIAL_SEA_DEG = 12 / 60
ATLAS = "countries-50m.json"


def atlas_path() -> Path:
    """The world-atlas countries file scripts/build-assets copies beside the web assets."""
    found = resources.files("relos.web").joinpath("static/vendor/world-atlas").joinpath(ATLAS)
    return Path(str(found))


@dataclass
class Borders:
    """Country polygons by alpha-2 code, with their names and a spatial index."""

    shapes: dict[str, BaseGeometry]
    names: dict[str, str]
    _codes: list[str] = field(default_factory=list)
    _tree: STRtree | None = None
    _airspace: dict[str, BaseGeometry] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._codes = list(self.shapes)
        self._tree = STRtree([self.shapes[c] for c in self._codes])

    def __getstate__(self) -> dict[str, Any]:
        with self._lock:
            return {"shapes": self.shapes, "names": self.names, "airspace": dict(self._airspace)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.shapes, self.names = state["shapes"], state["names"]
        self._airspace = state["airspace"]
        self._lock = threading.Lock()
        self.__post_init__()

    def near(self, geometry: BaseGeometry) -> list[str]:
        """Codes of the states whose land lies within the territorial sea of the geometry."""
        assert self._tree is not None
        hits = self._tree.query(geometry, predicate="dwithin", distance=TERRITORIAL_SEA_DEG)
        return sorted(self._codes[int(i)] for i in hits)

    def airspace(self, code: str) -> BaseGeometry:
        """The state's land and the 12 nm belt of sea next to it (not over other land)."""
        with self._lock:
            found = self._airspace.get(code)
        if found is None:
            land = self.shapes[code]
            belt: BaseGeometry = land.buffer(TERRITORIAL_SEA_DEG, quad_segs=4)
            others = [self.shapes[c] for c in self.near(land) if c != code]
            if others:
                belt = belt.difference(shapely.union_all(others))
            found = shapely.make_valid(land.union(belt))
            with self._lock:
                self._airspace[code] = found
        return found

    def name(self, code: str) -> str:
        return self.names.get(code, code)


def decode_topojson(
    topo: dict[str, Any], layer: str = "countries"
) -> list[tuple[str, BaseGeometry]]:
    """(numeric id, polygon) of every feature of a TopoJSON layer."""
    transform = topo.get("transform")
    arcs = [_arc(a, transform) for a in topo["arcs"]]

    def ring(indices: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for i in indices:
            arc = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    def polygon(rings: list[list[int]]) -> shapely.Polygon:
        shell, *holes = (ring(r) for r in rings)
        return shapely.Polygon(shell, holes)

    out = []
    for obj in topo["objects"][layer]["geometries"]:
        if obj.get("id") is None or obj.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        shape: BaseGeometry
        if obj["type"] == "Polygon":
            shape = polygon(obj["arcs"])
        else:
            shape = shapely.MultiPolygon([polygon(p) for p in obj["arcs"]])
        out.append((str(obj["id"]), shapely.make_valid(shape)))
    return out


def _arc(raw: list[list[float]], transform: dict[str, Any] | None) -> list[tuple[float, float]]:
    if transform is None:
        return [(p[0], p[1]) for p in raw]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    x = y = 0.0
    out = []
    for dx, dy, *_ in raw:
        x, y = x + dx, y + dy
        out.append((x * sx + tx, y * sy + ty))
    return out


def alpha2(numeric: str) -> str | None:
    found = pycountry.countries.get(numeric=numeric.zfill(3))
    return None if found is None else str(found.alpha_2)


def load_borders(path: Path | None = None) -> Borders:
    """Country polygons from the world-atlas file (run scripts/build-assets first)."""
    source = path or atlas_path()
    if not source.is_file():
        raise FileNotFoundError(
            f"{source}: the world-atlas country polygons are missing; run scripts/build-assets"
        )
    topo = json.loads(source.read_text())
    shapes: dict[str, BaseGeometry] = {}
    names: dict[str, str] = {}
    by_id = {
        str(g.get("id")): g.get("properties", {})
        for g in topo["objects"]["countries"]["geometries"]
    }
    for numeric, shape in decode_topojson(topo):
        code = alpha2(numeric)
        if code is None:
            continue
        shapes[code] = shape if code not in shapes else shapes[code].union(shape)
        names[code] = str(by_id.get(numeric, {}).get("name") or code)
    return Borders(shapes, names)


_loaded: list[Borders] = []
_loading = threading.Lock()


def borders() -> Borders:
    """The process-wide country polygons (decoded once)."""
    if not _loaded:
        with _loading:
            if not _loaded:
                _loaded.append(load_borders())
    return _loaded[0]
