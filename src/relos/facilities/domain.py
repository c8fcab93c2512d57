"""Facilities as validated, frozen records, and the loader for the shipped facility files.

A facility is where an agreement lets a party's ships, aircraft and people be: a port
(UN/LOCODE), an airfield (ICAO), a training range or an airspace block (GeoJSON polygon).
Positions come from maintained packages (see gazetteer.py); capacity figures for military
sites are guesses and each record lists such fields in `illustrative`.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from relos.facilities import gazetteer
from relos.facilities.geometry import centroid, polygon_rings
from relos.facilities.vocabulary import (
    AGREEMENT_IDS,
    AREA_KINDS,
    FACILITY_KINDS,
    FUEL_GRADES,
    ICAO,
    LOCAL_ID,
    LOCODE,
    SERVICES,
)
from relos.kit.codes import is_country
from relos.kit.errors import ReferenceDataError

FacilityKind = Literal["port", "airfield", "training_range", "airspace"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Capacity(_Frozen):
    """What a site can take at once: berths and draught, aircraft stands, beds."""

    berths: int | None = Field(default=None, ge=0)
    max_draught_m: float | None = Field(default=None, gt=0, le=30)
    aircraft_stands: int | None = Field(default=None, ge=0)
    accommodation: int | None = Field(default=None, ge=0)


class Season(_Frozen):
    """An open period as month-day bounds, both days included; may wrap the new year."""

    opens: str = Field(pattern=r"^\d{2}-\d{2}$")
    closes: str = Field(pattern=r"^\d{2}-\d{2}$")

    @field_validator("opens", "closes")
    @classmethod
    def _real_day(cls, value: str) -> str:
        month, day = (int(part) for part in value.split("-"))
        try:
            date(2024, month, day)  # a leap year, so 02-29 is accepted
        except ValueError:
            raise ValueError(f"{value!r} is not a month-day (MM-DD)") from None
        return value

    def contains(self, day: date) -> bool:
        key = day.strftime("%m-%d")
        if self.opens <= self.closes:
            return self.opens <= key <= self.closes
        return key >= self.opens or key <= self.closes


class Facility(_Frozen):
    id: str
    name: str = Field(min_length=1)
    kind: FacilityKind
    country: str  # the sovereign state: the host party of an agreement
    territory: str | None = None  # ISO code of a dependent territory (GU, RE, IO) if any
    operated_by: tuple[str, ...] = ()  # parties whose forces run it, when not only `country`
    command: str | None = None  # fleet, naval command or air command it belongs to
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    geometry: dict[str, Any] | None = None
    capacity: Capacity = Capacity()
    fuel_grades: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    seasons: tuple[Season, ...] = ()  # empty: open all year
    designated_by: tuple[str, ...] = ()
    third_country: bool = False
    clearance_lead_days: int | None = Field(default=None, ge=0)
    source: str = Field(min_length=1)
    package_name: str | None = None
    notes: str | None = None
    illustrative: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not (LOCODE.match(value) or ICAO.match(value) or LOCAL_ID.match(value)):
            raise ValueError(f"{value!r} is not a UN/LOCODE, an ICAO code or a CC-NAME id")
        return value

    @field_validator("country", "territory")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is not None and not is_country(value):
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
        return value

    @field_validator("operated_by")
    @classmethod
    def _operators(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _known(value, lambda code: is_country(code), "country code")

    @field_validator("fuel_grades")
    @classmethod
    def _fuels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _known(value, FUEL_GRADES.__contains__, "NATO fuel grade")

    @field_validator("services")
    @classmethod
    def _services(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _known(value, SERVICES.__contains__, "service")

    @field_validator("designated_by")
    @classmethod
    def _agreements(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _known(value, AGREEMENT_IDS.__contains__, "agreement id")

    @field_validator("illustrative")
    @classmethod
    def _illustrative(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _known(value, ILLUSTRATIVE_FIELDS.__contains__, "field name")

    @property
    def operators(self) -> tuple[str, ...]:
        """Parties whose forces run the site (the territorial state unless stated)."""
        return self.operated_by or (self.country,)

    def is_open_on(self, day: date) -> bool:
        return not self.seasons or any(season.contains(day) for season in self.seasons)


ILLUSTRATIVE_FIELDS = frozenset(
    [name for name in Facility.model_fields if name not in ("id", "illustrative")]
    + [f"capacity.{name}" for name in Capacity.model_fields]
)


def _known(values: tuple[str, ...], known: Any, what: str) -> tuple[str, ...]:
    for value in values:
        if not known(value):
            raise ValueError(f"unknown {what} {value!r}")
    if len(set(values)) != len(values):
        raise ValueError("repeats a value")
    return values


class _EntryError(Exception):
    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"{field}: {why}")
        self.field, self.why = field, why


def load_facilities(directory: Path) -> list[Facility]:
    """Every facility in the folder's *.toml files; ids unique across files."""
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise ReferenceDataError(f"{directory}: no facility files (*.toml)")
    facilities: list[Facility] = []
    first_seen: dict[str, str] = {}
    for path in paths:
        for facility in _read_file(path):
            if facility.id in first_seen:
                where = first_seen[facility.id]
                raise ReferenceDataError(
                    f"{path.name}: facility {facility.id}: field id: duplicate (also in {where})"
                )
            first_seen[facility.id] = path.name
            facilities.append(facility)
    return facilities


def shipped_facilities_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "facilities"


def _read_file(path: Path) -> list[Facility]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError(f"{path.name}: not valid TOML: {exc}") from None
    unknown = set(document) - {"defaults", "facility"}
    if unknown:
        raise ReferenceDataError(f"{path.name}: unknown top-level keys {sorted(unknown)}")
    defaults = document.get("defaults", {})
    entries = document.get("facility", [])
    if not isinstance(defaults, dict) or not isinstance(entries, list):
        raise ReferenceDataError(f"{path.name}: use [defaults] and [[facility]] tables")
    return [_entry(path, index, {**defaults, **raw}) for index, raw in enumerate(entries, 1)]


def _entry(path: Path, index: int, raw: dict[str, Any]) -> Facility:
    entry_id = raw.get("id", f"#{index}")
    try:
        facility = Facility.model_validate(_placed(raw))
        _cross_check(facility)
    except _EntryError as exc:
        raise ReferenceDataError(
            f"{path.name}: facility {entry_id}: field {exc.field}: {exc.why}"
        ) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(entry)"
        why = first["msg"].removeprefix("Value error, ")
        message = f"{path.name}: facility {entry_id}: field {field}: {why}"
        raise ReferenceDataError(message) from None
    return facility


def _placed(raw: dict[str, Any]) -> dict[str, Any]:
    """Fill name, lon, lat and source from the package, or check explicit ones."""
    kind, code = raw.get("kind"), str(raw.get("id", ""))
    _need(kind in FACILITY_KINDS, "kind", f"{kind!r} is not one of {', '.join(FACILITY_KINDS)}")
    if kind in AREA_KINDS:
        return _area(raw)
    if "lon" in raw or "lat" in raw:
        return _explicit(raw)
    if "source" in raw:
        raise _EntryError("source", "set from the package; put other facts in notes")
    try:
        if kind == "port":
            _need(LOCODE.match(code), "id", f"{code!r} is not a UN/LOCODE")
            place = gazetteer.port(code, raw.get("package_name"))
        else:
            _need(ICAO.match(code), "id", f"{code!r} is not an ICAO code")
            place = gazetteer.airfield(code)
    except gazetteer.NotInGazetteer as exc:
        raise _EntryError("id", f"{exc}; give lon, lat and source with a CC-NAME id") from None
    homes = {raw.get("country"), raw.get("territory")}
    valid = all(is_country(str(home)) for home in homes if home is not None)
    listed = f"{place.source} lists {code} in {place.country}"
    _need(not valid or place.country in homes, "country", listed)
    return {
        **raw,
        "name": raw.get("name", place.name),
        "package_name": place.name,
        "lon": place.lon,
        "lat": place.lat,
        "source": place.source,
    }


def _explicit(raw: dict[str, Any]) -> dict[str, Any]:
    _need("lon" in raw and "lat" in raw, "lon", "give both lon and lat")
    _need("source" in raw, "source", "explicit coordinates need a source note")
    _need(LOCAL_ID.match(str(raw.get("id", ""))), "id", "explicit sites use a CC-NAME id")
    return raw


def _area(raw: dict[str, Any]) -> dict[str, Any]:
    _need("geometry" in raw, "geometry", "training ranges and airspace need a GeoJSON Polygon")
    _need("lon" not in raw and "lat" not in raw, "lon", "areas take the polygon's centroid")
    _need(LOCAL_ID.match(str(raw.get("id", ""))), "id", "areas use a CC-NAME id")
    try:
        rings = polygon_rings(raw["geometry"])
    except ValueError as exc:
        raise _EntryError("geometry", str(exc)) from None
    lon, lat = centroid(rings[0])
    return {**raw, "lon": lon, "lat": lat}


def _cross_check(facility: Facility) -> None:
    capacity = facility.capacity
    if facility.kind == "port":
        _need(capacity.berths is not None, "capacity.berths", "required for a port")
        _need(capacity.max_draught_m is not None, "capacity.max_draught_m", "required for a port")
    if facility.kind == "airfield":
        _need(capacity.aircraft_stands is not None, "capacity.aircraft_stands", "required")
    if facility.kind not in AREA_KINDS:
        _need(facility.geometry is None, "geometry", "only training ranges and airspace")
    if facility.id[2] == "-":
        homes = (facility.country, facility.territory)
        _need(facility.id[:2] in homes, "id", "a CC-NAME id starts with its country code")
    if facility.third_country:
        _need(not facility.designated_by, "designated_by", "no agreement covers a third country")
        _need(facility.clearance_lead_days is not None, "clearance_lead_days", "required")
    else:
        _need(facility.clearance_lead_days is None, "clearance_lead_days", "third_country only")


def _need(condition: object, field: str, why: str) -> None:
    if not condition:
        raise _EntryError(field, why)
