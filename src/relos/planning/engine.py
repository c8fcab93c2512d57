"""Shortest-path work on the core network, carried by scgraph's compiled (C++) graph.

relos keeps its own network (searoute's data, folded at the antimeridian, contracted, tagged
with passages) and its own rules; scgraph only answers shortest-path questions on the core
graph with the closed passages' links left out:

- one-to-all distances (a sea row, a matrix row): a Dijkstra tree from several start nodes
  with their offsets (`Graph.get_shortest_path_tree`);
- point to point: a bidirectional Dijkstra, then, once a mask has answered enough queries to
  pay for loading it, a query on the contraction hierarchy built for that closure mask at
  set-up (`relos plan warm`, `CHGraph.search`).

Two core nodes may be joined by several links (a strait and the way round an island): the
graph keeps the shortest open one, and `links` says which link that is, for the geometry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scgraph import CHGraph, Graph

from relos.planning.network import SeaNetwork

# Loading a hierarchy from disk costs about as much as 300 bidirectional Dijkstra queries:
# an engine switches to it once it has answered this many, so one plan never waits for it.
HIERARCHY_AFTER = 200


@dataclass
class Engine:
    closed: int
    graph: Graph
    links: dict[tuple[int, int], int]  # (u, v) -> the shortest open tagged link, where one is
    base_links: dict[tuple[int, int], int]  # the same for untagged links (shared by masks)
    hierarchy_file: Path | None = None
    hierarchy: CHGraph | None = None
    queries: int = 0  # point-to-point queries answered so far

    def tree(self, starts: dict[int, float]) -> list[float]:
        """Distance from the nearest start (plus its offset) to every core node."""
        found: list[float] = self.graph.get_shortest_path_tree(starts)["distance_matrix"]
        return found

    def link(self, u: int, v: int) -> int:
        found = self.links.get((u, v))
        return self.base_links[(u, v)] if found is None else found

    def path(
        self, starts: dict[int, float], ends: dict[int, float], length_only: bool = False
    ) -> tuple[float, list[int]]:
        """Shortest distance from any start to any end (offsets included) and its core nodes
        (none with `length_only`); (inf, []) when no open path joins them."""
        self.queries += 1
        if self.queries > HIERARCHY_AFTER:
            self._load_hierarchy()
        try:
            if self.hierarchy is not None:
                found = self.hierarchy.search(starts, ends, length_only)
            else:
                found = self.graph.bidirectional_dijkstra(starts, ends)
        except Exception:  # scgraph raises when the ends are not connected
            return float("inf"), []
        return float(found["length"]), [] if length_only else list(found["path"])

    def _load_hierarchy(self) -> None:
        """Load the hierarchy built at set-up on the first point-to-point query (once)."""
        if self.hierarchy is None and self.hierarchy_file is not None:
            path, self.hierarchy_file = self.hierarchy_file, None
            if path.exists():
                try:
                    self.hierarchy = CHGraph.load_from_chjson(str(path))
                except Exception:  # a damaged cache: the next warm-up rebuilds it
                    self.hierarchy = None


@dataclass
class _Base:
    """The core graph's untagged edges (open under every mask) and the tagged ones."""

    rows: list[dict[int, float]]
    links: dict[tuple[int, int], int]
    tagged: list[tuple[int, int, float, int, int]]  # (u, v, nm, mask, link)


def engine(net: SeaNetwork, closed: int) -> Engine:
    """The engine for a closure mask (memoised on the network; hierarchy from disk if built)."""
    found = net.engines.get(closed)
    if isinstance(found, Engine):
        return found
    base = _base(net)
    rows = [dict(r) for r in base.rows]
    links: dict[tuple[int, int], int] = {}
    for u, v, nm, mask, link in base.tagged:
        if not mask & closed and (v not in rows[u] or nm < rows[u][v]):
            rows[u][v] = nm
            links[(u, v)] = link
    made = Engine(closed, Graph(rows), links, base.links, hierarchy_path(net, closed))
    net.engines[closed] = made
    return made


def _base(net: SeaNetwork) -> _Base:
    found = net.engines.get(-1)
    if isinstance(found, _Base):
        return found
    rows: list[dict[int, float]] = [{} for _ in net.core_nodes]
    links: dict[tuple[int, int], int] = {}
    tagged = []
    for u, edges in enumerate(net.core_adj):
        for v, nm, mask, link in edges:
            if v == u:
                continue
            if mask:
                tagged.append((u, v, nm, mask, link))
            elif v not in rows[u] or nm < rows[u][v]:
                rows[u][v] = nm
                links[(u, v)] = link
    made = _Base(rows, links, tagged)
    net.engines[-1] = made  # -1 is no closure mask
    return made


def build_hierarchy(net: SeaNetwork, closed: int) -> Path | None:
    """Contract the core for this mask and save it beside the network cache (set-up time)."""
    made = engine(net, closed)
    made._load_hierarchy()
    if made.hierarchy is None:
        made.hierarchy = made.graph.create_contraction_hierarchy()
    path = hierarchy_path(net, closed)
    if path is not None and not path.exists():
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.chjson")
        made.hierarchy.save_as_chjson(str(tmp))
        tmp.replace(path)
    return path


def hierarchy_path(net: SeaNetwork, closed: int) -> Path | None:
    if net.cache_path is None:
        return None
    return net.cache_path.with_name(f"{net.cache_path.stem}-sc-{closed}.chjson")
