"""What one write costs, in figures that do not move with the machine's load.

    python bench/write_cost.py [--backend postgres|sqlite] [--n 60] [OP ...]

For each write (file, order, deliver by default), driven in process as in
bench/profile_requests.py (same database set-up, same app, no thread pool): CPU ms per
request (middle of three rounds), SQL statements per request, Python function calls per
request (cProfile's count: deterministic, a proxy for CPU that a busy shared box does not
disturb), and how long the write's serialising lock was held (wall time from the first
statement that takes one, an advisory lock, the reference counter's row or SQLite's
BEGIN IMMEDIATE, to the end of the commit; p50 and p90), and how long the event log's
lock was held (from the lock statement before the log's head read to the end of the
commit: for a delivery the order's lock comes first; on SQLite both are the database's
write lock). CPU and lock times grow with the load average, which is printed; the counts
do not.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import load_bench
import profile_requests

TAKES_LOCK = ("pg_advisory_xact_lock", "INSERT INTO reference_counters", "BEGIN IMMEDIATE")
LOCKS = ("pg_advisory_xact_lock", "BEGIN IMMEDIATE")
HEAD_READ = "events.log ="  # relos.events.store's head read (under the log's lock)


class Meter:
    """Counts statements and times the span from the first locking statement to commit."""

    def __init__(self) -> None:
        self.statements = 0
        self.since: float | None = None
        self.held: list[float] = []
        self.locked: float | None = None  # the latest lock statement
        self.log_since: float | None = None
        self.log_held: list[float] = []

    def statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.statements += 1
        now = time.perf_counter()
        if self.since is None and any(mark in statement for mark in TAKES_LOCK):
            self.since = now
        if any(mark in statement for mark in LOCKS):
            self.locked = now
        if self.log_since is None and HEAD_READ in statement:
            self.log_since = self.locked

    def committed(self, _session: Session) -> None:
        now = time.perf_counter()
        if self.since is not None:
            self.held.append(now - self.since)
            self.since = None
        if self.log_since is not None:
            self.log_held.append(now - self.log_since)
        self.locked = self.log_since = None


async def cost(driver: profile_requests.Driver, engine: Any, op: str, n: int) -> str:
    for _ in range(20):  # warm the caches and the pool
        if op == "deliver":
            driver.orders.append(await driver.agreed_order())
        await driver.one(op)
    calls_n = max(n // 3, 1)
    if op == "deliver":
        for _ in range(3 * n + calls_n):
            driver.orders.append(await driver.agreed_order())
    meter = Meter()
    event.listen(engine, "before_cursor_execute", meter.statement)
    event.listen(Session, "after_commit", meter.committed)
    cpu = []
    try:
        for _ in range(3):
            began = time.process_time()
            for _ in range(n):
                await driver.one(op)
            cpu.append((time.process_time() - began) * 1000 / n)
    finally:
        event.remove(engine, "before_cursor_execute", meter.statement)
        event.remove(Session, "after_commit", meter.committed)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls_n):
        await driver.one(op)
    profiler.disable()
    calls = pstats.Stats(profiler).total_calls / calls_n  # type: ignore[attr-defined]
    return (
        f"{op:>8}: {sorted(cpu)[1]:6.2f} ms CPU, {meter.statements / (3 * n):5.1f} statements, "
        f"{calls:7.0f} Python calls per request; lock held {spread(meter.held)}, "
        f"log lock {spread(meter.log_held)}"
    )


def spread(held: list[float]) -> str:
    if not held:
        return "none"
    ordered = sorted(held)
    p50, p90 = statistics.median(ordered), ordered[int(len(ordered) * 0.9)]
    return f"p50 {p50 * 1000:.2f} ms, p90 {p90 * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("ops", nargs="*", default=["file", "order", "deliver"])
    args = parser.parse_args()
    profile_requests.inline_threadpool()
    from relos.app import create_app
    from relos.kit.db import Database
    from relos.kit.settings import Settings
    from relos.ops.logs import configure

    with tempfile.TemporaryDirectory(prefix="relos-cost-") as tmp:
        folder = Path(tmp)
        os.environ["RELOS_DATA_DIR"] = str(folder)
        url, pg_name = load_bench.database_url(args.backend, folder)
        try:
            tokens = load_bench.prepare(url)
            os.environ["RELOS_DATABASE_URL"] = url
            configure("json")  # the served app's logging, written where nobody reads it
            sink = (folder / "server.log").open("w")
            for name in ("relos", "uvicorn", "uvicorn.error"):
                for handler in logging.getLogger(name).handlers:
                    handler.setStream(sink)  # type: ignore[attr-defined]
            db = Database(url, folder)
            app = create_app(Settings.from_env(), db)

            async def run() -> None:
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://b") as http:
                    for party in ("IN", "RU"):
                        head, *lines = load_bench.PRICES.splitlines()
                        own = [head, *(line for line in lines if line.startswith(party))]
                        answer = await http.post(
                            "/api/v1/price-lists",
                            content="\n".join(own) + "\n",
                            headers={
                                "Authorization": f"Bearer {tokens[party + '-log']}",
                                "Content-Type": "text/csv",
                            },
                        )
                        answer.raise_for_status()
                    driver = profile_requests.Driver(http, tokens)
                    for op in args.ops:
                        print(await cost(driver, db.engine, op, args.n), flush=True)

            asyncio.run(run())
            db.dispose()
        finally:
            load_bench.drop_pg(pg_name)
    one, five, fifteen = os.getloadavg()
    print(f"load average {one:.2f} {five:.2f} {fifteen:.2f}")


if __name__ == "__main__":
    main()
