"""Planner use cases: one function per route and command (sea distance, route plan, reach).

The planner itself is built once per process (network, facilities, prices) and kept warm;
each call adds the caller's agreements, checked for visibility and for being in force.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import may_see, require
from relos.kit.errors import InvalidInput, NotFound
from relos.kit.timeutil import format_instant
from relos.planning import adapters, present
from relos.planning.access import Pact
from relos.planning.craft import Craft
from relos.planning.endpoints import Endpoint, resolve
from relos.planning.network import load_network
from relos.planning.passages import load_passages
from relos.planning.planner import Mission, Planner
from relos.planning.prices import PriceBook, load_prices
from relos.planning.pricing import listed_prices
from relos.planning.reach import reach
from relos.planning.refuel import OBJECTIVES
from relos.planning.seaway import Conditions, Seaway
from relos.planning.settings import load_settings


@cache
def planner() -> Planner:
    """The process-wide planner: built on first use, warm afterwards."""
    from relos.facilities.domain import load_facilities, shipped_facilities_dir

    rules = load_passages()
    seaway = Seaway(load_network(rules), rules)
    sites = [adapters.site(f) for f in load_facilities(shipped_facilities_dir())]
    return Planner(seaway, sites, load_prices(), load_settings())


@cache
def _platforms() -> dict[str, adapters.PlatformLike]:
    from relos.platforms.domain import load_platforms, shipped_platforms_path

    return {p.id: p for p in load_platforms(shipped_platforms_path())}


def endpoint(text: str) -> Endpoint:
    sites = {s: site.endpoint for s, site in planner().sites.items()}
    return resolve(text, sites)


def sea_distance(
    caller: Principal,
    origin: str,
    destination: str,
    depart: datetime,
    kind: str = "warship",
    speed_kn: float | None = None,
    opened: tuple[str, ...] = (),
    closed: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Distance, passages and geometry of the shortest open sea route (RouteBlocked if none)."""
    require(caller, "plans.compute")
    if kind not in ("warship", "merchant"):
        raise InvalidInput("kind: warship or merchant")
    when = Conditions(depart, kind, speed_kn or 14.0, opened, closed)
    found = planner().seaway.route(endpoint(origin), endpoint(destination), when)
    return present.sea_route(found, depart)


def plan_route(session: Session, caller: Principal, body: dict[str, Any]) -> dict[str, Any]:
    """A route plan with its baseline without the partner agreements, and the difference."""
    require(caller, "plans.compute")
    mission, warnings = _mission(session, caller, body, with_destination=True)
    mine, baseline, difference = planner().compare(mission)
    out = present.comparison(mission, mine, baseline, difference, warnings, planner())
    return out | {"sources": _sources(body["platform"], mission)}


def plan_reach(session: Session, caller: Principal, body: dict[str, Any]) -> dict[str, Any]:
    """Facilities reachable from an origin, with and without the agreements."""
    require(caller, "plans.compute")
    mission, warnings = _mission(session, caller, body, with_destination=False)
    with_pacts = reach(planner(), mission)
    alone = reach(planner(), _without_pacts(mission))
    out = present.reach(mission, with_pacts, alone, warnings)
    return out | {"sources": _sources(body["platform"], mission)}


def _sources(platform_id: str, mission: Mission) -> dict[str, str | list[str]]:
    """Where each kind of figure comes from; guessed platform fields are listed."""
    platform = _platforms()[platform_id]
    return {
        "platform": platform.source,
        "platform_illustrative": list(getattr(platform, "illustrative", ())),
        "fuel_burn": mission.craft.fit,
        "sea_network": "searoute marine network (data only); relos routing",
        "passages": "data/planning/passages.toml",
        "planner_constants": "data/planning/planner.toml (illustrative)",
    }


def _without_pacts(mission: Mission) -> Mission:
    return replace(mission, pacts=())


def _mission(
    session: Session, caller: Principal, body: dict[str, Any], with_destination: bool
) -> tuple[Mission, list[str]]:
    depart: datetime = body["depart"]
    craft = _craft(body["platform"], body.get("speed_kn"))
    pacts, warnings = _pacts(session, caller, body.get("agreements", []), craft, depart)
    objective = body.get("objective", "distance")
    if objective not in OBJECTIVES:
        raise InvalidInput(f"objective: one of {', '.join(OBJECTIVES)}")
    reserve = float(body.get("reserve", planner().settings.default_reserve))
    if not 0 <= reserve < 1:
        raise InvalidInput("reserve: a fraction in [0, 1)")
    mission = Mission(
        craft=craft,
        origin=endpoint(body["origin"]),
        destination=endpoint(body["destination"]) if with_destination else None,
        depart=depart,
        pacts=pacts,
        objective=objective,
        reserve=reserve,
        opened=tuple(body.get("open_passages", ())),
        closed=tuple(body.get("closed_passages", ())),
        allow_clearance=bool(body.get("allow_clearance", False)),
    )
    for name in (*mission.opened, *mission.closed):
        planner().seaway.rules.find(name)  # an unknown passage is bad input, not ignored
    return replace(mission, prices=_prices(session, depart)), warnings


def _craft(platform_id: str, speed_kn: float | None) -> Craft:
    platform = _platforms().get(platform_id)
    if platform is None:
        raise InvalidInput(f"platform: unknown platform {platform_id!r}")
    if speed_kn is not None and speed_kn <= 0:
        raise InvalidInput("speed_kn: must be positive")
    return adapters.craft(platform, speed_kn)


def _pacts(
    session: Session, caller: Principal, ids: list[str], craft: Craft, depart: datetime
) -> tuple[tuple[Pact, ...], list[str]]:
    """The named agreements the caller may see; those not in force at departure are left out."""
    from relos.agreements.service import agreement_in_force

    pacts: list[Pact] = []
    warnings: list[str] = []
    for agreement_id in ids:
        try:
            found = agreement_in_force(session, agreement_id)
        except NotFound:
            raise InvalidInput(f"agreements: unknown agreement {agreement_id!r}") from None
        if not may_see(caller, found.agreement.parties):
            raise InvalidInput(f"agreements: unknown agreement {agreement_id!r}")
        if craft.party not in found.agreement.parties:
            warnings.append(f"{agreement_id}: {craft.party} is not a party; it opens nothing")
            continue
        if not found.term.contains(depart):
            warnings.append(f"{agreement_id}: not in force on {format_instant(depart)}; left out")
            continue
        pacts.append(adapters.pact(found.agreement))
    return tuple(pacts), warnings


def _prices(session: Session, depart: datetime) -> PriceBook:
    """Reciprocal prices from the price lists, where lists and rates exist."""
    book = planner().prices
    return book.with_listed(listed_prices(session, planner().sites.values(), book.currency, depart))
