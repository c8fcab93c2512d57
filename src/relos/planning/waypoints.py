"""Endpoints of a sea or air leg: a facility id, a UN/LOCODE searoute knows, or `lon,lat`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from relos.kit.errors import InvalidInput


@dataclass(frozen=True)
class Endpoint:
    id: str
    name: str
    lon: float
    lat: float
    source: str  # "facility", "searoute ports", or "coordinates"


@cache
def searoute_ports() -> dict[str, Endpoint]:
    """UN/LOCODE -> port, from the ports GeoJSON searoute ships (terminals win duplicates)."""
    path = resources.files("searoute").joinpath("data/ports.geojson")
    ports: dict[str, tuple[bool, Endpoint]] = {}
    for feature in json.loads(path.read_text())["features"]:
        props = feature["properties"]
        code = str(props["port"]).upper()
        lon, lat = feature["geometry"]["coordinates"]
        terminal = props.get("t") == 1.0
        if code not in ports or (terminal and not ports[code][0]):
            ports[code] = (terminal, Endpoint(code, props["name"], lon, lat, "searoute ports"))
    return {code: port for code, (_, port) in ports.items()}


def resolve(text: str, facilities: Mapping[str, Endpoint] | None = None) -> Endpoint:
    """The endpoint a caller means; facilities first, then ports, then coordinates."""
    key = text.strip()
    if facilities and key.upper() in facilities:
        return facilities[key.upper()]
    port = searoute_ports().get(key.upper())
    if port is not None:
        return port
    if "," in key:
        return _coordinates(key)
    raise InvalidInput(f"unknown endpoint {text!r}: not a facility id, UN/LOCODE or lon,lat")


def _coordinates(text: str) -> Endpoint:
    try:
        lon, lat = (float(part) for part in text.split(","))
    except ValueError as exc:
        raise InvalidInput(f"bad coordinates {text!r}: expected lon,lat in degrees") from exc
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise InvalidInput(f"coordinates out of range: {text!r} (lon in ±180, lat in ±90)")
    return Endpoint(f"{lon:.5f},{lat:.5f}", f"{lat:.3f}, {lon:.3f}", lon, lat, "coordinates")
