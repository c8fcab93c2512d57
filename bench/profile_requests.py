"""CPU cost of the hot API routes, in process, with an optional profile of each.

    python bench/profile_requests.py [--backend postgres|sqlite] [--n 200] [--profile OP]

A fresh database is migrated and given the load bench's users, tokens and price list; the
app is driven in process through httpx's ASGI transport (no sockets, no uvicorn), with
FastAPI's thread pool replaced by a direct call so that every line of a request runs on
this thread (cProfile sees it all, and `time.process_time` is that request's CPU). Printed
per operation: CPU ms per request (median of the batch's mean over a few rounds). With
--profile OP the top functions of that operation by cumulative and by own time.
CPU time, not wall time: the machine is shared and its load varies.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import load_bench

OPS = ("health", "list", "headroom", "validate", "file", "order", "deliver")


def inline_threadpool() -> None:
    """Run sync routes and dependencies on the event loop's thread (profiling only)."""
    import fastapi.concurrency
    import fastapi.dependencies.utils
    import fastapi.routing

    async def direct(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    for module in (fastapi.routing, fastapi.dependencies.utils, fastapi.concurrency):
        module.run_in_threadpool = direct  # type: ignore[attr-defined]

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def contextmanager_in_threadpool(cm: Any) -> Any:
        with cm as value:
            yield value

    fastapi.dependencies.utils.contextmanager_in_threadpool = contextmanager_in_threadpool  # type: ignore[attr-defined]


class Driver:
    def __init__(self, http: httpx.AsyncClient, tokens: dict[str, str]) -> None:
        self.http = http
        self.rng = random.Random(7)
        self.planner = {"Authorization": f"Bearer {tokens['IN-planner']}"}
        self.logistics = {"Authorization": f"Bearer {tokens['IN-log']}"}
        self.supplier = {"Authorization": f"Bearer {tokens['RU-log']}"}
        self.orders: list[str] = []

    async def expect(self, response: Awaitable[httpx.Response], *codes: int) -> httpx.Response:
        answer = await response
        if answer.status_code not in codes:
            raise SystemExit(f"{answer.request.url}: {answer.status_code} {answer.text[:300]}")
        return answer

    async def agreed_order(self) -> str:
        """An order both parties signed, ready for deliveries."""
        made = await self.expect(
            self.http.post(
                "/api/v1/support-orders", json=load_bench.order("IN"), headers=self.logistics
            ),
            201,
        )
        order_id: str = made.json()["id"]
        for headers in (self.logistics, self.supplier):
            await self.expect(
                self.http.post(f"/api/v1/support-orders/{order_id}/sign", headers=headers), 200
            )
        return order_id

    async def one(self, op: str) -> None:
        http, rng = self.http, self.rng
        if op == "health":
            await self.expect(http.get("/api/v1/health"), 200)
        elif op == "list":
            params = {"agreement": "in-ru-relos", "limit": "20"}
            await self.expect(
                http.get("/api/v1/deployments", params=params, headers=self.planner), 200
            )
        elif op == "headroom":
            start = load_bench.FIRST + load_bench.timedelta(days=rng.randrange(load_bench.DAYS))
            params = {
                "party": "IN",
                "start": load_bench.iso(start),
                "end": load_bench.iso(start + load_bench.timedelta(days=30)),
            }
            url = "/api/v1/agreements/in-ru-relos/headroom"
            await self.expect(http.get(url, params=params, headers=self.planner), 200)
        elif op == "validate":
            body = load_bench.filing(rng, "IN")
            await self.expect(
                http.post("/api/v1/deployments/validate", json=body, headers=self.planner), 200
            )
        elif op == "file":
            body = load_bench.filing(rng, "IN")
            await self.expect(
                http.post("/api/v1/deployments", json=body, headers=self.planner), 201, 422
            )
        elif op == "order":
            await self.expect(
                http.post(
                    "/api/v1/support-orders", json=load_bench.order("IN"), headers=self.logistics
                ),
                201,
            )
        elif op == "deliver":
            order_id = self.orders.pop()
            body = {
                "lines": [{"line": 0, "quantity": "1"}],
                "delivered_at": "2027-07-03T08:00:00Z",
                "received_by": "Lt Cdr R. Menon",
            }
            url = f"/api/v1/support-orders/{order_id}/deliveries"
            await self.expect(http.post(url, json=body, headers=self.supplier), 201)
        else:
            raise ValueError(op)


async def measure(
    app: Any,
    tokens: dict[str, str],
    ops: list[str],
    n: int,
    rounds: int,
    profile: str | None,
    sql: str | None = None,
) -> dict[str, float]:
    transport = httpx.ASGITransport(app=app)
    results: dict[str, float] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        driver = Driver(http, tokens)
        for op in ops:
            for _ in range(10):  # warm the caches and the pool
                if op == "deliver":
                    driver.orders.append(await driver.agreed_order())
                await driver.one(op)
            means = []
            for _ in range(rounds):
                if op == "deliver":
                    for _ in range(n):
                        driver.orders.append(await driver.agreed_order())
                began = time.process_time()
                for _ in range(n):
                    await driver.one(op)
                means.append((time.process_time() - began) * 1000 / n)
            results[op] = statistics.median(means)
            print(f"{op:>9}: {results[op]:6.2f} ms CPU/request", flush=True)
        if sql:
            if sql == "deliver":
                driver.orders.append(await driver.agreed_order())
            statements: list[str] = []

            def note(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
                statements.append(" ".join(statement.split())[:160])

            event.listen(app.state.db.engine, "before_cursor_execute", note)
            await driver.one(sql)
            event.remove(app.state.db.engine, "before_cursor_execute", note)
            print(f"{len(statements)} statements for one {sql}:")
            print("\n".join(statements))
        if profile:
            if profile == "deliver":
                for _ in range(n):
                    driver.orders.append(await driver.agreed_order())
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(n):
                await driver.one(profile)
            profiler.disable()
            profiler.dump_stats(os.environ.get("PROFILE_OUT", "/tmp/relos-profile.pstats"))
            for key in ("cumulative", "tottime"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(45)
                print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats("relos/", 60)
            print(out.getvalue())
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ops", nargs="+", default=list(OPS))
    parser.add_argument("--profile", default=None)
    parser.add_argument("--sql", default=None, help="print the SQL statements of one OP")
    args = parser.parse_args()
    inline_threadpool()
    import logging

    from relos.app import create_app
    from relos.kit.db import Database
    from relos.kit.settings import Settings
    from relos.ops.logs import configure

    with tempfile.TemporaryDirectory(prefix="relos-prof-") as tmp:
        folder = Path(tmp)
        os.environ["RELOS_DATA_DIR"] = str(folder)
        url, pg_name = load_bench.database_url(args.backend, folder)
        try:
            tokens = load_bench.prepare(url)
            os.environ["RELOS_DATABASE_URL"] = url
            # The served app's logging, written where nobody reads it (its cost counts).
            configure("json")
            sink = (folder / "server.log").open("w")
            for name in ("relos", "uvicorn", "uvicorn.error"):
                for handler in logging.getLogger(name).handlers:
                    handler.setStream(sink)  # type: ignore[attr-defined]
            settings = Settings.from_env()
            db = Database(url, folder)
            app = create_app(settings, db)

            async def run() -> None:
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://b") as http:
                    for party in ("IN", "RU"):
                        lines = [load_bench.PRICES.splitlines()[0]] + [
                            line
                            for line in load_bench.PRICES.splitlines()[1:]
                            if line.startswith(party)
                        ]
                        answer = await http.post(
                            "/api/v1/price-lists",
                            content="\n".join(lines) + "\n",
                            headers={
                                "Authorization": f"Bearer {tokens[party + '-log']}",
                                "Content-Type": "text/csv",
                            },
                        )
                        answer.raise_for_status()
                await measure(app, tokens, args.ops, args.n, args.rounds, args.profile, args.sql)

            asyncio.run(run())
            db.dispose()
        finally:
            load_bench.drop_pg(pg_name)
    one, five, fifteen = os.getloadavg()
    print(f"load average {one:.2f} {five:.2f} {fifteen:.2f}")


if __name__ == "__main__":
    main()
