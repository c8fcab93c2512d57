"""Route plans and reach under an agreement set, each with its baseline without the partners.

The planner holds the sea rows of every port facility, so a warm planner answers from
memory. It decides which sites are stops (access.py), prices them (prices.py), runs the
refuel search (refuel.py) and turns the voyage into legs, stops, notices and totals.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from math import inf

from relos.planning.access import Access, Pact, Site, access, may_refuel
from relos.planning.air import AirRouteLegs, blocked_reasons, overflight_notices
from relos.planning.airstore import airspace
from relos.planning.craft import Craft
from relos.planning.errors import RouteBlocked
from relos.planning.geo import haversine_nm
from relos.planning.law import Verdict, Vessel
from relos.planning.legs import AirLegs, SeaLegs, SeaRows
from relos.planning.messages import said
from relos.planning.passages import Passage
from relos.planning.prices import PriceBook
from relos.planning.refuel import DESTINATION, Problem, Stop, Voyage, plan
from relos.planning.seaway import Conditions, SeaRoute, Seaway, bounded
from relos.planning.settings import PlannerSettings
from relos.planning.voyage import Notice, RoutePlan, describe, difference, infeasible
from relos.planning.waypoints import Endpoint


@dataclass(frozen=True)
class Mission:
    """One planning question: who goes where, when, under which agreements."""

    craft: Craft
    origin: Endpoint
    destination: Endpoint | None  # None for reach
    depart: datetime
    pacts: tuple[Pact, ...]
    objective: str = "distance"
    reserve: float = 0.15
    opened: tuple[str, ...] = ()
    closed: tuple[str, ...] = ()
    allow_clearance: bool = False
    prices: PriceBook | None = None  # the planner's defaults unless the caller adds lists
    home_ports: frozenset[tuple[float, float]] = frozenset()  # the flag's own bases

    @property
    def vessel(self) -> Vessel | None:
        """The ship as passage law sees it (an aircraft sails no passage)."""
        c = self.craft
        if c.kind == "aircraft":
            return None
        return Vessel(c.kind, c.party, c.displacement_t, c.draught_m, c.beam_m, c.ice_class)

    @property
    def conditions(self) -> Conditions:
        return Conditions(
            self.depart,
            self.craft.kind,
            self.craft.speed_kn,
            self.opened,
            self.closed,
            self.vessel,
            self.home_ports,
        )


class Planner:
    def __init__(
        self,
        seaway: Seaway,
        sites: list[Site],
        prices: PriceBook,
        settings: PlannerSettings,
        rows: SeaRows | None = None,  # rows of another planner over the same port positions
    ) -> None:
        self.seaway = seaway
        self.sites = {s.id: s for s in sites}
        self.prices = prices
        self.settings = settings
        self.ports = [s for s in sites if s.kind == "port"]
        self.airfields = [s for s in sites if s.kind == "airfield"]
        self.rows = rows or SeaRows(seaway, [s.endpoint for s in self.ports])
        self._sorted: dict[tuple[str, float, float], list[tuple[float, int]]] = {}
        self._stops_for: dict[tuple[object, ...], list[Site]] = {}

    def home_ports(self, party: str) -> frozenset[tuple[float, float]]:
        """Positions of the ports of a party's own (country or operator) bases."""
        return frozenset(
            (s.lon, s.lat) for s in self.ports if s.country == party or party in s.operators
        )

    def site_kind(self, craft: Craft) -> str:
        return "airfield" if craft.kind == "aircraft" else "port"

    def compare(self, mission: Mission) -> tuple[RoutePlan, RoutePlan, dict[str, object]]:
        """The plan, the baseline without the partner agreements, and what differs."""
        mine = self.route(mission)
        baseline = self.route(replace(mission, pacts=()))
        return mine, baseline, difference(mine, baseline)

    def route(self, mission: Mission) -> RoutePlan:
        """The best plan under the mission's agreements."""
        nodes, stops, legs = self.problem_parts(mission)
        problem = self.problem(mission, stops, legs, nodes)
        voyage = plan(problem, mission.objective)
        if voyage is None:
            return infeasible(mission, self._why(mission, legs, problem), problem)
        notices, conditions, risks = self._notices(mission, voyage, stops, legs)
        return describe(mission, voyage, problem, notices, conditions, risks)

    # -- building the problem -------------------------------------------------------------

    def problem_parts(
        self, mission: Mission
    ) -> tuple[list[Endpoint], list[Stop], SeaLegs | AirLegs]:
        assert mission.destination is not None
        ends = [mission.origin, mission.destination]
        if mission.craft.kind != "aircraft":
            for point in ends:
                self.seaway.check_at_sea(point)
        candidates = [
            s
            for s in self._candidates(mission)
            if s.id not in (mission.origin.id, mission.destination.id)
        ]
        stops = [
            self._stop(mission, mission.origin, "origin"),
            self._stop(mission, mission.destination, "destination"),
        ]
        stops += [self._stop(mission, s.endpoint, "stop") for s in candidates]
        nodes = ends + [s.endpoint for s in candidates]
        return nodes, stops, self.legs_for(mission, nodes)

    def legs_for(self, mission: Mission, nodes: list[Endpoint]) -> SeaLegs | AirLegs:
        if mission.craft.kind == "aircraft":
            reach = mission.craft.range_nm(mission.reserve)
            return AirRouteLegs(
                airspace(), nodes, mission.craft.party, mission.depart.date(), reach
            )
        return SeaLegs(self.rows, nodes, mission.conditions)

    def _candidates(self, mission: Mission) -> list[Site]:
        """Sites where this party's craft may refuel under the mission's agreements."""
        craft = mission.craft
        pacts = tuple((p.id, p.parties) for p in mission.pacts)
        key = (craft.kind, craft.grades, craft.party, pacts, mission.allow_clearance)
        found = self._stops_for.get(key)
        if found is None:
            found = self._open_sites(mission)
            bounded(self._stops_for)[key] = found
        return found

    def _open_sites(self, mission: Mission) -> list[Site]:
        kind = self.site_kind(mission.craft)
        pool = self.airfields if kind == "airfield" else self.ports
        out = []
        for site in pool:
            if not set(site.fuel_grades) & set(mission.craft.grades):
                continue
            if may_refuel(self.access(mission, site)):
                out.append(site)
        return out

    def access(self, mission: Mission, site: Site) -> Access:
        return access(
            site,
            mission.craft.party,
            mission.craft.kind,
            mission.pacts,
            self.settings.diplomatic_clearance_days,
            mission.allow_clearance,
        )

    def _stop(self, mission: Mission, point: Endpoint, role: str) -> Stop:
        site = self.sites.get(point.id) if point.source == "facility" else None
        grade = mission.craft.grades[0]
        if site is None:
            price = (mission.prices or self.prices).price(point.id, grade, "own")
            label = "own" if role == "origin" else "none"
            days = 0 if role == "origin" else self.settings.diplomatic_clearance_days
            why = (
                None
                if role == "origin"
                else said("notice.unknown_site", "diplomatic clearance (not a known facility)")
            )
            access_label = label if role != "destination" else "destination"
            return Stop(
                point.id,
                point.name,
                point.lon,
                point.lat,
                price.per_t,
                price.source,
                access_label,
                days,
                why,
            )
        rights = self.access(mission, site)
        grade = next((g for g in mission.craft.grades if g in site.fuel_grades), grade)
        price = (mission.prices or self.prices).price(site.id, grade, rights.label)
        return Stop(
            site.id,
            site.name,
            site.lon,
            site.lat,
            price.per_t,
            price.source,
            rights.label,
            0 if role == "origin" else rights.notice_days,
            None if role == "origin" else rights.reason,
            site.seasons,
        )

    def problem(
        self, mission: Mission, stops: list[Stop], legs: SeaLegs | AirLegs, nodes: list[Endpoint]
    ) -> Problem:
        return Problem(
            craft=mission.craft,
            stops=stops,
            leg_nm=legs.nm,
            depart=mission.depart,
            reserve=mission.reserve,
            stop_hours=self.settings.stop_hours(mission.craft.kind),
            neighbours=self._neighbours(mission, legs, nodes),
        )

    def _neighbours(
        self, mission: Mission, legs: SeaLegs | AirLegs, nodes: list[Endpoint]
    ) -> Callable[[int], list[int]]:
        """Nodes within range at best (nothing closed), from sorted cached rows."""
        reach = mission.craft.range_nm(mission.reserve)
        slot_of = {_key(n): i for i, n in enumerate(nodes)}
        universe = [_key(p) for p in self._universe(mission.craft)]
        node_of = {ui: slot_of[k] for ui, k in enumerate(universe) if k in slot_of}
        placed = set(universe)
        loose = [i for i, n in enumerate(nodes) if i and _key(n) not in placed]
        memo: dict[int, list[int]] = {}

        def neighbours(u: int) -> list[int]:
            if u not in memo:
                ranked = self._ranked(mission.craft, nodes[u])
                near = ranked[: bisect_right(ranked, (reach, inf))]
                found = [node_of[ui] for _, ui in near if ui in node_of]
                found += [j for j in loose if legs.best_case(u, j) <= reach]
                memo[u] = [j for j in found if j not in (u, 0)]
            return memo[u]

        return neighbours

    def _universe(self, craft: Craft) -> list[Endpoint]:
        if craft.kind == "aircraft":
            return [s.endpoint for s in self.airfields]
        return self.rows.universe

    def _ranked(self, craft: Craft, point: Endpoint) -> list[tuple[float, int]]:
        """Universe slots by best-case distance from the point, nearest first."""
        key = (craft.kind, point.lon, point.lat)
        found = self._sorted.get(key)
        if found is None:
            if craft.kind == "aircraft":
                row = [_gc(point, p) for p in self._universe(craft)]
            else:
                row = self.rows.row(point, 0)
            found = sorted((d, i) for i, d in enumerate(row))
            bounded(self._sorted)[key] = found
        return found

    # -- explaining -----------------------------------------------------------------------

    def _why(self, mission: Mission, legs: SeaLegs | AirLegs, problem: Problem) -> str:
        reach = mission.craft.range_nm(mission.reserve)
        if isinstance(legs, AirRouteLegs) and (blocked := blocked_reasons(legs)):
            return "no open air route: " + "; ".join(blocked)
        no_sea_path = legs.nm(0, DESTINATION, mission.depart) == inf
        if no_sea_path and mission.craft.kind != "aircraft":
            assert mission.destination is not None
            try:
                self.seaway.route(mission.origin, mission.destination, mission.conditions)
            except RouteBlocked as blocked:
                return said(
                    "route.blocked",
                    "no open sea route: " + "; ".join(blocked.reasons),
                    reasons=blocked.reasons,
                )
        text = (
            f"no chain of refuel stops open to {mission.craft.party} keeps every leg within "
            f"{reach:,.0f} nm (range at {mission.craft.speed_kn:g} kn less "
            f"{mission.reserve:.0%} reserve)"
        )
        return said(
            "plan.no_chain",
            text,
            party=mission.craft.party,
            reach_nm=round(reach),
            speed_kn=mission.craft.speed_kn,
            reserve_pct=round(float(mission.reserve) * 100),
        )

    def _notices(
        self, mission: Mission, voyage: Voyage, stops: list[Stop], legs: SeaLegs | AirLegs
    ) -> tuple[list[Notice], list[str], list[str]]:
        """Notices of the visits and passages, and the passages' conditions and risks."""
        notices = []
        conditions: list[str] = []
        risks: list[str] = []
        for leg in voyage.legs:
            stop = stops[leg.end]
            if stop.notice_days:
                why = stop.notice_reason or ""
                notices.append(Notice(stop.id, stop.notice_days, why, leg.arrive))
        if isinstance(legs, AirRouteLegs):
            notices += overflight_notices(legs, list(voyage.legs), mission.craft.speed_kn)
        if mission.vessel is None or not isinstance(legs, SeaLegs):
            return notices, conditions, risks
        seen: set[int] = set()
        for x in voyage.legs:
            when = replace(mission.conditions, depart=x.depart)
            try:
                found = self.seaway.route(legs.nodes[x.start], legs.nodes[x.end], when)
            except RouteBlocked:  # pragma: no cover - the leg was planned on an open route
                continue
            for passage, enter, verdict in self.judge_route(mission, found, x.depart):
                if passage.bit in seen:
                    continue
                seen.add(passage.bit)
                conditions += verdict.conditions
                risks += verdict.risks
                notices += [
                    Notice(passage.id, due.days, due.reason, enter, "passage", due.desirable_days)
                    for due in verdict.notices
                ]
        return notices, conditions, risks

    def judge_route(
        self, mission: Mission, found: SeaRoute, depart: datetime
    ) -> list[tuple[Passage, datetime, Verdict]]:
        """Each passage a sea route sails, judged for the mission's vessel on the day the ship
        enters it (at the planning speed)."""
        vessel = mission.vessel
        if vessel is None:
            return []
        rules = self.seaway.rules
        opened = rules.ids(mission.opened)
        home = self.seaway.bound_home(mission.conditions, found.destination)
        out = []
        for bit, sailed in found.entries:
            passage = rules.by_bit(bit)
            enter = depart + timedelta(hours=sailed / mission.craft.speed_kn)
            verdict = passage.judge(vessel, enter.date(), bool(home & bit), passage.id in opened)
            out.append((passage, enter, verdict))
        return out


def _key(point: Endpoint) -> tuple[float, float]:
    return (point.lon, point.lat)


def _gc(a: Endpoint, b: Endpoint) -> float:
    return haversine_nm(a.lon, a.lat, b.lon, b.lat)


__all__ = ["DESTINATION", "Mission", "Planner"]
