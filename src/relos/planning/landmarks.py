"""ALT lower bounds: distances from a few landmark nodes make A* goal-directed.

Landmark distances are computed with every passage open. Closing a passage only removes
edges, so |d(L, t) - d(L, v)| stays a lower bound on d(v, t) under any closure or season.
"""

from __future__ import annotations

import heapq
from math import inf

from relos.planning.network import SeaNetwork

LANDMARKS = 16


def build_landmark_sets(net: SeaNetwork, seasonal: int) -> list[tuple[int, list[list[float]]]]:
    """Two sets: with everything open (always valid), and with the seasonal passages shut,
    valid whenever a query shuts them too (most of the year, and the bounds are far tighter:
    an open Northern Sea Route makes Europe-Asia look 6,000 nm shorter than it is in winter)."""
    return [(0, build_landmarks(net, 0)), (seasonal, build_landmarks(net, seasonal))]


def build_landmarks(net: SeaNetwork, closed: int, count: int = LANDMARKS) -> list[list[float]]:
    """Distances from `count` landmarks picked farthest-first, so they ring the oceans."""
    tables: list[list[float]] = []
    nearest = [inf] * len(net.core_nodes)
    pick = max(range(len(net.core_nodes)), key=lambda c: net.xyz[c][2])  # northernmost
    for _ in range(count):
        table = _all_distances(net, pick, closed)
        tables.append(table)
        nearest = [min(a, b) for a, b in zip(nearest, table, strict=True)]
        pick = max(range(len(nearest)), key=lambda c: nearest[c] if nearest[c] < inf else -1.0)
    return tables


def _all_distances(net: SeaNetwork, source: int, closed: int) -> list[float]:
    dist = [inf] * len(net.core_nodes)
    dist[source] = 0.0
    heap = [(0.0, source)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for v, nm, mask, _ in net.core_adj[u]:
            if d + nm < dist[v] and not mask & closed:
                dist[v] = d + nm
                heapq.heappush(heap, (d + nm, v))
    return dist


def pick_active(
    net: SeaNetwork, closed: int, starts: dict[int, float], ends: dict[int, float], k: int = 4
) -> list[list[float]]:
    """The k landmarks that bound this query best, judged at its start."""
    tables = max((s for s in net.landmark_sets if s[0] & closed == s[0]), key=lambda s: s[0])[1]

    def strength(table: list[float]) -> float:
        return min(abs(table[s] - table[t]) for s in starts for t in ends)

    return sorted(tables, key=strength, reverse=True)[:k]
