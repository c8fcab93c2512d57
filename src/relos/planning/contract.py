"""Contraction of the full sea graph into the core that the search runs on."""

from __future__ import annotations

from itertools import pairwise

from relos.planning.geo import unit_vector
from relos.planning.landmarks import build_landmark_sets
from relos.planning.network import SeaNetwork

Adjacency = list[dict[int, tuple[float, int]]]


def contract(lon: list[float], lat: list[float], adj: Adjacency, seasonal: int) -> SeaNetwork:
    """Prune untagged dead-end trees, then fold degree-2 chains into links."""
    n = len(lon)
    parent, up = _prune_trees(adj)
    alive = [parent[u] < 0 for u in range(n)]
    is_core = [alive[u] and _is_junction(u, adj, alive, parent) for u in range(n)]
    core_nodes = [u for u in range(n) if is_core[u]]
    core_of = [-1] * n
    for i, u in enumerate(core_nodes):
        core_of[u] = i
    net = SeaNetwork(
        lon=lon,
        lat=lat,
        core_of=core_of,
        core_nodes=core_nodes,
        core_adj=[[] for _ in core_nodes],
        links=[],
        link_mask=[],
        link_len=[],
        link_of=[-1] * n,
        link_pos=[0.0] * n,
        tree_parent=parent,
        tree_up=up,
        tree_root=[-1] * n,
        tree_depth=[0.0] * n,
        grid=_grid(lon, lat),
        xyz=[unit_vector(lon[u], lat[u]) for u in core_nodes],
        landmark_sets=[],
    )
    _fold_links(net, adj, alive, is_core)
    _root_trees(net)
    net.landmark_sets = build_landmark_sets(net, seasonal)
    return net


def _prune_trees(adj: Adjacency) -> tuple[list[int], list[float]]:
    """Peel leaves joined by untagged edges; each peeled node remembers its parent."""
    n = len(adj)
    degree = [len(a) for a in adj]
    parent = [-1] * n
    up = [0.0] * n
    stack = [u for u in range(n) if degree[u] == 1]
    while stack:
        u = stack.pop()
        live = [v for v in adj[u] if parent[v] < 0] if parent[u] < 0 else []
        if degree[u] != 1 or len(live) != 1 or adj[u][live[0]][1]:
            continue
        v = live[0]
        parent[u], up[u] = v, adj[u][v][0]
        degree[v] -= 1
        if degree[v] == 1:
            stack.append(v)
    return parent, up


def _is_junction(u: int, adj: Adjacency, alive: list[bool], parent: list[int]) -> bool:
    live = [v for v in adj[u] if alive[v]]
    if len(live) != 2 or len(live) != len(adj[u]):
        return True  # a junction, a root of a pruned tree, or a tagged leaf
    return adj[u][live[0]][1] != adj[u][live[1]][1]  # a passage boundary


def _fold_links(net: SeaNetwork, adj: Adjacency, alive: list[bool], is_core: list[bool]) -> None:
    seen: set[tuple[int, int]] = set()
    for start in net.core_nodes:
        for first in adj[start]:
            if not alive[first] or (start, first) in seen:
                continue
            nodes, length = [start, first], adj[start][first][0]
            mask = adj[start][first][1]
            while not is_core[nodes[-1]]:
                here, back = nodes[-1], nodes[-2]
                step = next(v for v in adj[here] if alive[v] and v != back)
                length += adj[here][step][0]
                nodes.append(step)
            seen.add((nodes[-1], nodes[-2]))
            _add_link(net, nodes, length, mask, adj)


def _add_link(net: SeaNetwork, nodes: list[int], length: float, mask: int, adj: Adjacency) -> None:
    link = len(net.links)
    net.links.append(nodes)
    net.link_mask.append(mask)
    net.link_len.append(length)
    pos = 0.0
    for a, b in pairwise(nodes[:-1]):  # b runs over the link's inner nodes
        pos += adj[a][b][0]
        net.link_of[b], net.link_pos[b] = link, pos
    a, b = net.core_of[nodes[0]], net.core_of[nodes[-1]]
    net.core_adj[a].append((b, length, mask, link))
    if a != b:
        net.core_adj[b].append((a, length, mask, link))


def _root_trees(net: SeaNetwork) -> None:
    """Give every pruned node its core root and its depth below it."""
    for u in range(net.node_count):
        if net.tree_parent[u] < 0 or net.tree_root[u] >= 0:
            continue
        chain = [u]
        while net.tree_parent[chain[-1]] >= 0 and net.tree_root[chain[-1]] < 0:
            chain.append(net.tree_parent[chain[-1]])
        top = chain[-1]
        root = net.tree_root[top] if net.tree_parent[top] >= 0 else net.core_of[top]
        depth = net.tree_depth[top] if net.tree_parent[top] >= 0 else 0.0
        for node in reversed(chain[:-1]):
            depth += net.tree_up[node]
            net.tree_root[node], net.tree_depth[node] = root, depth


def _grid(lon: list[float], lat: list[float]) -> dict[tuple[int, int], list[int]]:
    grid: dict[tuple[int, int], list[int]] = {}
    for u, (x, y) in enumerate(zip(lon, lat, strict=True)):
        grid.setdefault((int(x // 1), int(y // 1)), []).append(u)
    return grid
