"""Air routes: legs around the airspace closed to a flag, with the overflight clearances the
route needs, each with its deadline.

`Airspace` joins the law (airspace.py), the state polygons (borders.py) and the router
(airways.py). `AirRouteLegs` is the refuel search's leg oracle for aircraft: the distance of
a leg is that of its route around closed airspace on the day it starts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from math import inf
from typing import Any

import shapely

from relos.planning.airspace import AirspaceLaw, Ruling
from relos.planning.airways import Obstacle, Point, crossings, densify, path_nm
from relos.planning.borders import Borders
from relos.planning.errors import RouteBlocked
from relos.planning.geo import haversine_nm, unwrap
from relos.planning.legs import AirLegs
from relos.planning.messages import Said
from relos.planning.refuel import Leg
from relos.planning.voyage import Notice
from relos.planning.waypoints import Endpoint

_KEPT = 4096  # routes remembered per process (a route is a few turning points)


class Reason(Said):
    """An English message that keeps the stable code and parameters it was written from
    (planning/messages.py), so a page can say it again in its own language. Codes:
    `airspace.closed` (state, rule, endpoint, flag): an end lies in closed airspace;
    `airspace.walled` (from, to, states): closed airspace leaves no way round;
    `airspace.clearance` (state, rule, lead_days): an overflight needs a clearance."""

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params), "message": str(self)}


def reason(code: str, params: dict[str, str | int], message: str) -> Reason:
    out = Reason(message)
    out.code, out.params = code, params
    return out


class AirspaceBlocked(RouteBlocked):
    """No air route: an end lies in closed airspace, or closed airspace walls it in."""

    slug = "air-route-blocked"
    title = "No open air route"

    def __init__(self, detail: str, why: list[Reason]) -> None:
        super().__init__(f"{detail}: " + "; ".join(why), list(why))
        self.why = why

    def extensions(self) -> dict[str, Any]:
        return {"reasons": self.reasons, "reason_codes": [r.as_json() for r in self.why]}


@dataclass(frozen=True)
class Overflight:
    """A state whose airspace a route enters, how it stands, and when the aircraft enters."""

    state: str
    name: str
    ruling: Ruling
    enter: datetime
    enter_nm: float

    @property
    def file_by(self) -> datetime:
        return self.enter - timedelta(days=self.ruling.lead_days)

    @property
    def reason(self) -> Reason:
        r = self.ruling
        return reason(
            "airspace.clearance" if r.status == "clearance" else f"airspace.{r.status}",
            {"state": self.state, "rule": r.rule, "lead_days": r.lead_days},
            r.reason,
        )


@dataclass(frozen=True)
class AirRoute:
    """The shortest route around the airspace closed to the flag on the day."""

    origin: Endpoint
    destination: Endpoint
    points: tuple[Point, ...]  # turning points, ends included
    distance_nm: float
    great_circle_nm: float
    avoided: tuple[str, ...]  # states closed to the flag that day (sorted)

    @property
    def coordinates(self) -> list[Point]:
        """The route along its great circles, continuous across the antimeridian (a map
        draws it without a stripe round the world)."""
        return unwrap(densify(list(self.points)))

    @property
    def direct(self) -> bool:
        return len(self.points) == 2


class Airspace:
    """The process-wide airspace: law, polygons, closed areas and routes, all cached."""

    def __init__(self, law: AirspaceLaw, states: Borders) -> None:
        self.law = law
        self.borders = states
        self._areas: dict[frozenset[str], Obstacle | None] = {}
        self._routes: dict[
            tuple[float, float, float, float, frozenset[str]], tuple[Point, ...]
        ] = {}
        self._closed: dict[tuple[str, date], frozenset[str]] = {}
        self._lock = threading.Lock()

    def closed_area(self, closed: frozenset[str]) -> Obstacle | None:
        with self._lock:
            if closed in self._areas:
                return self._areas[closed]
        known = [s for s in sorted(closed) if s in self.borders.shapes]
        area = (
            Obstacle(shapely.union_all([self.borders.airspace(s) for s in known]))
            if known
            else None
        )
        with self._lock:
            self._areas[closed] = area
        return area

    def closed(self, flag: str, day: date) -> frozenset[str]:
        """States closed to the flag on the day (kept: every leg of a plan asks)."""
        key = (flag, day)
        found = self._closed.get(key)
        if found is None:
            found = self.law.closed(flag, day)
            with self._lock:
                if len(self._closed) >= _KEPT:
                    self._closed.clear()
                self._closed[key] = found
        return found

    def route(self, a: Endpoint, b: Endpoint, flag: str, day: date) -> AirRoute:
        """The route from a to b for an aircraft of the flag leaving on the day
        (AirspaceBlocked when an end lies in closed airspace or none goes round)."""
        closed = self.closed(flag, day)
        key = (a.lon, a.lat, b.lon, b.lat, closed)
        with self._lock:
            points = self._routes.get(key)
        if points is None:
            points = self._find(a, b, flag, day, closed)
            with self._lock:
                if len(self._routes) >= _KEPT:
                    self._routes.pop(next(iter(self._routes)))
                self._routes[key] = points
        return AirRoute(
            a,
            b,
            points,
            path_nm(list(points)),
            haversine_nm(a.lon, a.lat, b.lon, b.lat),
            tuple(sorted(closed)),
        )

    def _find(
        self, a: Endpoint, b: Endpoint, flag: str, day: date, closed: frozenset[str]
    ) -> tuple[Point, ...]:
        start, end = (a.lon, a.lat), (b.lon, b.lat)
        area = self.closed_area(closed)
        if area is None:
            return (start, end)
        why = [self._inside(p, e, flag, day, closed) for p, e in ((start, a), (end, b))]
        found = [r for r in why if r is not None]
        if found:
            raise AirspaceBlocked(f"no open air route from {a.id} to {b.id}", found)
        points = area.route(start, end)
        if points is None:
            names = ", ".join(self.borders.name(s) for s in sorted(closed))
            walled = reason(
                "airspace.walled",
                {"from": a.id, "to": b.id, "states": ",".join(sorted(closed))},
                f"closed airspace of {names} leaves no way from {a.id} to {b.id}",
            )
            raise AirspaceBlocked(f"no open air route from {a.id} to {b.id}", [walled])
        return tuple(points)

    def _inside(
        self, p: Point, end: Endpoint, flag: str, day: date, closed: frozenset[str]
    ) -> Reason | None:
        for state in sorted(closed):
            space = self.borders.airspace(state) if state in self.borders.shapes else None
            if space is not None and shapely.intersects_xy(space, p[0], p[1]):
                ruling = self.law.judge(state, flag, day)
                name = self.borders.name(state)
                return reason(
                    "airspace.closed",
                    {"state": state, "rule": ruling.rule, "endpoint": end.id, "flag": flag},
                    f"{end.id} lies in {name}'s airspace, closed to {flag} aircraft: "
                    + ruling.reason,
                )
        return None

    def overflights(
        self, found: AirRoute, flag: str, depart: datetime, speed_kn: float
    ) -> list[Overflight]:
        """Every foreign state the route enters, in order, judged on the day it enters."""
        path = list(found.points)
        near = self.borders.near(shapely.LineString(densify(path)))
        spaces = {s: self.borders.airspace(s) for s in near if s != flag}
        out = []
        for c in crossings(path, spaces):
            enter = depart + timedelta(hours=c.enter_nm / speed_kn)
            ruling = self.law.judge(c.state, flag, enter.date())
            out.append(Overflight(c.state, self.borders.name(c.state), ruling, enter, c.enter_nm))
        return out


class AirRouteLegs(AirLegs):
    """The refuel search's leg oracle for aircraft: routed around closed airspace."""

    def __init__(
        self,
        space: Airspace,
        nodes: list[Endpoint],
        flag: str,
        day: date,
        limit_nm: float = inf,
    ) -> None:
        super().__init__(nodes)
        self.space = space
        self.flag = flag
        self.day = day  # the departure day
        # no leg longer than this is ever flown (the range): past it the great circle, a
        # lower bound, already says "out of range" without routing round anything
        self.limit_nm = limit_nm

    def route(self, i: int, j: int, at: datetime) -> AirRoute | None:
        try:
            return self.space.route(self.nodes[i], self.nodes[j], self.flag, at.date())
        except AirspaceBlocked:
            return None

    def nm(self, i: int, j: int, at: datetime) -> float:
        straight = self.best_case(i, j)
        if straight > self.limit_nm:
            return straight
        found = self.route(i, j, at)
        return inf if found is None else found.distance_nm

    def best_case(self, i: int, j: int) -> float:
        """The great circle: a lower bound for pruning."""
        a, b = self.nodes[i], self.nodes[j]
        return haversine_nm(a.lon, a.lat, b.lon, b.lat)


def overflight_notices(legs: AirRouteLegs, flown: list[Leg], speed_kn: float) -> list[Notice]:
    """A notice for each clearance a flown leg needs, due `lead_days` before it enters the
    state's airspace (the entry time at the planning speed)."""
    out = []
    for x in flown:
        found = legs.route(x.start, x.end, x.depart)
        if found is None:  # pragma: no cover - the leg was planned on an open route
            continue
        for over in legs.space.overflights(found, legs.flag, x.depart, speed_kn):
            if over.ruling.status != "clearance":
                continue
            days = over.ruling.lead_days
            why = over.reason
            out.append(Notice(over.state, days, why, over.enter, "overflight", None, over.state))
    return out


def blocked_reasons(legs: AirRouteLegs) -> list[str] | None:
    """Why no air route joins the origin and the destination, or None when one does."""
    try:
        legs.space.route(legs.nodes[0], legs.nodes[1], legs.flag, legs.day)
    except AirspaceBlocked as blocked:
        return list(blocked.reasons)
    return None
