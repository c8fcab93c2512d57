"""Planner use cases: one typed command in, one typed result out (API, web page and CLI alike).

The sea network and its passage law are built once per process and kept warm. Facilities
(positions, designations, seasons) and platforms are read from the database on every call,
so an administrator's edit changes the next plan: the planner over the facilities is cached
under a digest of the facility rows, never served for other rows.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import may_see, require
from relos.agreements.service import agreement_in_force
from relos.facilities.models import FacilityRow
from relos.facilities.service import facility_of
from relos.kit.errors import InvalidInput, NotFound
from relos.kit.timeutil import format_instant, utcnow
from relos.planning import adapters, present
from relos.planning.access import Pact, Site
from relos.planning.airstore import airspace, warm_air, warm_and_save
from relos.planning.craft import Craft
from relos.planning.legs import SeaRows
from relos.planning.messages import coded
from relos.planning.network import load_network
from relos.planning.passages import PassageRules, load_passages
from relos.planning.planner import Mission, Planner
from relos.planning.prices import PriceBook, load_prices
from relos.planning.pricing import listed_prices
from relos.planning.reach import reach
from relos.planning.schemas import (
    AirDistanceOut,
    AirDistanceQuery,
    Contribution,
    PlanSummary,
    ReachIn,
    ReachOut,
    RouteIn,
    RoutePlanOut,
    SeaDistanceOut,
    SeaDistanceQuery,
)
from relos.planning.seaway import Conditions, Seaway
from relos.planning.settings import load_settings
from relos.planning.voyage import RoutePlan
from relos.planning.waypoints import Endpoint, resolve
from relos.platforms.service import platform_by_id

# Slowest planning speed a ship may be given, in knots: below it a voyage is a drift, and
# hours and dates along it stop meaning anything. Aircraft fly within a band of their cruise.
MIN_SHIP_SPEED_KN = 3.0
AIRCRAFT_SPEED_BAND = (0.5, 1.2)
_PLANNERS_KEPT = 4
AIR_FLAGS = ("IN", "RU")  # the flags whose closed airspace is joined at set-up


_loading = threading.Lock()
_seaway: list[Seaway] = []


def seaway() -> Seaway:
    """The process-wide sea network with its passage law (facilities play no part in it),
    loaded from the cache built at set-up (`relos plan warm`)."""
    if not _seaway:
        with _loading:  # the start-up thread and a first request must not both load it
            if not _seaway:
                rules = load_passages()
                _seaway.append(Seaway(load_network(rules), rules))
    return _seaway[0]


def _load() -> None:
    seaway()
    try:
        warm_air(AIR_FLAGS, utcnow().date())
    except FileNotFoundError:  # no country polygons built: air plans will say so
        return


def load_in_background(then: Callable[[], None] | None = None) -> threading.Thread:
    """Load the network while the server starts, so the first plan does not wait for it;
    `then` runs in the same thread once it is loaded."""

    def load_then() -> None:
        _load()
        if then is not None:
            then()

    thread = threading.Thread(target=load_then, name="relos-planner-load", daemon=True)
    thread.start()
    return thread


def standard_masks(rules: PassageRules) -> list[int]:
    """Closure masks most plans meet: the default closures, with or without each seasonal
    passage and each passage a flag's law may close (the Turkish Straits)."""
    base = sum(p.bit for p in rules.passages if not p.open)
    optional = [
        p.bit
        for p in rules.passages
        if p.season is not None or any(r.effect == "closed" for r in p.law.rules)
    ]
    masks = [base]
    for bit in optional:
        masks += [m | bit for m in masks]
    return masks


def warm() -> tuple[int, int]:
    """Build (or load) the network, the hierarchies of the standard masks, the approach legs
    of the shipped sea facilities, and the airspace closed to Indian and Russian aircraft
    with its corner graphs; returns how many hierarchies and approaches."""
    from relos.facilities.domain import load_facilities, shipped_facilities_dir
    from relos.planning.engine import build_hierarchy

    sea = seaway()
    masks = standard_masks(sea.rules)
    for mask in masks:
        build_hierarchy(sea.net, mask)
    ports = [(f.lon, f.lat) for f in load_facilities(shipped_facilities_dir()) if f.kind == "port"]
    approaches = len(sea.approaches.build(ports))
    warm_and_save(AIR_FLAGS, utcnow().date())
    return len(masks), approaches


_planners: dict[str, Planner] = {}
_rows: dict[tuple[tuple[float, float], ...], SeaRows] = {}


def planner_for(sites: list[Site], digest: str) -> Planner:
    """The planner over these sites, kept under their digest; rows shared while ports stay put."""
    found = _planners.get(digest)
    if found is None:
        ports = tuple((s.lon, s.lat) for s in sites if s.kind == "port")
        rows = _rows.get(ports)
        found = Planner(seaway(), sites, load_prices(), load_settings(), rows)
        if rows is None:
            _rows.clear()  # positions changed: the old rows are for another universe
            _rows[ports] = found.rows
        if len(_planners) >= _PLANNERS_KEPT:
            _planners.pop(next(iter(_planners)))
        _planners[digest] = found
    return found


def planner(session: Session) -> Planner:
    """The planner over the facilities as they stand in the database now."""
    rows = session.scalars(select(FacilityRow).order_by(FacilityRow.id)).all()
    digest = hashlib.sha256(
        json.dumps([[r.id, r.definition] for r in rows], sort_keys=True, default=str).encode()
    ).hexdigest()
    if digest in _planners:
        return _planners[digest]
    return planner_for([adapters.site(facility_of(r)) for r in rows], digest)


def endpoint(p: Planner, text: str) -> Endpoint:
    return resolve(text, {s: site.endpoint for s, site in p.sites.items()})


def sea_distance(session: Session, caller: Principal, query: SeaDistanceQuery) -> SeaDistanceOut:
    """Distance, passages and geometry of the shortest open sea route (RouteBlocked if none).

    Without a platform every passage open to geography is open; with one, its flag's law."""
    require(caller, "plans.compute")
    p = planner(session)
    origin, destination = endpoint(p, query.origin), endpoint(p, query.destination)
    for name in (*query.open_passages, *query.closed_passages):
        p.seaway.rules.find(name)  # an unknown passage is bad input, not ignored
    opened, closed = tuple(query.open_passages), tuple(query.closed_passages)
    if query.platform is None:
        when = Conditions(query.depart, "any", query.speed_kn or 14.0, opened, closed)
        found = p.seaway.route(origin, destination, when)
        return SeaDistanceOut.model_validate(present.sea_route(found, query.depart))
    craft = _craft(session, query.platform, query.speed_kn)
    if craft.kind == "aircraft":
        raise InvalidInput(f"platform: {craft.id} is an aircraft; sea distances are for ships")
    mission = Mission(
        craft=craft,
        origin=origin,
        destination=destination,
        depart=query.depart,
        pacts=(),
        opened=opened,
        closed=closed,
        home_ports=p.home_ports(craft.party),
    )
    found = p.seaway.route(origin, destination, mission.conditions)
    out = present.sea_route(found, query.depart)
    out |= present.passage_law(p, mission, found) | {"platform": craft.id}
    return SeaDistanceOut.model_validate(out)


def air_distance(session: Session, caller: Principal, query: AirDistanceQuery) -> AirDistanceOut:
    """The route of an aircraft around the airspace closed to its flag, with each state it
    enters and the clearances it needs (AirspaceBlocked, a 422, when none goes round)."""
    require(caller, "plans.compute")
    p = planner(session)
    origin, destination = endpoint(p, query.origin), endpoint(p, query.destination)
    craft = _craft(session, query.platform, query.speed_kn)
    if craft.kind != "aircraft":
        raise InvalidInput(f"platform: {craft.id} is a ship; air routes are for aircraft")
    space = airspace()
    found = space.route(origin, destination, craft.party, query.depart.date())
    over = space.overflights(found, craft.party, query.depart, craft.speed_kn)
    out = present.air_route(found, over, query.depart) | {"platform": craft.id, "flag": craft.party}
    return AirDistanceOut.model_validate(out)


def plan_route(session: Session, caller: Principal, command: RouteIn) -> RoutePlanOut:
    """A route plan with its baseline without the partner agreements, the difference, and
    with two or more agreements what each one contributes. An aircraft with no way round
    the airspace closed to its flag is refused (AirspaceBlocked, a 422): no agreement opens
    airspace, so no baseline would differ."""
    require(caller, "plans.compute")
    p = planner(session)
    mission, warnings = _mission(session, caller, p, command, with_destination=True)
    if mission.craft.kind == "aircraft":
        assert mission.destination is not None
        airspace().route(
            mission.origin, mission.destination, mission.craft.party, command.depart.date()
        )
    mine, baseline, difference = p.compare(mission)
    out = present.comparison(mission, mine, baseline, difference, warnings, p)
    out["sources"] = _sources(session, command.platform, mission)
    if len(mission.pacts) >= 2:
        out["contributions"] = [
            Contribution(agreement=pact.id, without=_summary(p.route(_without(mission, pact.id))))
            for pact in mission.pacts
        ]
    return RoutePlanOut.model_validate(out)


def plan_reach(session: Session, caller: Principal, command: ReachIn) -> ReachOut:
    """Facilities reachable from an origin, with and without the agreements."""
    require(caller, "plans.compute")
    p = planner(session)
    mission, warnings = _mission(session, caller, p, command, with_destination=False)
    with_pacts = reach(p, mission)
    alone = reach(p, replace(mission, pacts=()))
    out = present.reach(mission, with_pacts, alone, warnings)
    out["sources"] = _sources(session, command.platform, mission)
    return ReachOut.model_validate(out)


def _summary(plan: RoutePlan) -> PlanSummary:
    cost = None if plan.cost is None else present.money(plan.cost)
    return PlanSummary(
        feasible=plan.feasible,
        distance_nm=None if plan.distance_nm is None else round(plan.distance_nm, 1),
        days=None if plan.days is None else round(plan.days, 2),
        cost=cost,
        reason=plan.reason,
        reason_code=None if plan.reason is None else coded(plan.reason),
    )


def _without(mission: Mission, agreement: str) -> Mission:
    return replace(mission, pacts=tuple(p for p in mission.pacts if p.id != agreement))


def _sources(session: Session, platform_id: str, mission: Mission) -> dict[str, str | list[str]]:
    """Where each kind of figure comes from; guessed platform fields are listed."""
    platform = _platform(session, platform_id)
    out: dict[str, str | list[str]] = {
        "platform": platform.source,
        "platform_illustrative": list(platform.illustrative),
        "fuel_burn": mission.craft.fit,
        "sea_network": "searoute marine network (data only); relos routing",
        "passages": "data/planning/passages.toml (passage law by flag and ship type)",
        "facilities": "facilities table (as loaded or edited)",
        "planner_constants": "data/planning/planner.toml (illustrative)",
    }
    if mission.craft.kind == "aircraft":
        out["airspace"] = "data/planning/airspace.toml; Natural Earth 1:50m states (world-atlas)"
    return out


def _mission(
    session: Session, caller: Principal, p: Planner, command: ReachIn, with_destination: bool
) -> tuple[Mission, list[str]]:
    craft = _craft(session, command.platform, command.speed_kn)
    pacts, warnings = _pacts(session, caller, command.agreements, craft, command)
    destination = None
    if with_destination:
        assert isinstance(command, RouteIn)
        destination = endpoint(p, command.destination)
    mission = Mission(
        craft=craft,
        origin=endpoint(p, command.origin),
        destination=destination,
        depart=command.depart,
        pacts=pacts,
        objective=command.objective if isinstance(command, RouteIn) else "distance",
        reserve=float(command.reserve),
        opened=tuple(command.open_passages),
        closed=tuple(command.closed_passages),
        allow_clearance=command.allow_clearance,
        home_ports=p.home_ports(craft.party),
    )
    for name in (*mission.opened, *mission.closed):
        p.seaway.rules.find(name)  # an unknown passage is bad input, not ignored
    return replace(mission, prices=_prices(session, p, command)), warnings


def _platform(session: Session, platform_id: str) -> adapters.PlatformLike:
    try:
        return platform_by_id(session, platform_id)
    except NotFound:
        raise InvalidInput(f"platform: unknown platform {platform_id!r}") from None


def _craft(session: Session, platform_id: str, speed_kn: float | None) -> Craft:
    platform = _platform(session, platform_id)
    if speed_kn is not None:
        low, high = speed_range(platform)
        if not low <= speed_kn <= high:
            raise InvalidInput(
                f"speed_kn: {platform_id} plans between {low:g} and {high:g} kn, not {speed_kn:g}"
            )
    return adapters.craft(platform, speed_kn)


def speed_range(platform: adapters.PlatformLike) -> tuple[float, float]:
    """The planning speeds a platform can hold: a ship from steerage way to its top speed,
    an aircraft within a band around its cruise speed."""
    if platform.kind == "aircraft":
        cruise = platform.cruise_speed_kn or 0.0
        return AIRCRAFT_SPEED_BAND[0] * cruise, AIRCRAFT_SPEED_BAND[1] * cruise
    published = [rp.speed_kn for rp in platform.range_points]
    top = platform.max_speed_kn or max(published, default=30.0)
    return MIN_SHIP_SPEED_KN, top


def _pacts(
    session: Session, caller: Principal, ids: list[str], craft: Craft, command: ReachIn
) -> tuple[tuple[Pact, ...], list[str]]:
    """The named agreements the caller may see; those not in force at departure are left out."""
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
        if not found.term.contains(command.depart):
            warnings.append(
                f"{agreement_id}: not in force on {format_instant(command.depart)}; left out"
            )
            continue
        pacts.append(adapters.pact(found.agreement))
    return tuple(pacts), warnings


def _prices(session: Session, p: Planner, command: ReachIn) -> PriceBook:
    """Reciprocal prices from the price lists, where lists and rates exist."""
    book = p.prices
    listed = listed_prices(session, p.sites.values(), book.currency, command.depart)
    return book.with_listed(listed)
