"""Sea routes between endpoints under passage rules and seasons, with the reason when blocked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import TypeVar

from relos.kit.errors import InvalidInput
from relos.planning.approach import ApproachStore
from relos.planning.errors import RouteBlocked
from relos.planning.geo import haversine_nm, unwrap
from relos.planning.law import Vessel
from relos.planning.network import SeaNetwork
from relos.planning.passages import PassageRules, mask_of
from relos.planning.search import (
    Attachment,
    SeaPath,
    attach,
    shortest_distance,
    shortest_path,
)
from relos.planning.waypoints import Endpoint

K = TypeVar("K")
V = TypeVar("V")

DEFAULT_SPEED_KN = 14.0
# An approach leg runs at sea to a network node (approach.py). Real ports on the shipped
# network lie within about 350 nm (Guam, Khatanga up its gulf); searoute also lists inland
# "ports" (Denver) hundreds of miles from the sea, which are not sea endpoints.
MAX_APPROACH_NM = 400.0


@dataclass(frozen=True)
class SeaRoute:
    origin: Endpoint
    destination: Endpoint
    distance_nm: float
    via: tuple[str, ...]  # passages in the order sailed
    coordinates: tuple[tuple[float, float], ...]  # approach legs included, antimeridian unwrapped
    approach_nm: tuple[float, float]
    passages: int  # mask of the passages sailed
    entries: tuple[tuple[int, float], ...] = ()  # (passage bit, nm sailed on entering it)


@dataclass(frozen=True)
class Conditions:
    """What shuts passages for one voyage: when, for which vessel, and the request's choices.

    Without a vessel the question is geography: only seasons, the ice-bound default and the
    request's closures shut a passage. With one, the passage law of its flag and type applies;
    `home_ports` are the positions of its flag's bases (for "return to its base" clauses)."""

    depart: datetime
    kind: str = "warship"
    speed_kn: float = DEFAULT_SPEED_KN
    opened: tuple[str, ...] = ()
    closed: tuple[str, ...] = ()
    vessel: Vessel | None = None
    home_ports: frozenset[tuple[float, float]] = frozenset()


class Seaway:
    """The sea network with its passage rules; routes are pure functions of the inputs."""

    def __init__(
        self, net: SeaNetwork, rules: PassageRules, approaches: ApproachStore | None = None
    ) -> None:
        self.net = net
        self.rules = rules
        self.approaches = approaches or ApproachStore(net)
        self._attachments: dict[tuple[float, float], Attachment] = {}
        self._seasonal = sum(p.bit for p in rules.passages if p.season is not None)
        self._shut: dict[tuple[object, ...], dict[int, str]] = {}
        self._routes: dict[tuple[Endpoint, Endpoint, Conditions], SeaRoute] = {}

    def attach(self, point: Endpoint) -> Attachment:
        key = (point.lon, point.lat)
        found = self._attachments.get(key)
        if found is None:
            way = self.approaches.get(point.lon, point.lat)
            if way.node >= 0:
                found = Attachment(point.lon, point.lat, way.node, way.nm, way.path)
            else:  # no way at sea found (a point in water 1:10m closes): straight
                found = attach(self.net, point.lon, point.lat)
            bounded(self._attachments)[key] = found
        return found

    def check_at_sea(self, point: Endpoint) -> None:
        """Refuse an endpoint so far from the sea lanes that its approach would cross land."""
        nm = self.attach(point).approach_nm
        if nm > MAX_APPROACH_NM:
            raise InvalidInput(
                f"{point.id} is {nm:,.0f} nm from the nearest sea lane "
                f"(limit {MAX_APPROACH_NM:,.0f} nm): not a sea endpoint"
            )

    def closed_mask(self, when: Conditions, at: datetime, end: Endpoint | None = None) -> int:
        return mask_of(self._closures(when, at, self.bound_home(when, end)))

    def bound_home(self, when: Conditions, end: Endpoint | None) -> int:
        """Passages behind which the voyage ends at a base of the vessel's own flag."""
        if end is None or when.vessel is None or (end.lon, end.lat) not in when.home_ports:
            return 0
        return sum(p.bit for p in self.rules.passages if p.leads_to(end.lon, end.lat))

    def route(self, a: Endpoint, b: Endpoint, when: Conditions) -> SeaRoute:
        """Shortest open route; passages are timed at the speed given and shut if out of season
        (memoised: a plan asks again for its legs' routes when it lists notices and lines)."""
        key = (a, b, when)
        found = self._routes.get(key)
        if found is None:
            found = self._find(a, b, when)
            bounded(self._routes, 2_000)[key] = found
        return found

    def distance(self, a: Endpoint, b: Endpoint, mask: int) -> float:
        """Sea distance under a closure mask, without the route's nodes (inf when blocked)."""
        return shortest_distance(self.net, self.attach(a), self.attach(b), mask)

    def _find(self, a: Endpoint, b: Endpoint, when: Conditions) -> SeaRoute:
        self.check_at_sea(a)
        self.check_at_sea(b)
        if (a.lon, a.lat) == (b.lon, b.lat):
            return SeaRoute(a, b, 0.0, (), ((a.lon, a.lat), (b.lon, b.lat)), (0.0, 0.0), 0)
        home = self.bound_home(when, b)
        closures = self._closures(when, when.depart, home)
        for _ in range(len(self.rules.passages) + 1):
            path = shortest_path(self.net, self.attach(a), self.attach(b), mask_of(closures))
            if path is None:
                reasons = self._why(a, b, closures)
                detail = f"no open sea route from {a.id} to {b.id}: " + "; ".join(reasons)
                raise RouteBlocked(detail, reasons)
            late = self._out_of_season(path, when, home)
            if not late:
                return self._route(a, b, path)
            closures.update(late)
        raise AssertionError("passage timing did not settle")  # pragma: no cover

    def _closures(self, when: Conditions, at: datetime, home: int = 0) -> dict[int, str]:
        """Closures on a day (memoised: the answer depends on the day, not the hour)."""
        key = (at.date(), when.opened, when.closed, when.vessel, when.home_ports, home)
        found = self._shut.get(key)
        if found is None:
            found = self.rules.closures(at.date(), when.vessel, when.opened, when.closed, home)
            bounded(self._shut)[key] = found
        return dict(found)

    def _out_of_season(self, path: SeaPath, when: Conditions, home: int) -> dict[int, str]:
        """Seasonal passages this path sails while they are shut (checked at entry and exit)."""
        seasonal = self._seasonal
        used = 0
        for mask in path.masks:
            used |= mask
        if not used & seasonal:
            return {}  # only seasons change along a voyage; the rest was settled at departure
        late: dict[int, str] = {}
        sailed = 0.0
        net = self.net
        for (u, v), mask in zip(_pairs(path.nodes), path.masks, strict=True):
            step = haversine_nm(net.lon[u], net.lat[u], net.lon[v], net.lat[v])
            if mask & seasonal:
                for t in (sailed, sailed + step):
                    at = when.depart + timedelta(hours=t / when.speed_kn)
                    shut = self._closures(when, at, home)
                    late.update({bit: why for bit, why in shut.items() if bit & mask})
            sailed += step
        return late

    def _why(self, a: Endpoint, b: Endpoint, closures: dict[int, str]) -> list[str]:
        """The closures that stand between a and b: those the all-open route would use."""
        path = shortest_path(self.net, self.attach(a), self.attach(b), 0)
        if path is None:  # pragma: no cover - the shipped network is connected
            return ["the sea network does not connect these points"]
        used = 0
        for mask in path.masks:
            used |= mask
        reasons = [why for bit, why in closures.items() if bit & used]
        return reasons or [why for why in closures.values()]

    def _route(self, a: Endpoint, b: Endpoint, path: SeaPath) -> SeaRoute:
        via: list[str] = []
        entries: list[tuple[int, float]] = []
        used = 0
        sailed = self.attach(a).approach_nm
        net = self.net
        for (u, v), mask in zip(_pairs(path.nodes), path.masks, strict=True):
            if mask and mask & ~used:  # a passage not yet named, in the order sailed
                via += [n for n in self.rules.names(mask & ~used) if n not in via]
                entries += [(p.bit, sailed) for p in self.rules.passages if mask & ~used & p.bit]
            used |= mask
            sailed += haversine_nm(net.lon[u], net.lat[u], net.lon[v], net.lat[v])
        points = list(self.attach(a).path[:-1]) or [(a.lon, a.lat)]
        points += [(self.net.lon[u], self.net.lat[u]) for u in path.nodes]
        points += list(reversed(self.attach(b).path[:-1])) or [(b.lon, b.lat)]
        ends = (self.attach(a).approach_nm, self.attach(b).approach_nm)
        return SeaRoute(
            a, b, path.distance_nm, tuple(via), tuple(unwrap(points)), ends, used, tuple(entries)
        )


def bounded(memo: dict[K, V], limit: int = 20_000) -> dict[K, V]:
    """A memo that ad-hoc coordinates cannot grow without end (cleared when full)."""
    if len(memo) >= limit:
        memo.clear()
    return memo


def _pairs(nodes: Iterable[int]) -> list[tuple[int, int]]:
    return list(pairwise(nodes))
