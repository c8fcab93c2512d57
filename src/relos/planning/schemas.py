"""Request shapes of the planner routes (docs/api.md "Planner")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

# Plans reach from the age of steam to the end of the century after this one; a date
# outside is a typing mistake, and would overflow date arithmetic along a long voyage.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def check_year(value: datetime) -> datetime:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"departure year must be within {FIRST_YEAR}-{LAST_YEAR}")
    return value


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeaDistanceQuery(_In):
    """The command of a sea distance: geography without a platform, passage law with one."""

    origin: str = Field(description="Facility id, UN/LOCODE or lon,lat")
    destination: str
    depart: AwareDatetime
    platform: str | None = Field(default=None, description="Apply this platform's passage law")
    speed_kn: float | None = Field(default=None, ge=1, le=60, description="Times the seasons")
    open_passages: list[str] = Field(default_factory=list)
    closed_passages: list[str] = Field(default_factory=list)

    _year = field_validator("depart")(check_year)


class ReachIn(_In):
    platform: str = Field(description="Platform id, e.g. talwar")
    origin: str = Field(description="Facility id, UN/LOCODE or lon,lat")
    depart: AwareDatetime
    agreements: list[str] = Field(
        default_factory=list, description="Agreement ids, e.g. in-ru-relos"
    )
    reserve: Decimal = Field(default=Decimal("0.15"), ge=0, lt=1, description="Fuel kept in hand")
    speed_kn: float | None = Field(default=None, gt=0, le=1000, description="Planning speed")
    open_passages: list[str] = Field(default_factory=list)
    closed_passages: list[str] = Field(default_factory=list)
    allow_clearance: bool = Field(default=False, description="Stop at third-country sites too")

    _year = field_validator("depart")(check_year)


class RouteIn(ReachIn):
    destination: str = Field(description="Facility id, UN/LOCODE or lon,lat")
    objective: Literal["distance", "time", "cost", "stops"] = "distance"


class LineString(BaseModel):
    type: Literal["LineString"]
    coordinates: list[list[float]]


class SeaDistanceOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    depart: str
    distance_nm: float
    via: list[str] = Field(description="Passages sailed, in order")
    approach_nm: list[float] = Field(description="Approach legs at each end, included")
    geometry: LineString
    source: str
    platform: str | None = Field(default=None, description="Whose passage law applied")
    notices: list[NoticeOut] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)
    risks: list[str] = Field(default_factory=list)
    condition_codes: list[CodedOut] = Field(default_factory=list)
    risk_codes: list[CodedOut] = Field(default_factory=list)


class CodedOut(BaseModel):
    """A reason, notice, condition or risk as its code and parameters (a page renders it in
    its own language; codes in planning/messages.py) beside the English message."""

    code: str = Field(description="e.g. passage.rule, passage.season, plan.no_chain")
    params: dict[str, Any] = Field(description="Parameters; nested messages as CodedOut")
    message: str = Field(description="The English sentence")


class LegOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    distance_nm: float
    hours: float
    depart: str
    arrive: str
    refuel: bool = Field(description="The leg ends at a refuel stop")
    fuel_t: float
    geometry: LineString


class StopOut(BaseModel):
    facility: str
    name: str
    access: str
    arrive: str
    depart: str
    fuel_t: float
    price_per_t: str
    price_source: str
    cost: str


class NoticeOut(BaseModel):
    facility: str = Field(description="Facility id, passage id, or state for an overflight")
    days: int
    reason: str
    reason_code: CodedOut | None = None
    visit: str
    file_by: str
    kind: Literal["visit", "passage", "overflight"] = "visit"
    desirable_days: int | None = Field(default=None, description="Notice the law recommends")
    state: str | None = Field(default=None, description="State to notify, where not the site's")


class PlanSummary(BaseModel):
    feasible: bool
    distance_nm: float | None = None
    days: float | None = None
    cost: str | None = None
    reason: str | None = None
    reason_code: CodedOut | None = None


class PlanCore(BaseModel):
    feasible: bool
    reason: str | None = None
    reason_code: CodedOut | None = None
    range_nm: float
    legs: list[LegOut]
    stops: list[StopOut]
    notices: list[NoticeOut]
    distance_nm: float | None = None
    days: float | None = None
    fuel_t: float | None = None
    cost: str | None = None
    currency: str | None = None
    cost_source: str | None = None
    conditions: list[str] = Field(default_factory=list, description="Passage law to meet")
    risks: list[str] = Field(default_factory=list, description="Risk flags of the passages")
    condition_codes: list[CodedOut] = Field(default_factory=list)
    risk_codes: list[CodedOut] = Field(default_factory=list)


class Contribution(BaseModel):
    agreement: str
    without: PlanSummary


class RoutePlanOut(PlanCore):
    platform: str
    origin: str
    destination: str | None
    depart: str
    agreements: list[str]
    objective: str
    reserve: str
    speed_kn: float
    baseline: PlanCore
    difference: dict[str, bool | float | int | str | None]
    warnings: list[str]
    sources: dict[str, str | list[str]]
    contributions: list[Contribution] = Field(
        default_factory=list, description="The plan without each agreement in turn (2 or more)"
    )


class OverflightOut(BaseModel):
    state: str = Field(description="ISO 3166-1 alpha-2 code of the airspace entered")
    name: str
    status: Literal["open", "clearance"]
    rule: str = Field(description="Rule id in data/planning/airspace.toml")
    lead_days: int
    illustrative: bool = Field(description="The lead time is a planning assumption")
    enter: str = Field(description="When the aircraft enters the airspace")
    file_by: str | None = Field(description="Enter less the lead time (clearances)")
    code: str
    params: dict[str, str | int | float]
    message: str


class AirDistanceQuery(_In):
    """The command of an air route: an aircraft platform's flag decides the airspace."""

    origin: str = Field(description="Facility id, UN/LOCODE or lon,lat")
    destination: str
    depart: AwareDatetime
    platform: str = Field(description="Aircraft platform id, e.g. c17_in")
    speed_kn: float | None = Field(default=None, gt=0, le=1000, description="Times the entries")

    _year = field_validator("depart")(check_year)


class AirDistanceOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    platform: str
    flag: str
    depart: str
    distance_nm: float
    great_circle_nm: float
    avoided: list[str] = Field(description="States whose airspace is closed to the flag")
    overflights: list[OverflightOut] = Field(description="States entered, in order")
    geometry: LineString
    source: str


class ReachedOut(BaseModel):
    facility: str
    name: str
    country: str
    access: str
    distance_nm: float
    days: float
    stops: int
    via: list[str]


class ReachBaseline(BaseModel):
    reachable: list[ReachedOut]


class ReachOut(BaseModel):
    platform: str
    origin: str
    depart: str
    agreements: list[str]
    reserve: str
    range_nm: float
    reachable: list[ReachedOut]
    baseline: ReachBaseline
    gained: list[str]
    warnings: list[str]
    sources: dict[str, str | list[str]]


SeaDistanceOut.model_rebuild()
