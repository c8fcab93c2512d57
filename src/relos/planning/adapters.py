"""Turn the shared domain records (facilities, agreements, platforms) into planner terms.

Structural types keep the planning core free of the other features' modules: anything with
these attributes plans, which is also how the unit tests feed small fixtures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from relos.kit.errors import InvalidInput
from relos.planning.access import Pact, Site
from relos.planning.craft import Craft, aircraft, ship

NM_PER_KM = 1 / 1.852


class SeasonLike(Protocol):
    @property
    def opens(self) -> str: ...
    @property
    def closes(self) -> str: ...


class FacilityLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def lon(self) -> float: ...
    @property
    def lat(self) -> float: ...
    @property
    def operators(self) -> tuple[str, ...]: ...
    @property
    def fuel_grades(self) -> tuple[str, ...]: ...
    @property
    def designated_by(self) -> tuple[str, ...]: ...
    @property
    def third_country(self) -> bool: ...
    @property
    def clearance_lead_days(self) -> int | None: ...
    @property
    def seasons(self) -> Sequence[SeasonLike]: ...


class AccessLike(Protocol):
    @property
    def notice_days(self) -> Mapping[str, int]: ...


class AgreementLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def short_name(self) -> str: ...
    @property
    def parties(self) -> tuple[str, str]: ...
    @property
    def access(self) -> AccessLike | None: ...


class RangePointLike(Protocol):
    @property
    def range_nm(self) -> float: ...
    @property
    def speed_kn(self) -> float: ...


class PlatformLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def party(self) -> str: ...
    @property
    def range_points(self) -> Sequence[RangePointLike]: ...
    @property
    def cruise_speed_kn(self) -> float | None: ...
    @property
    def fuel_capacity_t(self) -> float | None: ...
    @property
    def ferry_range_km(self) -> float | None: ...
    @property
    def source(self) -> str: ...
    @property
    def displacement_t(self) -> float | None: ...
    @property
    def draught_m(self) -> float | None: ...
    @property
    def beam_m(self) -> float | None: ...
    @property
    def max_speed_kn(self) -> float | None: ...
    @property
    def illustrative(self) -> tuple[str, ...]: ...


def site(f: FacilityLike) -> Site:
    return Site(
        id=f.id,
        name=f.name,
        kind=f.kind,
        country=f.country,
        lon=f.lon,
        lat=f.lat,
        operators=tuple(f.operators),
        fuel_grades=tuple(f.fuel_grades),
        designated_by=tuple(f.designated_by),
        third_country=f.third_country,
        clearance_lead_days=f.clearance_lead_days,
        seasons=tuple((s.opens, s.closes) for s in f.seasons),
    )


def pact(a: AgreementLike) -> Pact:
    notice = dict(a.access.notice_days) if a.access is not None else {}
    return Pact(a.id, a.short_name, a.parties, notice)


def craft(p: PlatformLike, speed_kn: float | None = None) -> Craft:
    """A platform at a planning speed (its cruise speed unless given)."""
    fuel = p.fuel_capacity_t or 1.0  # without a tank figure, fuel is in tanks, not tonnes
    if p.kind == "aircraft":
        if p.ferry_range_km is None or p.cruise_speed_kn is None:
            raise InvalidInput(f"platform {p.id}: needs ferry range and cruise speed to plan")
        return aircraft(
            p.id, p.party, p.ferry_range_km * NM_PER_KM, p.cruise_speed_kn, fuel, p.source
        )
    points = [(rp.range_nm, rp.speed_kn) for rp in p.range_points]
    speed = speed_kn or p.cruise_speed_kn or (points[0][1] if points else None)
    if speed is None or not points:
        raise InvalidInput(f"platform {p.id}: needs a published range at a speed to plan")
    return replace(
        ship(p.id, p.party, points, fuel, speed, p.source),
        displacement_t=p.displacement_t,
        draught_m=p.draught_m,
        beam_m=p.beam_m,
        ice_class=getattr(p, "ice_class", None),  # platforms may add it; none do yet
    )
