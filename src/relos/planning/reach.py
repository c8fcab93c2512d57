"""Reach: every facility a platform can get to from an origin, with days and stops.

A time-ordered search over the refuel stops open to the party settles the earliest arrival
at each stop; a facility is reachable when one settled stop (or the origin) lies within range
of it. Facilities of every access are listed, each with the access it has, so a reach with an
agreement set and one without compare like for like.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from relos.planning.access import Site
from relos.planning.legs import AirLegs, SeaLegs
from relos.planning.planner import Mission, Planner
from relos.planning.refuel import DESTINATION, ORIGIN, Problem, open_on


@dataclass(frozen=True)
class Reached:
    site: Site
    access: str
    distance_nm: float
    days: float
    stops: int
    via: tuple[str, ...]  # refuel stops on the way


Label = tuple[datetime, float, tuple[int, ...]]  # arrival, distance, stop nodes on the way


def reach(planner: Planner, mission: Mission) -> list[Reached]:
    """Facilities of the craft's kind reachable from the origin, earliest first."""
    targets = planner.airfields if mission.craft.kind == "aircraft" else planner.ports
    targets = [t for t in targets if t.id != mission.origin.id]
    if not targets:
        return []
    probe = replace(mission, destination=mission.origin)  # node 1 unused: a stand-in
    nodes, stops, legs = planner.problem_parts(probe)
    problem = planner.problem(probe, stops, legs, nodes)
    settled = _settle(problem)
    every = planner.legs_for(mission, nodes + [t.endpoint for t in targets])
    found = []
    for k, site in enumerate(targets):
        best = _earliest(problem, every, settled, len(nodes) + k, site)
        if best is not None:
            at, dist, via = best
            days = (at - mission.depart).total_seconds() / 86400
            label = planner.access(mission, site).label
            ids = tuple(problem.stops[i].id for i in via)
            found.append(Reached(site, label, dist, days, len(via), ids))
    return sorted(found, key=lambda r: (r.days, r.site.id))


def _settle(p: Problem) -> dict[int, Label]:
    """Earliest arrival at every refuel stop reachable within range."""
    reach_nm = p.craft.range_nm(p.reserve)
    settled: dict[int, Label] = {}
    heap: list[tuple[datetime, float, int, tuple[int, ...]]] = [(p.depart, 0.0, ORIGIN, ())]
    while heap:
        at, dist, u, via = heapq.heappop(heap)
        if u in settled:
            continue
        settled[u] = (at, dist, via)
        leave = at if u == ORIGIN else at + timedelta(hours=p.stop_hours)
        for v in p.neighbours(u):
            if v in settled or v == DESTINATION:
                continue
            nm = p.leg_nm(u, v, leave)
            if nm > reach_nm:
                continue
            arrive = leave + timedelta(hours=p.craft.hours_for(nm))
            if p.stops[v].open_on(arrive.date()):
                heapq.heappush(heap, (arrive, dist + nm, v, (*via, v)))
    return settled


def _earliest(
    p: Problem, legs: SeaLegs | AirLegs, settled: dict[int, Label], node: int, site: Site
) -> Label | None:
    """Earliest arrival at a facility from any settled stop within range of it."""
    reach_nm = p.craft.range_nm(p.reserve)
    best: Label | None = None
    for u, (at, dist, via) in settled.items():
        leave = at if u == ORIGIN else at + timedelta(hours=p.stop_hours)
        if best is not None and leave >= best[0]:
            continue
        nm = legs.nm(u, node, leave)
        if nm > reach_nm:
            continue
        arrive = leave + timedelta(hours=p.craft.hours_for(nm))
        if open_on(site.seasons, arrive.date()) and (best is None or arrive < best[0]):
            best = (arrive, dist + nm, via)
    return best
