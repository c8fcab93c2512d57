"""Two nodes: how fast a node verifies, judges and applies its partner's entries.

    python bench/sync_bench.py [--filings 300 | --entries 10000]

India's node files `--filings` deployments (each one signed fact plus the audit copy in
the agreement's log; `--entries N` files enough for N entries). Then two Russian nodes,
offline until now, catch up: one from a bundle (`relos bundle export/import`, timed as
verifying, then applying), one over HTTP (`relos sync`, the app in process, requests
signed as between real nodes). Every entry is signature-checked, the tree is
recomputed against the checkpoint, every fact is re-judged by the engine and applied in
its own transaction with a signed acknowledgement. The comparison is the two transports
in the same run; the peer for the judging cost is IN's own filing of the same deployments
(the originating node runs the same engine once per filing). All on SQLite files.
CPU time is this process's; wall time is elapsed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from relos.access.domain import Principal
from relos.app import create_app
from relos.deployments import service as deployments
from relos.deployments.schemas import FilingIn
from relos.federation import arrival, bundle, receive, sync, twonodes
from relos.kit.db import Database
from relos.kit.settings import Settings

console = Console(width=150)
PLANNER = Principal(1, "in-planner", "IN", frozenset({"planner"}))


def _filing(i: int) -> dict[str, Any]:
    # Four ships per six-hour window, two windows a day: never over the cap of five, and
    # 10,000 entries still end inside the agreement's term (in force until 2031).
    day = 2 + (i // 4) / 2
    return {
        "agreement": "in-ru-relos",
        "deploying_party": "IN",
        "purpose": "joint_exercise",
        "title": f"visit {i}",
        "commander": {"name": "A. Kumar", "rank": "Captain"},
        "request_exception": False,
        "justification": None,
        "elements": [
            {
                "kind": "warship",
                "name": f"INS B{i}",
                "hull": f"B{i}",
                "class": "talwar",
                "crew": 250,
                "displacement_t": 4035,
                "length_m": 124.8,
                "beam_m": 15.2,
                "draught_m": 4.5,
                "facility": "RUVVO",
                "start": "2027-01-01T00:00:00Z",
                "end": "2027-01-08T00:00:00Z",
            }
        ],
        "_day": day,
    }


def _body(i: int) -> FilingIn:
    from datetime import UTC, datetime, timedelta

    raw = _filing(i)
    start = datetime(2027, 1, 1, tzinfo=UTC) + timedelta(days=raw.pop("_day"))
    raw["elements"][0]["start"] = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    raw["elements"][0]["end"] = (start + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return FilingIn.model_validate(raw)


class Transport(httpx.BaseTransport):
    def __init__(self, node: twonodes.DemoNode) -> None:
        db = Database(node.database_url, node.folder)
        app = create_app(Settings(database_url=node.database_url, data_dir=node.folder), db)
        self.client = TestClient(app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.client.request(
            request.method, request.url.raw_path.decode(), headers=dict(request.headers)
        )
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    def close(self) -> None:
        """Kept open across syncs."""


def _timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:.0f}" if seconds > 0 else "-"


def _load() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--filings", type=int, default=300)
    size.add_argument("--entries", type=int, help="File enough for this many partner entries.")
    parser.add_argument("--http-only", action="store_true", help="Skip the bundle catch-up.")
    args = parser.parse_args()
    filings = args.filings if args.entries is None else max(1, args.entries // 2)
    load_before = _load()
    folder = Path(tempfile.mkdtemp(prefix="relos-sync-bench-"))
    india = twonodes.prepare("IN", 1, folder / "in", None)
    bundled = twonodes.prepare("RU", 2, folder / "ru-bundle", None)
    pulled = twonodes.prepare("RU", 3, folder / "ru-http", None)
    twonodes.pair(india, bundled)
    with Database(pulled.database_url, pulled.folder).transaction() as session:
        from relos.access.domain import SYSTEM
        from relos.federation.service import add_peer

        add_peer(session, SYSTEM, "IN", "http://in.bench", india.verifier_key)
    in_db = Database(india.database_url, india.folder)
    with Database(india.database_url, india.folder).transaction() as session:
        from relos.access.domain import SYSTEM
        from relos.federation.service import add_peer

        add_peer(session, SYSTEM, "RU", "http://ru.bench", pulled.verifier_key)

    def file_all() -> int:
        for i in range(filings):
            with in_db.transaction() as session:
                deployments.file(session, PLANNER, _body(i))
        return filings

    _, file_wall, file_cpu = _timed(file_all)
    console.print(f"filed {filings}: {file_wall:.2f} s wall, {file_cpu:.2f} s CPU, load {_load()}")
    bundle_db = Database(bundled.database_url, bundled.folder)
    batches: list[arrival.Batch] = []
    peer_of_bundle: list[Any] = []

    def verify_bundle() -> arrival.Outcome:
        with in_db.transaction() as session:
            data = bundle.export(session, "RU")
        with bundle_db.transaction(write=False) as session:
            peer, found = bundle.read(session, data)
        batches.extend(found)
        peer_of_bundle.append(peer)
        outcome = arrival.Outcome()
        for batch in found:
            outcome.add(receive.ingest(bundle_db, peer, batch))
        return outcome

    def apply_bundle() -> arrival.Outcome:
        outcome = arrival.Outcome()
        for batch in batches:
            outcome.add(receive.apply_pending(bundle_db, peer_of_bundle[0].party, batch.origin))
        return outcome

    def by_http() -> arrival.Outcome:
        results = sync.sync(Database(pulled.database_url, pulled.folder), "IN", Transport(india))
        outcome = results["IN"]
        assert isinstance(outcome, arrival.Outcome), outcome
        return outcome

    rows = [
        ("IN files (the originating node's own judging)", filings, filings, file_wall, file_cpu)
    ]
    received = 0
    phases = [
        ("RU verifies a bundle (signatures, digests, tree)", verify_bundle),
        ("RU judges and applies it (one transaction each)", apply_bundle),
        ("RU, offline until now, catches up by HTTP sync", by_http),
    ]
    for label, work in phases[2:] if args.http_only else phases:
        outcome, wall, cpu = _timed(work)
        assert not outcome.incidents and outcome.rejected == 0, outcome
        received = outcome.received or received
        rows.append((label, received, outcome.applied, wall, cpu))
        console.print(f"{label}: {received} entries, {wall:.2f} s wall, {cpu:.2f} s CPU")
    title = (
        f"Sync: {filings} filings, {received} partner entries "
        f"(load average 1/5/15 min: {load_before} before, {_load()} after)"
    )
    table = Table(title=title)
    columns = ("what", "entries", "facts applied", "wall s", "CPU s", "entries/s wall")
    for column in (*columns, "entries/s CPU", "facts/s CPU"):
        table.add_column(column, justify="right" if column != "what" else "left")
    for label, entries, facts, wall, cpu in rows:
        table.add_row(
            label,
            str(entries),
            str(facts),
            f"{wall:.2f}",
            f"{cpu:.2f}",
            _rate(entries, wall),
            _rate(entries, cpu),
            _rate(facts, cpu),
        )
    console.print(table)


if __name__ == "__main__":
    main()
