"""A contraction hierarchy of the core network for one set of closed passages, and the
many-to-many distance table on it (restricted PHAST).

Contracting a node removes it and adds a shortcut between two of its neighbours wherever the
path through it is the only shortest one (a bounded witness search finds the others). Each
node keeps its edges to neighbours contracted after it ("up" edges). A table then costs, per
source, one small upward search and one downward sweep over the upward closure of the
targets only, instead of a Dijkstra over the whole network.

Built per closure mask on first use and pickled next to the network (minutes of CPU would be
silly to repeat); any other mask falls back to plain Dijkstra rows.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from math import inf

from relos.planning.network import SeaNetwork, read_cache, write_cache

WITNESS_SETTLED = 40  # settle limit of a witness search: a missed witness only adds a shortcut


@dataclass
class Hierarchy:
    closed: int
    rank: list[int]  # core node -> contraction order
    up: list[list[tuple[int, float]]]  # edges to neighbours of higher rank


def for_mask(net: SeaNetwork, closed: int) -> Hierarchy:
    """The hierarchy for this closure mask: from memory, the disk cache, or built now."""
    known = net.hierarchies.get(closed)
    if isinstance(known, Hierarchy):
        return known
    path = None
    if net.cache_path is not None:
        path = net.cache_path.with_name(f"{net.cache_path.stem}-ch-{closed}.pickle")
        loaded = read_cache(path)
        if isinstance(loaded, Hierarchy) and loaded.closed == closed:
            net.hierarchies[closed] = loaded
            return loaded
    made = build(net, closed)
    if path is not None:
        write_cache(path, made)
    net.hierarchies[closed] = made
    return made


def build(net: SeaNetwork, closed: int) -> Hierarchy:
    adj: list[dict[int, float]] = [{} for _ in net.core_nodes]
    for u, edges in enumerate(net.adjacency(closed)):
        for v, nm in edges:
            if v != u and nm < adj[u].get(v, inf):
                adj[u][v] = adj[v][u] = nm
    n = len(adj)
    done = [False] * n
    deleted = [0] * n
    rank = [0] * n
    up: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    heap = [(_priority(adj, done, deleted, v)[0], v) for v in range(n)]
    heapq.heapify(heap)
    order = 0
    while heap:
        _, v = heapq.heappop(heap)
        if done[v]:
            continue
        priority, needed = _priority(adj, done, deleted, v)
        if heap and priority > heap[0][0]:
            heapq.heappush(heap, (priority, v))  # lazy update: someone else goes first
            continue
        up[v] = [(u, w) for u, w in adj[v].items() if not done[u]]
        done[v], rank[v] = True, order
        order += 1
        for a, b, w in needed:
            if w < adj[a].get(b, inf):
                adj[a][b] = adj[b][a] = w
        for u, _ in up[v]:
            deleted[u] += 1
    return Hierarchy(closed, rank, up)


def _priority(
    adj: list[dict[int, float]], done: list[bool], deleted: list[int], v: int
) -> tuple[int, list[tuple[int, int, float]]]:
    """Edge difference (shortcuts added minus edges removed) plus contracted neighbours."""
    around = [(u, w) for u, w in adj[v].items() if not done[u]]
    needed: list[tuple[int, int, float]] = []
    for i, (a, wa) in enumerate(around[:-1]):
        rest = around[i + 1 :]
        reach = _witness(adj, done, a, v, wa + max(w for _, w in rest))
        needed += [(a, b, wa + wb) for b, wb in rest if reach.get(b, inf) > wa + wb + 1e-9]
    return len(needed) - len(around) + deleted[v], needed


def _witness(
    adj: list[dict[int, float]], done: list[bool], source: int, avoid: int, limit: float
) -> dict[int, float]:
    dist = {source: 0.0}
    heap = [(0.0, source)]
    settled = 0
    while heap and settled < WITNESS_SETTLED:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        if d > limit:
            break
        settled += 1
        for x, w in adj[u].items():
            if x != avoid and not done[x] and d + w < dist.get(x, inf):
                dist[x] = d + w
                heapq.heappush(heap, (d + w, x))
    return dist


def table(
    h: Hierarchy, sources: list[dict[int, float]], targets: list[dict[int, float]]
) -> list[list[float]]:
    """Distances from each source to each target; both given as {core node: offset}."""
    region = _closure(h, [c for t in targets for c in t])
    slot = {v: i for i, v in enumerate(region)}
    pulls = [[(slot[u], w) for u, w in h.up[v]] for v in region]
    out = []
    for source in sources:
        dist = [inf] * len(region)
        for v, d in _upward(h, source).items():
            i = slot.get(v)
            if i is not None:
                dist[i] = d
        for i in range(len(region)):  # highest rank first: every pull reads a final value
            best = dist[i]
            for j, w in pulls[i]:
                if dist[j] + w < best:
                    best = dist[j] + w
            dist[i] = best
        out.append(
            [min((dist[slot[c]] + off for c, off in t.items()), default=inf) for t in targets]
        )
    return out


def _closure(h: Hierarchy, starts: list[int]) -> list[int]:
    """Every node reachable upwards from the starts, highest rank first."""
    seen = set(starts)
    stack = list(seen)
    while stack:
        for u, _ in h.up[stack.pop()]:
            if u not in seen:
                seen.add(u)
                stack.append(u)
    return sorted(seen, key=lambda v: -h.rank[v])


def _upward(h: Hierarchy, starts: dict[int, float]) -> dict[int, float]:
    dist = dict(starts)
    heap = [(d, c) for c, d in starts.items()]
    heapq.heapify(heap)
    settled: dict[int, float] = {}
    while heap:
        d, u = heapq.heappop(heap)
        if u in settled:
            continue
        settled[u] = d
        for v, w in h.up[u]:
            if d + w < dist.get(v, inf):
                dist[v] = d + w
                heapq.heappush(heap, (d + w, v))
    return settled
