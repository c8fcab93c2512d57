"""Ship classes and aircraft types with public figures, validated and frozen.

A warship carries range points (range at a speed); with two points and the fuel load the
planner fits fuel burn per hour as a + b*V^3 (hull resistance grows with the cube of speed,
plus a hotel load). An aircraft carries its ferry range and cruise speed. Guessed figures
are listed in `illustrative`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from relos.kit.codes import is_country
from relos.kit.errors import ReferenceDataError

SHIP_FIELDS = ("range_points", "max_speed_kn", "displacement_t", "length_m", "beam_m", "draught_m")
AIRCRAFT_FIELDS = ("ferry_range_km", "cruise_speed_kn")
SHIP_ONLY, AIRCRAFT_ONLY = SHIP_FIELDS, ("ferry_range_km",)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RangePoint(_Frozen):
    range_nm: float = Field(gt=0)
    speed_kn: float = Field(gt=0, le=60)


class Platform(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    kind: Literal["warship", "aircraft"]
    party: str
    role: str | None = None
    range_points: tuple[RangePoint, ...] = ()
    max_speed_kn: float | None = Field(default=None, gt=0, le=60)
    cruise_speed_kn: float | None = Field(default=None, gt=0, le=1000)
    fuel_capacity_t: float | None = Field(default=None, gt=0)
    cargo_fuel_t: float | None = Field(default=None, gt=0)
    ferry_range_km: float | None = Field(default=None, gt=0)
    displacement_t: float | None = Field(default=None, gt=0)
    length_m: float | None = Field(default=None, gt=0, le=400)
    beam_m: float | None = Field(default=None, gt=0, le=100)
    draught_m: float | None = Field(default=None, gt=0, le=30)
    crew: int | None = Field(default=None, gt=0)
    source: str = Field(min_length=1)
    notes: str | None = None
    illustrative: tuple[str, ...] = ()

    @field_validator("party")
    @classmethod
    def _party(cls, value: str) -> str:
        if not is_country(value):
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
        return value

    @field_validator("illustrative")
    @classmethod
    def _illustrative(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if name not in ILLUSTRATIVE_FIELDS:
                raise ValueError(f"unknown field name {name!r}")
        return value

    @property
    def range_nm(self) -> float | None:
        """The first published range (the economical point) in nautical miles."""
        if self.range_points:
            return self.range_points[0].range_nm
        return None if self.ferry_range_km is None else round(self.ferry_range_km / 1.852, 1)

    @property
    def speed_kn(self) -> float | None:
        """The speed that goes with `range_nm`."""
        return self.range_points[0].speed_kn if self.range_points else self.cruise_speed_kn


ILLUSTRATIVE_FIELDS = frozenset(Platform.model_fields) - {"id", "kind", "illustrative"}


def fuel_burn_coefficients(points: tuple[RangePoint, ...], fuel_t: float) -> tuple[float, float]:
    """(a, b) in tonnes per hour with burn(V) = a + b*V^3, through two range points.

    Running the tank dry at speed V over range R takes R/V hours, so burn = fuel*V/R.
    """
    (r1, v1), (r2, v2) = ((p.range_nm, p.speed_kn) for p in points[:2])
    burn1, burn2 = fuel_t * v1 / r1, fuel_t * v2 / r2
    b = (burn2 - burn1) / (v2**3 - v1**3)
    return burn1 - b * v1**3, b


class _EntryError(Exception):
    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"{field}: {why}")
        self.field, self.why = field, why


def load_platforms(path: Path) -> list[Platform]:
    """Every platform in the file; ids unique."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError(f"{path.name}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ReferenceDataError(f"{path}: cannot read: {exc.strerror}") from None
    unknown = set(document) - {"platform"}
    if unknown:
        raise ReferenceDataError(f"{path.name}: unknown top-level keys {sorted(unknown)}")
    entries = document.get("platform", [])
    if not isinstance(entries, list) or not entries:
        raise ReferenceDataError(f"{path.name}: no [[platform]] entries")
    platforms: list[Platform] = []
    for index, raw in enumerate(entries, 1):
        platform = _entry(path, index, raw)
        if any(p.id == platform.id for p in platforms):
            raise ReferenceDataError(f"{path.name}: platform {platform.id}: field id: duplicate")
        platforms.append(platform)
    return platforms


def shipped_platforms_path() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "platforms.toml"


def _entry(path: Path, index: int, raw: dict[str, object]) -> Platform:
    entry_id = raw.get("id", f"#{index}")
    prefix = f"{path.name}: platform {entry_id}: field"
    try:
        platform = Platform.model_validate(raw)
        _cross_check(platform)
    except _EntryError as exc:
        raise ReferenceDataError(f"{prefix} {exc.field}: {exc.why}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(entry)"
        why = first["msg"].removeprefix("Value error, ")
        raise ReferenceDataError(f"{prefix} {field}: {why}") from None
    return platform


def _cross_check(platform: Platform) -> None:
    is_ship = platform.kind == "warship"
    needed = SHIP_FIELDS if is_ship else AIRCRAFT_FIELDS
    foreign = AIRCRAFT_ONLY if is_ship else SHIP_ONLY
    for name in needed:
        _need(getattr(platform, name) not in (None, ()), name, f"required for a {platform.kind}")
    for name in foreign:
        _need(getattr(platform, name) in (None, ()), name, f"not for a {platform.kind}")
    if platform.kind == "warship":
        _check_ship(platform)


def _check_ship(platform: Platform) -> None:
    points = platform.range_points
    speeds = [p.speed_kn for p in points]
    _need(len(points) <= 2, "range_points", "give one or two points")
    _need(len(set(speeds)) == len(speeds), "range_points", "two points need different speeds")
    top = platform.max_speed_kn or 0
    _need(max(speeds) <= top, "range_points", f"a speed is above max_speed_kn {top:g}")
    if len(points) == 2:
        slow, fast = sorted(points, key=lambda p: p.speed_kn)
        _need(fast.range_nm < slow.range_nm, "range_points", "range must fall as speed rises")
        a, _ = fuel_burn_coefficients((slow, fast), platform.fuel_capacity_t or 1.0)
        _need(a >= 0, "range_points", "the points give a negative base burn (a < 0 in a + bV^3)")


def _need(condition: object, field: str, why: str) -> None:
    if not condition:
        raise _EntryError(field, why)
