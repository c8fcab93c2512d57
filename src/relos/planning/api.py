"""HTTP routes of the planner: sea distance, route plans, reach."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ValidationError

from relos.kit.errors import InvalidInput
from relos.kit.timeutil import parse_instant, utcnow
from relos.kit.web import Caller, Db
from relos.planning import service
from relos.planning.schemas import (
    AirDistanceOut,
    AirDistanceQuery,
    ReachIn,
    ReachOut,
    RouteIn,
    RoutePlanOut,
    SeaDistanceOut,
    SeaDistanceQuery,
)


def known_query_only(request: Request) -> None:
    """Refuse query parameters a route does not take, and repeats of single-valued ones
    (`kind=` on /sea-distance was once silently ignored): 422, nothing computed."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    names = {f.alias: f for f in _query_fields(dependant)}
    for name in request.query_params:
        if name not in names:
            known = ", ".join(sorted(names)) or "none"
            raise InvalidInput(f"unknown query parameter {name!r}; this route takes: {known}")
        repeated = len(request.query_params.getlist(name)) > 1
        if repeated and "list" not in str(names[name].field_info.annotation):
            raise InvalidInput(f"query parameter {name!r} given more than once")


def _query_fields(dependant: Any) -> list[Any]:
    """The query parameters of a route and of the dependencies it uses."""
    if dependant is None:
        return []
    out = list(dependant.query_params)
    for sub in dependant.dependencies:
        out += _query_fields(sub)
    return out


router = APIRouter(tags=["planner"], dependencies=[Depends(known_query_only)])


@router.get("/sea-distance", response_model=SeaDistanceOut, response_model_by_alias=True)
def sea_distance(
    caller: Caller,
    db: Db,
    origin: Annotated[str, Query(alias="from", description="Facility id, UN/LOCODE or lon,lat")],
    destination: Annotated[str, Query(alias="to")],
    depart: Annotated[str | None, Query(description="RFC 3339; seasons apply")] = None,
    platform: Annotated[
        str | None, Query(description="Platform id: apply its flag's passage law")
    ] = None,
    speed_kn: Annotated[float | None, Query(ge=1, le=60)] = None,
    close: Annotated[list[str] | None, Query(description="Passages to close")] = None,
    open_: Annotated[list[str] | None, Query(alias="open", description="Passages to open")] = None,
) -> SeaDistanceOut:
    """Shortest open sea route: geography without a platform, passage law with one;
    422 problem+json with the reasons when none is open."""
    query = sea_distance_query(
        origin, destination, depart, platform, speed_kn, open_ or [], close or []
    )
    with db.transaction(write=False) as session:
        return service.sea_distance(session, caller, query)


def sea_distance_query(
    origin: str,
    destination: str,
    depart: str | None,
    platform: str | None,
    speed_kn: float | None,
    opened: list[str],
    closed: list[str],
) -> SeaDistanceQuery:
    """The command from query parameters or CLI options (one message on bad input)."""
    try:
        return SeaDistanceQuery(
            origin=origin,
            destination=destination,
            depart=depart_of(depart),
            platform=platform,
            speed_kn=speed_kn,
            open_passages=opened,
            closed_passages=closed,
        )
    except ValidationError as exc:
        raise InvalidInput(first_error(exc)) from None


def depart_of(text: str | None) -> datetime:
    """A departure from RFC 3339 text (now when absent); one far past the calendar's end
    in its own offset is bad input, not an overflow."""
    if not text:
        return utcnow()
    try:
        return parse_instant(text, "depart")
    except OverflowError:
        raise InvalidInput(f"depart: {text!r} is outside the calendar") from None


def first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "request"
    return f"{where}: {first['msg'].removeprefix('Value error, ')}"


@router.get("/air-route", response_model=AirDistanceOut, response_model_by_alias=True)
def air_route(
    caller: Caller,
    db: Db,
    origin: Annotated[str, Query(alias="from", description="Facility id, UN/LOCODE or lon,lat")],
    destination: Annotated[str, Query(alias="to")],
    platform: Annotated[str, Query(description="Aircraft platform id: its flag's airspace law")],
    depart: Annotated[str | None, Query(description="RFC 3339; rules in force that day")] = None,
    speed_kn: Annotated[float | None, Query(gt=0, le=1000)] = None,
) -> AirDistanceOut:
    """Air route around the airspace closed to the aircraft's flag, with each state entered
    and its clearance deadline; 422 problem+json with the reasons when none goes round."""
    query = air_route_query(origin, destination, platform, depart, speed_kn)
    with db.transaction(write=False) as session:
        return service.air_distance(session, caller, query)


def air_route_query(
    origin: str, destination: str, platform: str, depart: str | None, speed_kn: float | None
) -> AirDistanceQuery:
    try:
        return AirDistanceQuery(
            origin=origin,
            destination=destination,
            platform=platform,
            depart=depart_of(depart),
            speed_kn=speed_kn,
        )
    except ValidationError as exc:
        raise InvalidInput(first_error(exc)) from None


@router.post("/plans/route", response_model=RoutePlanOut, response_model_by_alias=True)
def plan_route(body: RouteIn, db: Db, caller: Caller) -> RoutePlanOut:
    """Route plan with refuel stops, notices, and the baseline without the agreements."""
    with db.transaction(write=False) as session:
        return service.plan_route(session, caller, body)


@router.post("/plans/reach", response_model=ReachOut, response_model_by_alias=True)
def plan_reach(body: ReachIn, db: Db, caller: Caller) -> ReachOut:
    """Facilities reachable from an origin, with and without the agreements."""
    with db.transaction(write=False) as session:
        return service.plan_reach(session, caller, body)
