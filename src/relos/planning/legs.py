"""Leg distances for the refuel search: sea legs from cached network rows, air legs great-circle.

A sea row is the distance from one point to every point of a universe (the ports a plan may
use), under one mask of closed passages. Rows are computed on demand and kept, so a warm
planner answers a route or a reach from memory. A leg is timed: it uses the mask in force
when it starts, and also the mask at its arrival, since a season can shut behind a ship.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from math import inf

from relos.planning.geo import haversine_nm
from relos.planning.search import anchors, distances_from, distances_to
from relos.planning.seaway import Conditions, Seaway, bounded
from relos.planning.waypoints import Endpoint


class SeaRows:
    """Distance rows to a fixed universe of points, memoised per (point, mask)."""

    def __init__(self, seaway: Seaway, universe: list[Endpoint]) -> None:
        self.seaway = seaway
        self.universe = universe
        self.index = {(p.lon, p.lat): i for i, p in enumerate(universe)}
        self._targets = [seaway.attach(p) for p in universe]
        self._rows: dict[tuple[float, float, int], list[float]] = {}

    def row(self, point: Endpoint, mask: int) -> list[float]:
        key = (point.lon, point.lat, mask)
        found = self._rows.get(key)
        if found is None:
            here = self.seaway.attach(point)
            found = distances_from(self.seaway.net, here, self._targets, mask)
            bounded(self._rows)[key] = found
        return found

    def matrix(self, mask: int) -> list[list[float]]:
        """Every universe point to every other (the facility distance matrix): one shortest-
        path tree per point in scgraph, approach legs and same-link shortcuts added here."""
        net = self.seaway.net
        here = [self.seaway.attach(p) for p in self.universe]
        ends = [anchors(net, t.node, mask) for t in here]
        out = [distances_to(net, a, here, ends, mask) for a in here]
        for i in range(len(out)):
            out[i][i] = 0.0
        return out


class SeaLegs:
    """The LegOracle of one plan: nodes are endpoints, distances come from SeaRows."""

    def __init__(self, rows: SeaRows, nodes: list[Endpoint], when: Conditions) -> None:
        self.rows = rows
        self.nodes = nodes
        self.when = when
        self._slot = [rows.index.get((n.lon, n.lat), -1) for n in nodes]
        # passages behind which node j is a base of the ship's flag ("return to its base")
        self._home = [rows.seaway.bound_home(when, n) for n in nodes]
        self._masks: dict[tuple[int, int], int] = {}

    def home_of(self, j: int) -> int:
        return self._home[j]

    def mask_on(self, at: datetime, j: int = -1) -> int:
        """Passages shut on a day for a leg ending at node j (-1: no return to base)."""
        home = self._home[j] if j >= 0 else 0
        key = (at.toordinal(), home)
        if key not in self._masks:
            end = self.nodes[j] if home else None
            self._masks[key] = self.rows.seaway.closed_mask(self.when, at, end)
        return self._masks[key]

    def nm(self, i: int, j: int, at: datetime) -> float:
        mask = self.mask_on(at, j)
        distance = self._between(i, j, mask)
        if distance == inf:
            return inf
        later = mask | self.mask_on(at + timedelta(hours=distance / self.when.speed_kn), j)
        return distance if later == mask else self._between(i, j, later)

    def best_case(self, i: int, j: int) -> float:
        """Distance with nothing closed: a lower bound for pruning."""
        return self._between(i, j, 0)

    def _between(self, i: int, j: int, mask: int) -> float:
        if self._slot[j] >= 0:
            return self.rows.row(self.nodes[i], mask)[self._slot[j]]
        if self._slot[i] >= 0:
            return self.rows.row(self.nodes[j], mask)[self._slot[i]]
        # neither end is in the universe (two ad-hoc points): a one-off row
        extra = SeaRows(self.rows.seaway, [self.nodes[j]])
        return extra.row(self.nodes[i], mask)[0]


class AirLegs:
    """Great-circle legs between airfields; no passages, no seasons at sea."""

    def __init__(self, nodes: list[Endpoint]) -> None:
        self.nodes = nodes

    def nm(self, i: int, j: int, at: datetime) -> float:
        a, b = self.nodes[i], self.nodes[j]
        return haversine_nm(a.lon, a.lat, b.lon, b.lat)

    def best_case(self, i: int, j: int) -> float:
        return self.nm(i, j, datetime.min)
