"""Planner benchmark: relos against searoute (and scgraph, offline) on the same 30 port pairs.

    /work/venv/bin/python bench/planner_bench.py

All three run on searoute's own marine network, with the same passages shut: searoute's
default restriction (its `northwest` edges, which also cut the Northern Sea Route's Chukchi
end) against relos in January (Northern Sea Route out of season, Northwest Passage closed),
for a merchant ship so that the Turkish Straits stay open as in searoute. scgraph loads the
same GeoJSON without the `northwest` features into its C++ graph (no download).

relos's distance includes the approach legs from each port to the network; searoute's and
scgraph's do not, so the side-by-side column `relos net` is relos without its approach legs.
Targets: net distance within 1% of searoute where both sail the same passages; point-to-point
median at least 10x faster than searoute; a 200 x 200 facility matrix under 0.5 s; a refuel
route plan under 10 ms and a reach under 50 ms after warm-up.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from relos.planning import hierarchy
from relos.planning.endpoints import Endpoint, resolve, searoute_ports
from relos.planning.legs import SeaRows
from relos.planning.network import searoute_marnet_path
from relos.planning.planner import Mission
from relos.planning.reach import reach
from relos.planning.seaway import Conditions

JANUARY = datetime(2026, 1, 15, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, tzinfo=UTC)
PAIRS = [
    ("RUMMK", "JPYOK"),
    ("INBOM", "RUVVO"),
    ("INBOM", "NLRTM"),
    ("SGSIN", "NLRTM"),
    ("CNSHA", "USLAX"),
    ("USNYC", "GBFXT"),
    ("AUSYD", "JPYOK"),
    ("INMAA", "SGSIN"),
    ("AEJEA", "INBOM"),
    ("RULED", "RUMMK"),
    ("BRSSZ", "ZADUR"),
    ("USHOU", "PAMIT"),
    ("CNSHA", "DEHAM"),
    ("KRPUS", "USSEA"),
    ("EGPSD", "GRPIR"),
    ("ESALG", "ITGOA"),
    ("INCOK", "LKCMB"),
    ("RUNVS", "TRIST"),
    ("JPYOK", "AUMEL"),
    ("USLAX", "CLVAP"),
    ("NLRTM", "USNYC"),
    ("INVTZ", "RUPKC"),
    ("FRMRS", "EGALY"),
    ("CAVAN", "JPTYO"),
    ("ZACPT", "SGSIN"),
    ("MYPKG", "AEJEA"),
    ("NOOSL", "RUKGD"),
    ("GRPIR", "SGSIN"),
    ("PECLL", "USNYC"),
    ("INIXZ", "AUDRW"),
]


def timed(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    """Median wall time in ms over `runs`, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def cpu_timed(fn: Callable[[], object], runs: int) -> float:
    """Median CPU time of this process in ms: what the work costs when others share the box."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    from relos.planning import service

    planner = service.planner()
    seaway = planner.seaway
    when = Conditions(JANUARY, kind="merchant")
    searoute = _searoute()
    scgraph = _scgraph()
    rows = []
    for a, b in PAIRS:
        pa, pb = resolve(a), resolve(b)
        seaway.route(pa, pb, when)  # warm-up

        def ours(pa: Endpoint = pa, pb: Endpoint = pb) -> object:
            seaway._attachments.clear()  # time the nearest-node search too, as searoute does
            return seaway.route(pa, pb, when)

        ms, found = timed(ours, 7)
        net = found.distance_nm - sum(found.approach_nm)  # type: ignore[attr-defined]
        via = set(found.via)  # type: ignore[attr-defined]
        sr_ms, sr_nm, sr_via = searoute(pa, pb)
        sc_ms, sc_nm = scgraph(pa, pb) if scgraph else (None, None)
        rows.append((a, b, found.distance_nm, net, sr_nm, via == sr_via, ms, sr_ms, sc_nm, sc_ms))  # type: ignore[attr-defined]
    _print_pairs(rows)
    _print_targets(planner, rows)


def _searoute() -> Callable[[Endpoint, Endpoint], tuple[float, float, set[str]]]:
    import searoute as sr

    names = {
        "suez": "Suez",
        "babalmandab": "Bab-el-Mandeb",
        "ormuz": "Hormuz",
        "malacca": "Malacca",
        "gibraltar": "Gibraltar",
        "panama": "Panama",
        "bosporus": "Turkish Straits",
        "dardanelles": "Turkish Straits",
    }

    def run(a: Endpoint, b: Endpoint) -> tuple[float, float, set[str]]:
        def call() -> object:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return sr.searoute(
                    [a.lon, a.lat], [b.lon, b.lat], units="naut", return_passages=True
                )

        call()  # warm-up (builds its graphs once)
        ms, feature = timed(call, 3)
        props = feature["properties"]  # type: ignore[index]
        via = {names[p] for p in props.get("traversed_passages", []) if p in names}
        return ms, float(props["length"]), via

    return run


def _scgraph() -> Callable[[Endpoint, Endpoint], tuple[float, float | None]] | None:
    try:
        from scgraph import GeoGraph
    except ImportError:
        return None
    data = json.loads(searoute_marnet_path().read_text())
    data["features"] = [
        f for f in data["features"] if f["properties"].get("passage") != "northwest"
    ]
    for feature in data["features"]:  # join the antimeridian copies, as relos does
        geometry = feature["geometry"]
        lines = (
            [geometry["coordinates"]]
            if geometry["type"] == "LineString"
            else geometry["coordinates"]
        )
        for line in lines:
            for point in line:
                point[0] = ((point[0] + 180) % 360) - 180
    path = Path(tempfile.mkdtemp()) / "marnet-no-northwest.geojson"
    path.write_text(json.dumps(data))
    with contextlib.redirect_stdout(io.StringIO()):
        graph = GeoGraph.load_from_geojson(str(path))

    def run(a: Endpoint, b: Endpoint) -> tuple[float, float | None]:
        def call() -> object:
            with contextlib.redirect_stdout(io.StringIO()):
                return graph.get_shortest_path(
                    origin_node={"latitude": a.lat, "longitude": a.lon},
                    destination_node={"latitude": b.lat, "longitude": b.lon},
                    output_units="km",
                )

        try:
            call()
            ms, result = timed(call, 3)
        except Exception:
            return float("nan"), None
        return ms, float(result["length"]) / 1.852  # type: ignore[index]

    return run


def _print_pairs(rows: list[tuple]) -> None:  # type: ignore[type-arg]
    head = (
        f"{'pair':<14}{'relos nm':>10}{'relos net':>10}{'searoute':>10}{'Δ%':>7}{'same':>6}"
        f"{'relos ms':>10}{'sr ms':>9}{'x':>7}{'scgraph':>10}{'sc ms':>8}"
    )
    print(head)
    print("-" * len(head))
    for a, b, nm, net, sr_nm, same, ms, sr_ms, sc_nm, sc_ms in rows:
        delta = (net - sr_nm) / sr_nm * 100 if sr_nm else float("nan")
        sc = f"{sc_nm:>10,.0f}{sc_ms:>8.2f}" if sc_nm else f"{'n/a':>10}{'':>8}"
        print(
            f"{a + '-' + b:<14}{nm:>10,.0f}{net:>10,.0f}{sr_nm:>10,.0f}{delta:>7.2f}"
            f"{'yes' if same else 'no':>6}{ms:>10.2f}{sr_ms:>9.2f}{sr_ms / ms:>7.1f}{sc}"
        )


def _print_targets(planner: object, rows: list[tuple]) -> None:  # type: ignore[type-arg]
    from relos.planning import service
    from relos.planning.craft import ship

    p = service.planner()
    same = [abs(r[3] - r[4]) / r[4] * 100 for r in rows if r[5] and r[4]]
    ratios = [r[7] / r[6] for r in rows]
    ours = [r[6] for r in rows]
    theirs = [r[7] for r in rows]
    sc = [r[9] for r in rows if r[8]]
    print()
    load = os.getloadavg()[0]
    print(
        f"load average {load:.1f} on {os.cpu_count()} CPUs "
        "(other work on the box slows every column)"
    )
    print(f"{'measure':<52}{'value':>14}{'target':>12}")
    print("-" * 78)
    print(f"{'pairs on the same passages':<52}{len(same):>14}{'':>12}")
    print(f"{'max |Δ| vs searoute on the same passages, %':<52}{max(same):>14.3f}{'< 1':>12}")
    print(f"{'median point-to-point, relos ms':<52}{statistics.median(ours):>14.2f}")
    print(f"{'median point-to-point, searoute ms':<52}{statistics.median(theirs):>14.2f}")
    if sc:
        print(f"{'median point-to-point, scgraph ms':<52}{statistics.median(sc):>14.2f}")
    print(
        f"{'median speed-up over searoute, x':<52}{statistics.median(ratios):>14.1f}{'>= 10':>12}"
    )
    over = statistics.median(theirs) / statistics.median(ours)
    print(f"{'median searoute ms / median relos ms':<52}{over:>14.1f}{'>= 10':>12}")

    ports = _two_hundred(p)
    mask = p.seaway.closed_mask(Conditions(JANUARY), JANUARY)
    start = time.perf_counter()
    hierarchy.for_mask(p.seaway.net, mask)  # preprocessing, once per mask, cached on disk
    built = time.perf_counter() - start
    print(f"{'contraction hierarchy for the mask (once, cached), s':<52}{built:>14.3f}")
    start, cpu = time.perf_counter(), time.process_time()
    matrix = SeaRows(p.seaway, ports).matrix(mask)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert len(matrix) == 200 and all(len(r) == 200 for r in matrix)
    print(f"{'200 x 200 facility distance matrix, s':<52}{wall:>14.3f}{'< 0.5':>12}")
    print(f"{'  the same, CPU seconds of this process':<52}{cpu:>14.3f}")
    start = time.process_time()
    rows = SeaRows(p.seaway, ports)
    plain = [rows.row(port, mask) for port in ports]
    print(f"{'  the same by 200 Dijkstra rows, CPU s':<52}{time.process_time() - start:>14.3f}")
    worst = max(abs(matrix[i][j] - plain[i][j]) for i in range(200) for j in range(200) if i != j)
    print(f"{'  largest difference between the two, nm':<52}{worst:>14.6f}")

    sites = {s: site.endpoint for s, site in p.sites.items()}
    talwar = ship("talwar", "IN", [(4850, 14), (1600, 30)], 500, 14)
    relos_pact = _relos_pact()
    mission = Mission(talwar, resolve("INBOM", sites), resolve("RUMMK", sites), SUMMER, relos_pact)
    p.route(mission)
    ms, plan = timed(lambda: p.route(mission), 20)
    assert plan.feasible  # type: ignore[attr-defined]
    print(f"{'refuel route plan Talwar INBOM-RUMMK (RELOS), ms':<52}{ms:>14.2f}{'< 10':>12}")
    cpu_ms = cpu_timed(lambda: p.route(mission), 20)
    print(f"{'  the same, CPU ms':<52}{cpu_ms:>14.2f}")
    from dataclasses import replace

    around = replace(mission, destination=None)
    reach(p, around)
    ms, found = timed(lambda: reach(p, around), 10)
    print(f"{'reach Talwar from INBOM (RELOS), ms':<52}{ms:>14.2f}{'< 50':>12}")
    print(f"{'  the same, CPU ms':<52}{cpu_timed(lambda: reach(p, around), 10):>14.2f}")
    print(f"{'  facilities reached':<52}{len(found):>14}")  # type: ignore[arg-type]


def _two_hundred(p: object) -> list[Endpoint]:
    """The port facilities, then searoute's terminal ports spread by code, to 200 in all."""
    from relos.planning import service

    facilities = [s.endpoint for s in service.planner().ports]
    ports = sorted(searoute_ports().values(), key=lambda e: e.id)
    step = max(1, len(ports) // (200 - len(facilities)))
    extra = [e for e in ports[::step] if e.id not in {f.id for f in facilities}]
    return (facilities + extra)[:200]


def _relos_pact() -> tuple:  # type: ignore[type-arg]
    from relos.agreements.loader import load_agreement_files, shipped_agreements_dir
    from relos.planning import adapters

    files = load_agreement_files(shipped_agreements_dir())
    return tuple(adapters.pact(f.to_domain()) for f in files if f.id == "in-ru-relos")


if __name__ == "__main__":
    main()
