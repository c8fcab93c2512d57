"""The contracted A* against a plain Dijkstra on the full, uncontracted searoute graph."""

from __future__ import annotations

import heapq
from math import inf

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relos.planning.geo import haversine_nm
from relos.planning.network import read_graph, searoute_marnet_path
from relos.planning.passages import PassageRules
from relos.planning.search import (
    anchors_from,
    attach,
    distances_from,
    shortest_path,
    shortest_path_pure,
)
from relos.planning.seaway import Seaway
from relos.planning.waypoints import searoute_ports

PORTS = sorted(searoute_ports().values(), key=lambda p: p.id)


@pytest.fixture(scope="module")
def full(
    rules: PassageRules,
) -> tuple[list[float], list[float], list[dict[int, tuple[float, int]]]]:
    return read_graph(searoute_marnet_path().read_bytes(), rules)


def reference(adj: list[dict[int, tuple[float, int]]], a: int, b: int, closed: int) -> float:
    dist = {a: 0.0}
    heap = [(0.0, a)]
    while heap:
        d, u = heapq.heappop(heap)
        if u == b:
            return d
        if d > dist[u]:
            continue
        for v, (nm, mask) in adj[u].items():
            if not mask & closed and d + nm < dist.get(v, inf):
                dist[v] = d + nm
                heapq.heappush(heap, (d + nm, v))
    return inf


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, len(PORTS) - 1),
    st.integers(0, len(PORTS) - 1),
    st.sets(st.integers(0, 8), max_size=3),
)
def test_a_star_on_the_core_equals_dijkstra_on_the_full_graph(
    seaway: Seaway,
    full: tuple[list[float], list[float], list[dict[int, tuple[float, int]]]],
    i: int,
    j: int,
    shut: set[int],
) -> None:
    lon, lat, adj = full
    net = seaway.net
    closed = sum(1 << k for k in shut)
    a = attach(net, PORTS[i].lon, PORTS[i].lat)
    b = attach(net, PORTS[j].lon, PORTS[j].lat)
    # the full graph numbers nodes the same way: both read the file in the same order
    assert (lon[a.node], lat[a.node]) == (net.lon[a.node], net.lat[a.node])
    expected = reference(adj, a.node, b.node, closed)
    found = shortest_path(net, a, b, closed)
    many = distances_from(net, a, [b], closed)[0]
    if expected == inf:
        assert found is None and many == inf
        return
    total = expected + a.approach_nm + b.approach_nm
    assert found is not None
    assert found.distance_nm == pytest.approx(total, rel=1e-9, abs=1e-6)
    assert many == pytest.approx(total, rel=1e-9, abs=1e-6)
    # the path is real: consecutive nodes are edges of the full graph, none of them shut
    for (u, v), mask in zip(
        zip(found.nodes, found.nodes[1:], strict=False), found.masks, strict=True
    ):
        assert v in adj[u] and not adj[u][v][1] & closed and adj[u][v][1] == mask
    length = sum(
        haversine_nm(lon[u], lat[u], lon[v], lat[v])
        for u, v in zip(found.nodes, found.nodes[1:], strict=False)
    )
    assert length == pytest.approx(expected, rel=1e-9, abs=1e-6)


def test_the_matrix_equals_the_pure_python_search(seaway: Seaway) -> None:
    """Trees in scgraph (with approach legs and same-link shortcuts) against relos's own A*."""
    from datetime import UTC, datetime

    from relos.planning.legs import SeaRows
    from relos.planning.seaway import Conditions

    ports = PORTS[:: len(PORTS) // 12][:12]
    january = datetime(2026, 1, 15, tzinfo=UTC)
    mask = seaway.closed_mask(Conditions(january), january)
    table = SeaRows(seaway, ports).matrix(mask)
    here = [seaway.attach(p) for p in ports]
    for i, a in enumerate(here):
        for j, b in enumerate(here):
            if i == j:
                assert table[i][j] == 0.0
                continue
            pure = shortest_path_pure(seaway.net, a, b, mask)
            expected = inf if pure is None else pure.distance_nm
            assert table[i][j] == pytest.approx(expected, rel=1e-9, abs=1e-6)


@pytest.mark.slow  # contracts the core once (seconds of CPU)
def test_the_contraction_hierarchy_answers_as_dijkstra(
    seaway: Seaway, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from relos.planning.engine import Engine, engine

    net = seaway.net
    run = engine(net, 0)
    plain = Engine(0, run.graph, run.links, run.base_links)
    plain.hierarchy = run.graph.create_contraction_hierarchy()
    for i in range(0, len(PORTS), max(1, len(PORTS) // 40)):
        a = attach(net, PORTS[i].lon, PORTS[i].lat)
        b = attach(net, PORTS[-1 - i].lon, PORTS[-1 - i].lat)
        starts = dict(anchors_from(net, a, 0))
        ends = dict(anchors_from(net, b, 0))
        if not starts or not ends:
            continue
        assert plain.path(starts, ends)[0] == pytest.approx(run.path(starts, ends)[0])
