"""The planner's answer: legs, stops, totals and notices, for a plan or its baseline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from relos.planning.refuel import Problem, Stop, Voyage

if TYPE_CHECKING:
    from relos.planning.planner import Mission


@dataclass(frozen=True)
class Notice:
    facility: str  # a facility id, or a passage id for a passage notice
    days: int
    reason: str
    visit: datetime  # when the ship or aircraft arrives (or enters the passage)
    kind: str = "visit"  # "visit", "passage" or "overflight"
    desirable_days: int | None = None  # where the law asks more than it requires
    state: str | None = None  # the state to notify, where it is not the facility's

    @property
    def file_by(self) -> datetime:
        return self.visit - timedelta(days=self.days)


@dataclass(frozen=True)
class PlanLeg:
    start: Stop
    end: Stop
    distance_nm: float
    hours: float
    depart: datetime
    arrive: datetime
    refuel: bool  # the leg ends at a refuel stop
    fuel_t: float


@dataclass(frozen=True)
class StopCall:
    stop: Stop
    arrive: datetime
    depart: datetime
    fuel_t: float
    cost: float


@dataclass(frozen=True)
class RoutePlan:
    feasible: bool
    reason: str | None
    range_nm: float
    legs: tuple[PlanLeg, ...] = ()
    stops: tuple[StopCall, ...] = ()
    notices: tuple[Notice, ...] = ()
    distance_nm: float | None = None
    days: float | None = None
    fuel_t: float | None = None
    cost: float | None = None
    origin_fuel_t: float = 0.0
    conditions: tuple[str, ...] = ()  # passage law the plan must meet
    risks: tuple[str, ...] = ()  # risk flags of the passages sailed

    @property
    def price_sources(self) -> list[str]:
        seen = {leg.start.price_source for leg in self.legs}
        return sorted(seen)


def describe(
    mission: Mission,
    voyage: Voyage,
    problem: Problem,
    notices: list[Notice],
    conditions: Sequence[str] = (),
    risks: Sequence[str] = (),
) -> RoutePlan:
    stops = problem.stops
    legs = tuple(
        PlanLeg(
            stops[x.start],
            stops[x.end],
            x.distance_nm,
            (x.arrive - x.depart).total_seconds() / 3600,
            x.depart,
            x.arrive,
            x is not voyage.legs[-1],
            x.fuel_t,
        )
        for x in voyage.legs
    )
    calls = tuple(
        StopCall(
            stops[a.end],
            a.arrive,
            b.depart,
            voyage.bought_t.get(a.end, 0.0),
            voyage.bought_t.get(a.end, 0.0) * stops[a.end].price_per_t,
        )
        for a, b in zip(voyage.legs, voyage.legs[1:], strict=False)
    )
    end = voyage.legs[-1].arrive
    return RoutePlan(
        feasible=True,
        reason=None,
        range_nm=mission.craft.range_nm(mission.reserve),
        legs=legs,
        stops=calls,
        notices=tuple(notices),
        distance_nm=voyage.distance_nm,
        days=(end - mission.depart).total_seconds() / 86400,
        fuel_t=sum(x.fuel_t for x in voyage.legs),
        cost=voyage.cost,
        origin_fuel_t=voyage.bought_t.get(0, 0.0),
        conditions=tuple(conditions),
        risks=tuple(risks),
    )


def infeasible(mission: Mission, reason: str, problem: Problem) -> RoutePlan:
    return RoutePlan(False, reason, mission.craft.range_nm(mission.reserve))


def difference(plan: RoutePlan, baseline: RoutePlan) -> dict[str, object]:
    """What the agreements change: feasibility, and the totals where both are feasible."""
    out: dict[str, object] = {
        "feasible": plan.feasible,
        "baseline_feasible": baseline.feasible,
        "enabled_by_agreements": plan.feasible and not baseline.feasible,
    }
    if plan.feasible and baseline.feasible:
        for name in ("distance_nm", "days", "fuel_t", "cost"):
            mine, theirs = getattr(plan, name), getattr(baseline, name)
            out[name] = None if mine is None or theirs is None else mine - theirs
        out["stops"] = len(plan.stops) - len(baseline.stops)
    return out
