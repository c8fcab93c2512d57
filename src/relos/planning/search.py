"""Shortest sea paths on the contracted network: A* point to point, Dijkstra one to many.

An endpoint joins the network at its nearest node by a straight approach leg. From there
it reaches the core through its pruned tree or along its link; the search runs on core
nodes only, and two endpoints on the same tree or link also get their direct path.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from math import cos, inf, radians

from relos.planning.engine import engine
from relos.planning.geo import haversine_nm, normalize_lon
from relos.planning.landmarks import pick_active
from relos.planning.network import SeaNetwork


@dataclass(frozen=True)
class Attachment:
    """A point joined to the network: its node and the approach leg to it."""

    lon: float
    lat: float
    node: int
    approach_nm: float
    # the approach from the point to the node's position; empty: a straight line
    path: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class SeaPath:
    distance_nm: float
    nodes: tuple[int, ...]  # full nodes from the origin's node to the destination's
    masks: tuple[int, ...]  # passage mask of each step between consecutive nodes


def attach(net: SeaNetwork, lon: float, lat: float) -> Attachment:
    """Join a point to its nearest network node (rings of 1° cells until one is found)."""
    lon = normalize_lon(lon)
    cx, cy = int(lon // 1), int(lat // 1)
    best, best_nm = -1, inf
    for ring in range(0, 60):
        for x, y in _ring(cx, cy, ring):
            for u in net.grid.get((x, y), ()):
                nm = haversine_nm(lon, lat, net.lon[u], net.lat[u])
                if nm < best_nm:
                    best, best_nm = u, nm
        # cells beyond this ring lie at least ring cells away, and a cell is 60 nm tall
        # but only 60·cos(lat) nm wide: stop once none of them can hold a nearer node
        if best >= 0 and best_nm <= ring * 60.0 * cos(radians(min(abs(lat) + ring, 89.0))):
            break
    return Attachment(lon, lat, best, best_nm)


def anchors(net: SeaNetwork, node: int, closed: int) -> list[tuple[int, float]]:
    """Core nodes a full node reaches without search, with the distance to each."""
    if net.core_of[node] >= 0:
        return [(net.core_of[node], 0.0)]
    link = net.link_of[node]
    if link >= 0:
        if net.link_mask[link] & closed:
            return []
        ends = net.links[link]
        pos = net.link_pos[node]
        back, ahead = (net.core_of[ends[0]], pos), (net.core_of[ends[-1]], net.link_len[link] - pos)
        if back[0] == ahead[0]:  # a loop: one anchor, the nearer way round
            return [min(back, ahead, key=lambda anchor: anchor[1])]
        return [back, ahead]
    return [(net.tree_root[node], net.tree_depth[node])]


def shortest_path(net: SeaNetwork, a: Attachment, b: Attachment, closed: int) -> SeaPath | None:
    """Shortest open path between two attachments (approach legs included), or None; the
    core search runs in scgraph (engine.py)."""
    starts = {c: a.approach_nm + off for c, off in anchors(net, a.node, closed)}
    ends = {c: b.approach_nm + off for c, off in anchors(net, b.node, closed)}
    own_way = direct(net, a.node, b.node, closed)
    best = a.approach_nm + b.approach_nm + own_way if own_way is not None else inf
    prev: dict[int, tuple[int, int]] = {}
    best_meet = -1
    if starts and ends:
        found, core = engine(net, closed).path(starts, ends)
        if found < best and core:
            run = engine(net, closed)
            for u, v in pairwise(core):
                prev[v] = (u, run.link(u, v))
            best, best_meet = found, core[-1]
    if best == inf:
        return None
    if best_meet < 0:
        return _direct_path(net, a.node, b.node, best)
    return _assemble(net, a.node, b.node, best_meet, prev, best)


def shortest_distance(net: SeaNetwork, a: Attachment, b: Attachment, closed: int) -> float:
    """The distance of shortest_path without its nodes (inf when no open path)."""
    starts = {c: a.approach_nm + off for c, off in anchors(net, a.node, closed)}
    ends = {c: b.approach_nm + off for c, off in anchors(net, b.node, closed)}
    own_way = direct(net, a.node, b.node, closed)
    best = a.approach_nm + b.approach_nm + own_way if own_way is not None else inf
    if starts and ends:
        best = min(best, engine(net, closed).path(starts, ends, length_only=True)[0])
    return best


def shortest_path_pure(
    net: SeaNetwork, a: Attachment, b: Attachment, closed: int
) -> SeaPath | None:
    """The same in pure Python (A* with ALT bounds): the reference the engine is tested on."""
    starts = {c: a.approach_nm + off for c, off in anchors(net, a.node, closed)}
    ends = {c: b.approach_nm + off for c, off in anchors(net, b.node, closed)}
    own_way = direct(net, a.node, b.node, closed)
    best = a.approach_nm + b.approach_nm + own_way if own_way is not None else inf
    best_meet = -1
    prev: dict[int, tuple[int, int]] = {}
    if starts and ends:
        best, best_meet = _astar(net, starts, ends, closed, best, prev)
    if best == inf:
        return None
    if best_meet < 0:
        return _direct_path(net, a.node, b.node, best)
    return _assemble(net, a.node, b.node, best_meet, prev, best)


def _astar(
    net: SeaNetwork,
    starts: dict[int, float],
    ends: dict[int, float],
    closed: int,
    best: float,
    prev: dict[int, tuple[int, int]],
) -> tuple[float, int]:
    """A* over core nodes with ALT bounds; returns the best total and its meeting node."""
    bound = _alt_bound(pick_active(net, closed, starts, ends), ends)
    meet = -1
    g = [inf] * len(net.core_nodes)
    for c, d in starts.items():
        g[c] = d
    heap = [(d + bound(c), d, c) for c, d in starts.items()]
    heapq.heapify(heap)
    adj = net.core_adj
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        f, d, u = pop(heap)
        if f >= best:
            break
        if d > g[u]:
            continue
        if u in ends and d + ends[u] < best:
            best, meet = d + ends[u], u
        for v, nm, mask, link in adj[u]:
            nd = d + nm
            if nd < g[v] and not mask & closed:
                g[v] = nd
                prev[v] = (u, link)
                push(heap, (nd + bound(v), nd, v))
    return best, meet


def _alt_bound(active: list[list[float]], ends: dict[int, float]) -> Callable[[int], float]:
    """max over four landmarks of |d(L, goal) - d(L, v)|, plus the goal's offset; unrolled
    because this runs on every push and dominates the query time."""
    t0, t1, t2, t3 = active
    goals = [(t0[c], t1[c], t2[c], t3[c], off) for c, off in ends.items()]

    def one(v: int, g: tuple[float, float, float, float, float]) -> float:
        return g[4] + max(
            abs(g[0] - t0[v]), abs(g[1] - t1[v]), abs(g[2] - t2[v]), abs(g[3] - t3[v])
        )

    if len(goals) == 1:
        g0, g1, g2, g3, off = goals[0]
        return lambda v: (
            off + max(abs(g0 - t0[v]), abs(g1 - t1[v]), abs(g2 - t2[v]), abs(g3 - t3[v]))
        )
    if len(goals) == 2:
        a, b = goals
        return lambda v: min(one(v, a), one(v, b))
    return lambda v: min(one(v, g) for g in goals)


def distances_from(
    net: SeaNetwork, a: Attachment, targets: list[Attachment], closed: int
) -> list[float]:
    """Sea distance from one attachment to many (inf where no open path exists)."""
    target_anchors = [anchors(net, t.node, closed) for t in targets]
    return distances_to(net, a, targets, target_anchors, closed)


def distances_to(
    net: SeaNetwork,
    a: Attachment,
    targets: list[Attachment],
    target_anchors: list[list[tuple[int, float]]],
    closed: int,
) -> list[float]:
    """distances_from with the targets' anchors computed once by the caller (a matrix)."""
    starts = dict(anchors_from(net, a, closed))
    dist = engine(net, closed).tree(starts) if starts else [inf] * len(net.core_nodes)
    out = [
        (
            dist[group[0][0]] + group[0][1]
            if len(group) == 1
            else min((dist[c] + off for c, off in group), default=inf)
        )
        + t.approach_nm
        for t, group in zip(targets, target_anchors, strict=True)
    ]
    home = _home(net, a.node)
    for k, t in enumerate(targets):
        if _home(net, t.node) == home:  # same link or tree: there may be a way off the core
            own_way = direct(net, a.node, t.node, closed)
            if own_way is not None:
                out[k] = min(out[k], a.approach_nm + own_way + t.approach_nm)
    return out


def _home(net: SeaNetwork, node: int) -> tuple[int, int]:
    """Where a node meets the core: its link, or the root of its tree, or itself."""
    if net.link_of[node] >= 0:
        return (0, net.link_of[node])
    if net.tree_parent[node] >= 0:
        return (1, net.tree_root[node])
    return (1, net.core_of[node])


def anchors_from(net: SeaNetwork, a: Attachment, closed: int) -> list[tuple[int, float]]:
    return [(c, a.approach_nm + off) for c, off in anchors(net, a.node, closed)]


def _dijkstra(
    net: SeaNetwork, starts: dict[int, float], wanted: set[int], closed: int
) -> list[float]:
    """Distances to core nodes, exact for every wanted node (the search stops once all are
    settled; nodes it did not settle may hold an upper bound or inf)."""
    dist = [inf] * len(net.core_nodes)
    for c, d in starts.items():
        dist[c] = d
    heap = [(d, c) for c, d in starts.items()]
    heapq.heapify(heap)
    left = set(wanted)
    adj = net.adjacency(closed)
    pop, push = heapq.heappop, heapq.heappush
    while heap and left:
        d, u = pop(heap)
        if d > dist[u]:
            continue
        left.discard(u)
        for v, nm in adj[u]:
            nd = d + nm
            if nd < dist[v]:
                dist[v] = nd
                push(heap, (nd, v))
    for c in left:
        dist[c] = inf  # never settled: unreachable under these closures
    return dist  # targets in other components keep inf: never reached


def direct(net: SeaNetwork, u: int, v: int, closed: int) -> float | None:
    """Distance without the core when both nodes sit on one link or one pruned tree."""
    if u == v:
        return 0.0
    link = net.link_of[u]
    if link >= 0 and link == net.link_of[v]:
        if net.link_mask[link] & closed:
            return None
        return abs(net.link_pos[u] - net.link_pos[v])
    if net.tree_parent[u] < 0 and net.tree_parent[v] < 0:
        return None
    up_u, up_v = _tree_line(net, u), _tree_line(net, v)
    common = set(up_u).intersection(up_v)
    if not common:
        return None
    meet = min(common, key=lambda n: up_u[n])  # the lowest common ancestor: nearest to u
    return up_u[meet] + up_v[meet]


def _tree_line(net: SeaNetwork, u: int) -> dict[int, float]:
    """Each ancestor of u inside its tree (and the root), with the distance up to it."""
    line = {u: 0.0}
    depth = 0.0
    while net.tree_parent[u] >= 0:
        depth += net.tree_up[u]
        u = net.tree_parent[u]
        line[u] = depth
    return line


def _assemble(
    net: SeaNetwork,
    origin: int,
    dest: int,
    meet: int,
    prev: dict[int, tuple[int, int]],
    total: float,
) -> SeaPath:
    core_path: list[tuple[int, int]] = []  # (core node, link that led to it)
    node = meet
    while node in prev:  # prev is set only where a relaxation beat the start distance
        before, link = prev[node]
        core_path.append((node, link))
        node = before
    first_core = node
    steps: list[int] = _to_core(net, origin, first_core)
    masks: list[int] = [0] * (len(steps) - 1)
    _mark_link_masks(net, origin, masks)
    for core, link in reversed(core_path):
        seq = _oriented(net.links[link], net.core_nodes[core])
        steps.extend(seq[1:])
        masks.extend([net.link_mask[link]] * (len(seq) - 1))
    tail = list(reversed(_to_core(net, dest, meet)))
    tail_masks = [0] * (len(tail) - 1)
    _mark_link_masks(net, dest, tail_masks)
    steps.extend(tail[1:])
    masks.extend(tail_masks)
    return SeaPath(total, tuple(steps), tuple(masks))


def _mark_link_masks(net: SeaNetwork, node: int, masks: list[int]) -> None:
    link = net.link_of[node]
    if link >= 0:
        masks[:] = [net.link_mask[link]] * len(masks)


def _to_core(net: SeaNetwork, node: int, core: int) -> list[int]:
    """Full nodes from a node to the given core anchor of it (tree or link part)."""
    target = net.core_nodes[core]
    link = net.link_of[node]
    if link >= 0:
        seq = net.links[link]
        i = seq.index(node)
        backward, forward = list(reversed(seq[: i + 1])), seq[i:]
        if seq[0] == target and seq[-1] == target:  # a loop: the nearer way round
            return backward if net.link_pos[node] * 2 <= net.link_len[link] else forward
        return backward if seq[0] == target else forward
    line = [node]
    while net.tree_parent[line[-1]] >= 0:
        line.append(net.tree_parent[line[-1]])
    return line


def _oriented(seq: list[int], end: int) -> list[int]:
    return seq if seq[-1] == end else list(reversed(seq))


def _direct_path(net: SeaNetwork, u: int, v: int, total: float) -> SeaPath:
    link = net.link_of[u]
    if link >= 0 and link == net.link_of[v]:
        seq = net.links[link]
        i, j = seq.index(u), seq.index(v)
        nodes = seq[i : j + 1] if i <= j else list(reversed(seq[j : i + 1]))
        return SeaPath(total, tuple(nodes), tuple([net.link_mask[link]] * (len(nodes) - 1)))
    up_u, up_v = _tree_line(net, u), _tree_line(net, v)
    meet = min(set(up_u).intersection(up_v), key=lambda n: up_u[n])
    left = [n for n in up_u if up_u[n] <= up_u[meet]]
    right = [n for n in up_v if up_v[n] < up_v[meet]]
    nodes = left + list(reversed(right))
    return SeaPath(total, tuple(nodes), tuple([0] * (len(nodes) - 1)))


def _ring(cx: int, cy: int, r: int) -> list[tuple[int, int]]:
    if r == 0:
        return [(_wrap(cx), cy)]
    cells = [(cx + dx, cy + dy) for dx in range(-r, r + 1) for dy in (-r, r)]
    cells += [(cx + dx, cy + dy) for dx in (-r, r) for dy in range(-r + 1, r)]
    return [(_wrap(x), y) for x, y in cells]


def _wrap(x: int) -> int:
    return ((x + 180) % 360) - 180
