"""The public JSON shapes of planner answers (docs/api.md "Planner"); the CLI prints the same."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from relos.kit.timeutil import format_instant
from relos.planning.air import AirRoute, Overflight
from relos.planning.airstore import airspace
from relos.planning.errors import RouteBlocked
from relos.planning.messages import coded
from relos.planning.planner import Mission, Planner
from relos.planning.reach import Reached
from relos.planning.seaway import SeaRoute
from relos.planning.voyage import Notice, PlanLeg, RoutePlan
from relos.planning.waypoints import Endpoint


def sea_route(found: SeaRoute, depart: datetime) -> dict[str, Any]:
    return {
        "from": found.origin.id,
        "to": found.destination.id,
        "depart": format_instant(depart),
        "distance_nm": round(found.distance_nm, 1),
        "via": list(found.via),
        "approach_nm": [round(x, 1) for x in found.approach_nm],
        "geometry": _line(found.coordinates),
        "source": "searoute marine network (data only); relos routing",
    }


def passage_law(planner: Planner, mission: Mission, found: SeaRoute) -> dict[str, Any]:
    """Notices (with deadlines), conditions and risks of the passages a sea route sails,
    each passage judged on the day the ship enters it."""
    notices: list[dict[str, Any]] = []
    conditions: list[str] = []
    risks: list[str] = []
    for passage, enter, verdict in planner.judge_route(mission, found, mission.depart):
        for due in verdict.notices:
            notice = Notice(passage.id, due.days, due.reason, enter, "passage", due.desirable_days)
            notices.append(notice_out(notice))
        conditions += verdict.conditions
        risks += verdict.risks
    return {
        "notices": notices,
        "conditions": conditions,
        "risks": risks,
        "condition_codes": [coded(c) for c in conditions],
        "risk_codes": [coded(r) for r in risks],
    }


def notice_out(n: Notice) -> dict[str, Any]:
    return {
        "facility": n.facility,
        "days": n.days,
        "reason": n.reason,
        "reason_code": coded(n.reason),
        "visit": format_instant(n.visit),
        "file_by": format_instant(n.file_by),
        "kind": n.kind,
        "desirable_days": n.desirable_days,
        "state": n.state,
    }


def comparison(
    mission: Mission,
    mine: RoutePlan,
    baseline: RoutePlan,
    difference: dict[str, object],
    warnings: list[str],
    planner: Planner,
) -> dict[str, Any]:
    currency = (mission.prices or planner.prices).currency
    return {
        "platform": mission.craft.id,
        "origin": mission.origin.id,
        "destination": mission.destination.id if mission.destination else None,
        "depart": format_instant(mission.depart),
        "agreements": [p.id for p in mission.pacts],
        "objective": mission.objective,
        "reserve": str(mission.reserve),
        "speed_kn": mission.craft.speed_kn,
        **plan(mine, currency, planner, mission),
        "baseline": plan(baseline, currency, planner, replace(mission, pacts=())),
        "difference": _difference(difference),
        "warnings": warnings,
    }


def plan(p: RoutePlan, currency: str, planner: Planner, mission: Mission) -> dict[str, Any]:
    out: dict[str, Any] = {"feasible": p.feasible, "range_nm": round(p.range_nm, 1)}
    if not p.feasible:
        out["reason"] = p.reason
        out["reason_code"] = None if p.reason is None else coded(p.reason)
        return out | {"legs": [], "stops": [], "notices": []}
    out["legs"] = [_leg(x, planner, mission) for x in p.legs]
    out["stops"] = [
        {
            "facility": c.stop.id,
            "name": c.stop.name,
            "access": c.stop.access,
            "arrive": format_instant(c.arrive),
            "depart": format_instant(c.depart),
            "fuel_t": round(c.fuel_t, 1),
            "price_per_t": money(c.stop.price_per_t),
            "price_source": c.stop.price_source,
            "cost": money(c.cost),
        }
        for c in p.stops
    ]
    out["notices"] = [notice_out(n) for n in p.notices]
    out["conditions"] = list(p.conditions)
    out["risks"] = list(p.risks)
    out["condition_codes"] = [coded(c) for c in p.conditions]
    out["risk_codes"] = [coded(r) for r in p.risks]
    assert p.distance_nm is not None and p.days is not None and p.fuel_t is not None
    out |= {
        "distance_nm": round(p.distance_nm, 1),
        "days": round(p.days, 2),
        "fuel_t": round(p.fuel_t, 1),
        "cost": money(p.cost or 0.0),
        "currency": currency,
        "cost_source": ", ".join(p.price_sources),
    }
    return out


def _leg(x: PlanLeg, planner: Planner, mission: Mission) -> dict[str, Any]:
    return {
        "from": x.start.id,
        "to": x.end.id,
        "distance_nm": round(x.distance_nm, 1),
        "hours": round(x.hours, 1),
        "depart": format_instant(x.depart),
        "arrive": format_instant(x.arrive),
        "refuel": x.refuel,
        "fuel_t": round(x.fuel_t, 1),
        "geometry": _leg_geometry(x, planner, mission),
    }


def _leg_geometry(x: PlanLeg, planner: Planner, mission: Mission) -> dict[str, Any]:
    ends = [(x.start.lon, x.start.lat), (x.end.lon, x.end.lat)]
    if mission.craft.kind == "aircraft":
        return _line(air_leg(x, mission).coordinates)
    when = replace(mission.conditions, depart=x.depart)
    a, b = (
        planner.sites[s.id].endpoint if s.id in planner.sites else None for s in (x.start, x.end)
    )
    start = a or mission.origin
    end = b or (mission.destination or mission.origin)
    try:
        return _line(planner.seaway.route(start, end, when).coordinates)
    except RouteBlocked:  # pragma: no cover - the leg was planned on an open route
        return _line(ends)


def air_leg(x: PlanLeg, mission: Mission) -> AirRoute:
    """The flown route of an air leg, around the airspace closed on its day."""
    a, b = (Endpoint(s.id, s.name, s.lon, s.lat, "facility") for s in (x.start, x.end))
    return airspace().route(a, b, mission.craft.party, x.depart.date())


def air_route(found: AirRoute, overflights: list[Overflight], depart: datetime) -> dict[str, Any]:
    """An air route's figures: distance against the great circle, states avoided, and each
    overflight with its status and, for a clearance, the day to file by."""
    return {
        "from": found.origin.id,
        "to": found.destination.id,
        "depart": format_instant(depart),
        "distance_nm": round(found.distance_nm, 1),
        "great_circle_nm": round(found.great_circle_nm, 1),
        "avoided": list(found.avoided),
        "overflights": [
            {
                "state": o.state,
                "name": o.name,
                "status": o.ruling.status,
                "rule": o.ruling.rule,
                "lead_days": o.ruling.lead_days,
                "illustrative": o.ruling.illustrative,
                "enter": format_instant(o.enter),
                "file_by": format_instant(o.file_by) if o.ruling.status == "clearance" else None,
                **o.reason.as_json(),
            }
            for o in overflights
        ],
        "geometry": _line(found.coordinates),
        "source": "data/planning/airspace.toml; Natural Earth 1:50m states (world-atlas)",
    }


def reach(
    mission: Mission, mine: list[Reached], alone: list[Reached], warnings: list[str]
) -> dict[str, Any]:
    base_ids = {r.site.id for r in alone}
    return {
        "platform": mission.craft.id,
        "origin": mission.origin.id,
        "depart": format_instant(mission.depart),
        "agreements": [p.id for p in mission.pacts],
        "reserve": str(mission.reserve),
        "range_nm": round(mission.craft.range_nm(mission.reserve), 1),
        "reachable": [_reached(r) for r in mine],
        "baseline": {"reachable": [_reached(r) for r in alone]},
        "gained": sorted(r.site.id for r in mine if r.site.id not in base_ids),
        "warnings": warnings,
    }


def _reached(r: Reached) -> dict[str, Any]:
    return {
        "facility": r.site.id,
        "name": r.site.name,
        "country": r.site.country,
        "access": r.access,
        "distance_nm": round(r.distance_nm, 1),
        "days": round(r.days, 2),
        "stops": r.stops,
        "via": list(r.via),
    }


def _difference(diff: dict[str, object]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in diff.items():
        if key == "cost" and isinstance(value, float):
            out[key] = money(value)
        elif isinstance(value, float):
            out[key] = round(value, 2)
        else:
            out[key] = value
    return out


def money(value: float) -> str:
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


def _line(coords: tuple[tuple[float, float], ...] | list[tuple[float, float]]) -> dict[str, Any]:
    return {
        "type": "LineString",
        "coordinates": [[round(lon, 6), round(lat, 6)] for lon, lat in coords],
    }
