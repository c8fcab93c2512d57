"""Codes, names and coordinates from maintained packages, never typed by hand.

Ports come from the ports file the `searoute` package ships (UN/LOCODE), airfields from
`airportsdata` (ICAO). A facility file names the code; its position is looked up here at
load time so every record carries where it came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import airportsdata

SEAROUTE = "searoute ports"
AIRPORTSDATA = "airportsdata"


@dataclass(frozen=True)
class Placement:
    """One gazetteer entry: the package's own name and position for a code."""

    code: str
    name: str
    country: str  # the package's country for the code (UN/LOCODE prefix, ICAO country)
    lon: float
    lat: float
    source: str


class NotInGazetteer(Exception):
    """The package has no (or no unambiguous) entry for a code."""


@cache
def _ports() -> dict[str, tuple[Placement, ...]]:
    text = resources.files("searoute.data").joinpath("ports.geojson").read_text("utf-8")
    found: dict[str, list[Placement]] = {}
    for feature in json.loads(text)["features"]:
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        code = str(props["port"])
        place = Placement(code, str(props["name"]), code[:2], float(lon), float(lat), SEAROUTE)
        found.setdefault(code, []).append(place)
    return {code: tuple(places) for code, places in found.items()}


@cache
def _airports() -> dict[str, Placement]:
    table = airportsdata.load("ICAO")
    return {
        code: Placement(
            code, str(row["name"]), str(row["country"]), row["lon"], row["lat"], AIRPORTSDATA
        )
        for code, row in table.items()
    }


def port(code: str, package_name: str | None = None) -> Placement:
    """The searoute port for a UN/LOCODE; `package_name` picks one where a code repeats."""
    places = _ports().get(code, ())
    if package_name is not None:
        places = tuple(p for p in places if p.name == package_name)
    if not places:
        named = f" named {package_name!r}" if package_name else ""
        raise NotInGazetteer(f"no port {code}{named} in the searoute ports")
    if len(places) > 1:
        names = ", ".join(repr(p.name) for p in places)
        raise NotInGazetteer(f"{code} is ambiguous in searoute ports ({names}): set package_name")
    return places[0]


def airfield(code: str) -> Placement:
    """The airportsdata entry for an ICAO code."""
    try:
        return _airports()[code]
    except KeyError:
        raise NotInGazetteer(f"no airfield {code} in airportsdata") from None
