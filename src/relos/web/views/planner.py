"""The mission planner: a route with its refuel stops on the map, with and without the pact."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from relos.access.domain import Principal
from relos.access.policy import require
from relos.agreements import service as agreements
from relos.facilities import service as facilities
from relos.facilities.schemas import FacilityOut
from relos.kit.db import Database
from relos.kit.errors import InvalidInput, RelosError
from relos.kit.timeutil import utcnow
from relos.planning import service
from relos.planning.schemas import ReachIn, RouteIn
from relos.platforms import service as platforms
from relos.web.i18n import locale_of, translations
from relos.web.problems import problem_lines
from relos.web.render import render
from relos.web.security import PageUser

router = APIRouter()
OBJECTIVES = ("distance", "time", "cost", "stops")


def route_layer(plan: dict[str, Any]) -> dict[str, Any]:
    """What the map draws: the plan's legs, the baseline's legs (dashed) and the stops."""
    lines = [
        {"coordinates": leg["geometry"]["coordinates"], "baseline": baseline}
        for baseline, legs in ((True, plan["baseline"].get("legs", [])), (False, plan["legs"]))
        for leg in legs
    ]
    ends = {leg["to"]: leg["geometry"]["coordinates"][-1] for leg in plan["legs"]}
    starts = {leg["from"]: leg["geometry"]["coordinates"][0] for leg in plan["legs"]}
    stops = [
        {
            "name": stop["name"],
            "lon": ends[stop["facility"]][0],
            "lat": ends[stop["facility"]][1],
            "refuel": True,
        }
        for stop in plan["stops"]
        if stop["facility"] in ends
    ]
    for end_id, table in ((plan["origin"], starts), (plan["destination"], ends)):
        if end_id in table:
            stops.append(
                {"name": end_id, "lon": table[end_id][0], "lat": table[end_id][1], "refuel": False}
            )
    return {"lines": lines, "stops": stops}


def _choices(request: Request, user: Principal) -> dict[str, Any]:
    db: Database = request.app.state.db
    with db.transaction(write=False) as session:
        return {
            "platforms": platforms.list_platforms(session, user),
            "agreements": [a.model_dump() for a in agreements.list_agreements(session, user)],
            "facilities": facilities.list_facilities(session, user),
        }


def _defaults(user: Principal) -> dict[str, Any]:
    depart = (utcnow() + timedelta(days=30)).date().isoformat()
    own = user.party or "IN"
    return {
        "platform": "talwar" if own == "IN" else "",
        "origin": "INBOM" if own == "IN" else "",
        "destination": "",
        "depart": depart,
        "objective": "distance",
        "reserve": "0.15",
        "agreements": [],
    }


def _body(query: dict[str, Any], with_destination: bool) -> ReachIn:
    """The API's command, validated by the API's own schema."""
    fields = {
        "platform": query["platform"],
        "origin": query["origin"],
        "depart": f"{query['depart']}T00:00:00Z",
        "agreements": query["agreements"],
        "reserve": query["reserve"] or "0.15",
    }
    schema: type[ReachIn] = ReachIn
    if with_destination:
        fields |= {"destination": query["destination"], "objective": query["objective"]}
        schema = RouteIn
    try:
        body = schema.model_validate(fields)
    except ValidationError as exc:
        names = ", ".join(str(e["loc"][0]) for e in exc.errors())
        raise InvalidInput(f"check these fields: {names}") from None
    return body


def _compute(
    request: Request, user: Principal, query: dict[str, Any], reach: bool
) -> dict[str, Any]:
    db: Database = request.app.state.db
    with db.transaction(write=False) as session:
        if reach:
            found = service.plan_reach(session, user, _body(query, with_destination=False))
            return found.model_dump(mode="json", by_alias=True)
        command = _body(query, with_destination=True)
        assert isinstance(command, RouteIn)
        plan = service.plan_route(session, user, command)
        return plan.model_dump(mode="json", by_alias=True)


def reach_layer(result: dict[str, Any], sites: list[FacilityOut]) -> dict[str, Any]:
    """Reachable facilities as points; those only the agreements open are marked gained."""
    where = {s.id: (s.lon, s.lat) for s in sites}
    gained = set(result["gained"])
    points = [
        {
            "name": r["name"],
            "lon": where[r["facility"]][0],
            "lat": where[r["facility"]][1],
            "gained": r["facility"] in gained,
        }
        for r in result["reachable"]
        if r["facility"] in where
    ]
    return {"points": points}


@router.get("/planner")
def planner_page(request: Request, user: PageUser) -> Response:
    require(user, "plans.compute")
    params = request.query_params
    query = _defaults(user)
    if "origin" in params:
        query.update({k: params.get(k, "") for k in query if k != "agreements"})
        query["agreements"] = params.getlist("agreements")
    reach = params.get("mode") == "reach"
    choices = _choices(request, user)
    result, error = None, None
    if reach or params.get("destination"):
        try:
            result = _compute(request, user, query, reach)
        except RelosError as exc:
            locale = locale_of(request)
            error = " ".join(problem_lines(exc, locale, translations(locale).gettext))
    plan = result if result and not reach else None
    layer = None
    if result and reach:
        layer = reach_layer(result, choices["facilities"])
    elif plan and plan.get("feasible"):
        layer = route_layer(plan)
    context = {
        "error": error,
        **choices,
        "q": query,
        "plan": plan,
        "reach": result if reach else None,
        "route": layer,
        "objectives": OBJECTIVES,
    }
    return render(request, "planner/plan.html", context)
