"""Refuel search: the best chain of stops from origin to destination within range.

Pure: stops, prices and leg distances come in; a chain of legs goes out. Node 0 is the
origin and node 1 the destination; the rest are candidate stops the caller already chose
(own bases and facilities the agreements open to the party).

Objectives distance, time and stops run a label-setting search with lexicographic keys and
fill the tank at every stop. Objective cost runs the fill-or-not rule of Khuller, Malekian
and Mestre ("To fill or not to fill", 2011): at a stop, either buy just enough to reach the
next stop (when that one is no dearer) or fill up (when it is dearer), so the search needs
only the fuel levels those two choices leave, not a continuum.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from math import inf

from relos.planning.craft import Craft

ORIGIN, DESTINATION = 0, 1
OBJECTIVES = ("distance", "time", "cost", "stops")

LegOracle = Callable[[int, int, datetime], float]  # nm, or inf when no open route


@dataclass(frozen=True)
class Stop:
    id: str
    name: str
    lon: float
    lat: float
    price_per_t: float
    price_source: str
    access: str  # "origin", "own", "destination", "agreement <id>", "clearance"
    notice_days: int = 0
    notice_reason: str | None = None
    seasons: tuple[tuple[str, str], ...] = ()  # MM-DD opens/closes, both days included

    def open_on(self, day: date) -> bool:
        return open_on(self.seasons, day)


def open_on(seasons: tuple[tuple[str, str], ...], day: date) -> bool:
    """Whether a day falls in any MM-DD season (both days included; may wrap the year)."""
    if not seasons:
        return True
    key = f"{day.month:02d}-{day.day:02d}"  # what strftime("%m-%d") gives, without its cost
    return any((o <= key <= c) if o <= c else (key >= o or key <= c) for o, c in seasons)


@dataclass(frozen=True)
class Leg:
    start: int
    end: int
    distance_nm: float
    depart: datetime
    arrive: datetime
    fuel_t: float


@dataclass(frozen=True)
class Voyage:
    """A feasible chain of legs, with the fuel bought at each node (node -> tonnes)."""

    legs: tuple[Leg, ...]
    bought_t: dict[int, float] = field(default_factory=dict)
    cost: float = 0.0

    @property
    def distance_nm(self) -> float:
        return sum(leg.distance_nm for leg in self.legs)

    @property
    def stops(self) -> list[int]:
        return [leg.end for leg in self.legs[:-1]]


@dataclass(frozen=True)
class Problem:
    craft: Craft
    stops: list[Stop]
    leg_nm: LegOracle
    depart: datetime
    reserve: float
    stop_hours: float
    neighbours: Callable[[int], list[int]]  # nodes whose best-case distance is within range


def plan(problem: Problem, objective: str) -> Voyage | None:
    """The best voyage for the objective, or None when no chain of stops is within range."""
    if objective == "cost":
        return _cheapest(problem)
    return _shortest(problem, objective)


# (key, node, hours, distance, arrival, legs so far)
_Entry = tuple[tuple[float, float], int, float, float, datetime, tuple[Leg, ...]]


def _shortest(p: Problem, objective: str) -> Voyage | None:
    reach = p.craft.range_nm(p.reserve)
    best: dict[int, tuple[float, float]] = {}
    heap: list[_Entry] = [((0.0, 0.0), ORIGIN, 0.0, 0.0, p.depart, ())]
    while heap:
        key, u, hours, sailed, at, legs = heapq.heappop(heap)
        if u == DESTINATION:
            return _filled(p, legs)
        if key > best.get(u, (inf, inf)):
            continue
        leave = at + timedelta(hours=p.stop_hours) if u != ORIGIN else at
        waited = p.stop_hours if u != ORIGIN else 0.0
        for v in p.neighbours(u):
            nm = p.leg_nm(u, v, leave)
            if nm > reach:
                continue
            underway = p.craft.hours_for(nm)
            arrive = leave + timedelta(hours=underway)
            if v != DESTINATION and not p.stops[v].open_on(arrive.date()):
                continue
            total, distance = hours + waited + underway, sailed + nm
            new = _key(objective, len(legs), distance, total)
            if new < best.get(v, (inf, inf)):
                best[v] = new
                leg = Leg(u, v, nm, leave, arrive, p.craft.fuel_for(nm))
                heapq.heappush(heap, (new, v, total, distance, arrive, (*legs, leg)))
    return None


def _key(objective: str, stops: int, distance: float, hours: float) -> tuple[float, float]:
    if objective == "time":
        return (hours, distance)
    if objective == "stops":
        return (float(stops), distance)
    return (distance, float(stops))


def _filled(p: Problem, legs: tuple[Leg, ...]) -> Voyage:
    """Fill up at every stop: each node buys what the leg leaving it burns."""
    bought = {leg.start: leg.fuel_t for leg in legs}
    cost = sum(p.stops[n].price_per_t * t for n, t in bought.items())
    return Voyage(legs, bought, cost)


def _cheapest(p: Problem) -> Voyage | None:
    """Fill-or-not over states (node, fuel on arrival in nm of range)."""
    reach = p.craft.range_nm(p.reserve)
    per_nm = p.craft.burn_t_per_h / p.craft.speed_kn  # tonnes per nm at the planning speed
    price = [s.price_per_t * per_nm for s in p.stops]  # money per nm of range
    start = (ORIGIN, 0.0)
    labels: dict[tuple[int, float], float] = {start: 0.0}
    heap: list[tuple[float, float, int, float, datetime, tuple[tuple[Leg, float], ...]]] = [
        (0.0, 0.0, ORIGIN, 0.0, p.depart, ())
    ]
    while heap:
        cost, dist, u, gas, at, trail = heapq.heappop(heap)
        if u == DESTINATION:
            return _bought(p, trail, cost, per_nm)
        if cost > labels.get((u, gas), inf):
            continue
        leave = at + timedelta(hours=p.stop_hours) if u != ORIGIN else at
        for v in p.neighbours(u):
            nm = p.leg_nm(u, v, leave)
            if nm > reach:
                continue
            arrive = leave + timedelta(hours=p.craft.hours_for(nm))
            if v != DESTINATION and not p.stops[v].open_on(arrive.date()):
                continue
            if v == DESTINATION or price[v] <= price[u]:
                buy, left = max(0.0, nm - gas), max(0.0, gas - nm)
            else:
                buy, left = reach - gas, reach - nm
            state = (v, round(left, 1))
            new = cost + buy * price[u]
            if new < labels.get(state, inf) - 1e-9:
                labels[state] = new
                leg = Leg(u, v, nm, leave, arrive, p.craft.fuel_for(nm))
                heapq.heappush(heap, (new, dist + nm, v, state[1], arrive, (*trail, (leg, buy))))
    return None


def _bought(p: Problem, trail: tuple[tuple[Leg, float], ...], cost: float, per_nm: float) -> Voyage:
    bought: dict[int, float] = {}
    for leg, buy_nm in trail:
        bought[leg.start] = bought.get(leg.start, 0.0) + buy_nm * per_nm
    return Voyage(tuple(leg for leg, _ in trail), bought, cost)
