"""The maritime network, built once from the graph data the `searoute` package ships.

searoute is used for its data only (marnet_searoute.geojson). relos normalises longitudes
to [-180, 180) so the antimeridian copies of a node become one node, tags each edge with
the passages whose boxes it touches, and contracts the graph for search:

- dead-end trees of untagged edges are pruned from the core; each pruned node keeps its
  parent, so it still reaches the core through the tree;
- chains of degree-2 nodes with one passage tag become one core link, whose full node
  sequence is kept for geometry and for endpoints that join the network mid-chain.

The result is plain lists, pickled in a cache directory (never in the repository) and
rebuilt whenever the source data or the passage boxes change.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from dataclasses import dataclass, field
from importlib import resources
from itertools import pairwise
from pathlib import Path

from relos.planning.geo import haversine_nm, in_box, normalize_lon
from relos.planning.passages import PassageRules

FORMAT = 12  # bump when the pickled layout changes

Edge = tuple[int, float, int, int]  # (to core node, nm, passage mask, link id)


@dataclass
class SeaNetwork:
    """Compact contracted sea graph; core node i is full node core_nodes[i]."""

    lon: list[float]
    lat: list[float]
    core_of: list[int]  # full node -> core node, or -1
    core_nodes: list[int]
    core_adj: list[list[Edge]]
    links: list[list[int]]  # full node sequence of each link, core end to core end
    link_mask: list[int]
    link_len: list[float]
    link_of: list[int]  # full node inside a link -> link id, else -1
    link_pos: list[float]  # nm from the link's first node
    tree_parent: list[int]  # pruned node -> parent full node, else -1
    tree_up: list[float]  # nm to the parent
    tree_root: list[int]  # pruned node -> core node at the top of its tree
    tree_depth: list[float]  # nm to that core node
    grid: dict[tuple[int, int], list[int]]
    xyz: list[tuple[float, float, float]]  # unit vectors of core nodes, for the A* bound
    # ALT tables (landmark -> distance to each core node), each valid when its mask is shut
    landmark_sets: list[tuple[int, list[list[float]]]]
    # adjacency with a closure mask applied, (to, nm) only: built per mask on first use
    open_adj: dict[int, list[list[tuple[int, float]]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    components: dict[int, list[int]] = field(default_factory=dict, repr=False, compare=False)
    # scgraph engines per closure mask (engine.py), never pickled
    engines: dict[int, object] = field(default_factory=dict, repr=False, compare=False)
    # where the network was cached and under which digest: scgraph hierarchies lie beside it
    cache_path: Path | None = field(default=None, repr=False, compare=False)

    def component(self, closed: int) -> list[int]:
        """Connected-component label of each core node with these passages shut (memoised):
        a search need not wait for targets in another component."""
        if closed not in self.components:
            adj = self.adjacency(closed)
            label = [-1] * len(adj)
            for root in range(len(adj)):
                if label[root] >= 0:
                    continue
                label[root] = root
                stack = [root]
                while stack:
                    for v, _ in adj[stack.pop()]:
                        if label[v] < 0:
                            label[v] = root
                            stack.append(v)
            self.components[closed] = label
        return self.components[closed]

    def adjacency(self, closed: int) -> list[list[tuple[int, float]]]:
        """Core adjacency without the edges of closed passages (memoised per mask)."""
        if closed not in self.open_adj:
            self.open_adj[closed] = [
                [(v, nm) for v, nm, mask, _ in edges if not mask & closed]
                for edges in self.core_adj
            ]
        return self.open_adj[closed]

    @property
    def node_count(self) -> int:
        return len(self.lon)


def searoute_marnet_path() -> Path:
    """The marine network GeoJSON inside the installed searoute package."""
    return Path(str(resources.files("searoute").joinpath("data/marnet_searoute.geojson")))


def cache_dir() -> Path:
    """RELOS_CACHE_DIR, else the user's cache directory."""
    explicit = os.environ.get("RELOS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "relos"


def load_network(rules: PassageRules, cache: Path | None = None) -> SeaNetwork:
    """The network for these passage boxes: from the cache when fresh, else built and cached."""
    source = searoute_marnet_path().read_bytes()
    boxes = json.dumps([[p.id, p.bit, p.boxes] for p in rules.passages]).encode()
    digest = hashlib.sha256(source + boxes + str(FORMAT).encode()).hexdigest()[:16]
    path = (cache or cache_dir()) / f"sea-network-{digest}.pickle"
    if path.exists():
        with path.open("rb") as fh:
            # The file is our own derived cache, named by the hash of its inputs.
            loaded = pickle.load(fh)  # noqa: S301
        if isinstance(loaded, SeaNetwork):
            loaded.cache_path = path
            return loaded
    from relos.planning.contract import contract  # only needed on a cold cache

    seasonal = mask_of_seasonal(rules)
    network = contract(*read_graph(source, rules), seasonal)
    network.open_adj.clear()
    network.components.clear()
    network.engines.clear()
    _write_atomically(path, pickle.dumps(network, protocol=pickle.HIGHEST_PROTOCOL))
    _forget_stale(path)
    network.cache_path = path
    return network


def read_graph(
    source: bytes, rules: PassageRules
) -> tuple[list[float], list[float], list[dict[int, tuple[float, int]]]]:
    """Full graph: coordinates and adjacency {neighbour: (nm, passage mask)}."""
    index: dict[tuple[float, float], int] = {}
    lon: list[float] = []
    lat: list[float] = []
    adj: list[dict[int, tuple[float, int]]] = []

    def node(coord: list[float]) -> int:
        key = (round(normalize_lon(coord[0]), 6), round(coord[1], 6))
        if key not in index:
            index[key] = len(lon)
            lon.append(key[0])
            lat.append(key[1])
            adj.append({})
        return index[key]

    for feature in json.loads(source)["features"]:
        geometry = feature["geometry"]
        lines = [geometry["coordinates"]] if geometry["type"] == "LineString" else []
        if geometry["type"] == "MultiLineString":
            lines = geometry["coordinates"]
        for line in lines:
            for a, b in pairwise(line):
                u, v = node(a), node(b)
                if u != v:
                    nm = haversine_nm(lon[u], lat[u], lon[v], lat[v])
                    mask = _mask(rules, lon[u], lat[u]) | _mask(rules, lon[v], lat[v])
                    adj[u][v] = adj[v][u] = (nm, mask)
    return lon, lat, adj


def mask_of_seasonal(rules: PassageRules) -> int:
    """Passages shut for part of every year or by default: the usual winter closure."""
    mask = 0
    for p in rules.passages:
        if p.season is not None or not p.open:
            mask |= p.bit
    return mask


def _mask(rules: PassageRules, lon: float, lat: float) -> int:
    mask = 0
    for passage in rules.passages:
        if any(in_box(lon, lat, box) for box in passage.boxes):
            mask |= passage.bit
    return mask


def _forget_stale(current: Path) -> None:
    """Remove networks (and their hierarchies) built from other inputs or formats."""
    for old in current.parent.glob("sea-network-*"):
        if not old.name.startswith(current.stem):
            with contextlib.suppress(OSError):
                old.unlink()


def write_cache(path: Path, value: object) -> None:
    """Pickle a derived structure into the cache (best effort)."""
    _write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def read_cache(path: Path) -> object | None:
    """A derived structure from the cache, or None."""
    if not path.exists():
        return None
    with path.open("rb") as fh:
        # Our own derived cache, named by the hash of its inputs (see load_network).
        loaded: object = pickle.load(fh)  # noqa: S301
    return loaded


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        pass  # a read-only home still plans, only without the warm start
