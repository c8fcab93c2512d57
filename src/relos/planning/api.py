"""HTTP routes of the planner: sea distance, route plans, reach."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from relos.kit.timeutil import parse_instant, utcnow
from relos.kit.web import Caller, Db
from relos.planning import service
from relos.planning.schemas import ReachIn, ReachOut, RouteIn, RoutePlanOut, SeaDistanceOut

router = APIRouter(tags=["planner"])


@router.get("/sea-distance", response_model=SeaDistanceOut)
def sea_distance(
    caller: Caller,
    origin: Annotated[str, Query(alias="from", description="Facility id, UN/LOCODE or lon,lat")],
    destination: Annotated[str, Query(alias="to")],
    depart: Annotated[str | None, Query(description="RFC 3339; seasons apply")] = None,
    kind: Annotated[str, Query(description="warship or merchant")] = "warship",
    speed_kn: Annotated[float | None, Query(gt=0, le=60)] = None,
    close: Annotated[list[str] | None, Query(description="Passages to close")] = None,
    open_: Annotated[list[str] | None, Query(alias="open", description="Passages to open")] = None,
) -> dict[str, Any]:
    """Shortest open sea route; 422 problem+json with the reasons when none is open."""
    when: datetime = parse_instant(depart, "depart") if depart else utcnow()
    return service.sea_distance(
        caller, origin, destination, when, kind, speed_kn, tuple(open_ or ()), tuple(close or ())
    )


@router.post("/plans/route", response_model=RoutePlanOut)
def plan_route(body: RouteIn, db: Db, caller: Caller) -> dict[str, Any]:
    """Route plan with refuel stops, notices, and the baseline without the agreements."""
    with db.transaction(write=False) as session:
        return service.plan_route(session, caller, _body(body))


@router.post("/plans/reach", response_model=ReachOut)
def plan_reach(body: ReachIn, db: Db, caller: Caller) -> dict[str, Any]:
    """Facilities reachable from an origin, with and without the agreements."""
    with db.transaction(write=False) as session:
        return service.plan_reach(session, caller, _body(body))


def _body(body: ReachIn) -> dict[str, Any]:
    data = body.model_dump()
    data["reserve"] = float(body.reserve)
    return data
