"""A real `relos serve` under a bounded mixed API load, on SQLite and PostgreSQL.

    python bench/load_bench.py [--seconds 10] [--clients 1 8 32] [--workers 1 2]
                               [--backends sqlite postgres] [--threads N ...]
                               [--loads mixed health list-only ...] [--server-checkout DIR]

For each database and worker count a fresh database is migrated, two logistics users and two
planners get tokens and a price list is loaded; then `relos serve` is started as an operator
starts it and N clients (one keep-alive connection each, on the lean client of
bench/lean_http.py, in one uvloop event loop) loop over a fixed mix of validate, file,
headroom, list and support orders for the given seconds. A trivial GET (/api/v1/health) on
the same server, at the same client count, is the framework's ceiling.

Printed per run: req/s, p50/p99 per operation, errors (any 5xx, transport error or unexpected
status) by operation and kind with a sample answer, the server's CPU seconds beside the wall
time, CPU ms per request of the server, of this client process and of PostgreSQL's processes
(all of them on the machine: run it on a quiet one), and the load average.
After each run the invariants are checked: every acknowledged filing and order is stored, the
personnel in force never exceeds the cap, and `relos audit verify` passes (the bench's users
are added with the server's data directory, so every event is signed by the node's key).
Needs PostgreSQL at RELOS_TEST_POSTGRES (default postgresql+psycopg://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httptools
import httpx
import uvloop
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lean_http import Client  # noqa: E402

PG_ADMIN = os.environ.get(
    "RELOS_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PRICES = (
    "supplying_party,facility,item,category,unit,unit_price,currency,valid_from,valid_to\n"
    "RU,RUVVO,F-76,fuel,t,70000.00,RUB,2026-01-01,2031-12-31\n"
    "IN,INVTZ,F-76,fuel,t,6500000.00,INR,2026-01-01,2031-12-31\n"
)
HOSTED = {"IN": ("RU", "RUVVO"), "RU": ("IN", "INVTZ")}
FIRST = datetime(2027, 1, 1, tzinfo=UTC)
DAYS = 4 * 365
MIX = ("validate", "file", "headroom", "list", "order", "validate", "file", "list")
# Besides the mix and the framework's ceiling, each operation of the mix alone: what one
# costs the server when served (its CPU ms per request), where the mix only gives the mean.
LOADS: dict[str, tuple[str, ...]] = {
    "mixed": MIX,
    "health": ("health",),
    **{f"{op}-only": (op,) for op in dict.fromkeys(MIX)},
}
WRITES = frozenset({"file", "order"})


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # op -> kind (a status code or an exception's name) -> count, and one sample answer each
    errors: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    samples: dict[tuple[str, str], str] = field(default_factory=dict)
    filed: list[tuple[str, str]] = field(default_factory=list)  # (party, id) acknowledged
    ordered: list[str] = field(default_factory=list)

    def error(self, op: str, kind: str, sample: str) -> None:
        self.errors[op][kind] += 1
        self.samples.setdefault((op, kind), sample[:300])

    def error_count(self) -> int:
        return sum(sum(kinds.values()) for kinds in self.errors.values())

    def error_kinds(self) -> str:
        """E.g. 'file 500×1, order ReadError×2' (empty when there was none)."""
        return ", ".join(
            f"{op} {kind}×{n}"
            for op, kinds in sorted(self.errors.items())
            for kind, n in sorted(kinds.items())
        )


def filing(rng: random.Random, party: str) -> dict[str, Any]:
    start = FIRST + timedelta(days=rng.randrange(DAYS), hours=rng.randrange(24))
    return {
        "agreement": "in-ru-relos",
        "deploying_party": party,
        "purpose": "training",
        "title": "load bench",
        "commander": {"name": "A. Kumar", "rank": "Captain"},
        "request_exception": False,
        "justification": None,
        "elements": [
            {
                "kind": "personnel",
                "count": rng.randrange(5, 40),
                "facility": HOSTED[party][1],
                "start": iso(start),
                "end": iso(start + timedelta(days=rng.randrange(1, 6))),
            }
        ],
    }


def order(party: str) -> dict[str, Any]:
    supplier, facility = HOSTED[party]
    return {
        "agreement": "in-ru-relos",
        "requesting_party": party,
        "supplying_party": supplier,
        "facility": facility,
        "settlement": "cash",
        "lines": [{"category": "fuel", "item": "F-76", "quantity": "12", "unit": "t"}],
    }


@dataclass(frozen=True)
class Heads:
    """One client's pre-encoded request heads (all but Content-Length and the body)."""

    health: bytes
    validate: bytes
    file: bytes
    headroom: bytes  # the request line is built per request (its query varies)
    listing: bytes
    order: bytes


def heads_for(http: Client, tokens: dict[str, str], party: str) -> Heads:
    planner = {"Authorization": f"Bearer {tokens[party + '-planner']}"}
    logistics = {"Authorization": f"Bearer {tokens[party + '-log']}"}
    json_planner = {**planner, "Content-Type": "application/json"}
    json_logistics = {**logistics, "Content-Type": "application/json"}
    listing = "/api/v1/deployments?" + urlencode({"agreement": "in-ru-relos", "limit": "20"})
    return Heads(
        health=http.head("GET", "/api/v1/health"),
        validate=http.head("POST", "/api/v1/deployments/validate", json_planner),
        file=http.head("POST", "/api/v1/deployments", json_planner),
        headroom=http.common + "".join(f"{k}: {v}\r\n" for k, v in planner.items()).encode(),
        listing=http.head("GET", listing, planner),
        order=http.head("POST", "/api/v1/support-orders", json_logistics),
    )


# op -> the statuses that are correct answers; a refusal (422 cap_exceeded) of a filing is
# a correct answer under load, not an error.
WANTED: dict[str, frozenset[int]] = {
    "health": frozenset({200}),
    "validate": frozenset({200}),
    "file": frozenset({201, 422}),
    "headroom": frozenset({200}),
    "list": frozenset({200}),
    "order": frozenset({201}),
}


def request_for(op: str, heads: Heads, rng: random.Random, party: str) -> tuple[bytes, bytes]:
    """The head and body of one request of the operation (bodies randomised per request)."""
    if op == "health":
        return heads.health, b""
    if op in ("validate", "file"):
        body = json.dumps(filing(rng, party)).encode()
        return (heads.validate if op == "validate" else heads.file), body
    if op == "headroom":
        start = FIRST + timedelta(days=rng.randrange(DAYS))
        query = urlencode(
            {"party": party, "start": iso(start), "end": iso(start + timedelta(days=30))}
        )
        line = f"GET /api/v1/agreements/in-ru-relos/headroom?{query} HTTP/1.1\r\n".encode()
        return line + heads.headroom, b""
    if op == "list":
        return heads.listing, b""
    if op == "order":
        return heads.order, json.dumps(order(party)).encode()
    raise ValueError(op)


async def client_loop(
    port: int, tokens: dict[str, str], seed: int, until: float, tally: Tally, mix: tuple[str, ...]
) -> None:
    rng = random.Random(seed)
    party = "IN" if seed % 2 == 0 else "RU"
    http = Client("127.0.0.1", port)
    heads = heads_for(http, tokens, party)
    i = seed
    try:
        while time.monotonic() < until:
            op = mix[i % len(mix)]
            i += 1
            head, body = request_for(op, heads, rng, party)
            began = time.perf_counter()
            try:
                answer = await http.send(head, body)
            except (OSError, httptools.HttpParserError) as exc:
                tally.error(op, type(exc).__name__, str(exc))
                http.close()  # the next request opens a fresh connection
                await asyncio.sleep(0.01)  # a server that refuses is not hammered in a spin
                continue
            tally.latencies[op].append((time.perf_counter() - began) * 1000)
            if answer.status not in WANTED[op]:
                tally.error(op, str(answer.status), answer.body.decode(errors="replace"))
            elif op == "file" and answer.status == 201:
                tally.filed.append((party, json.loads(answer.body)["id"]))
            elif op == "order":
                tally.ordered.append(json.loads(answer.body)["id"])
    finally:
        http.close()


def run_load(
    port: int, tokens: dict[str, str], clients: int, seconds: float, mix: tuple[str, ...]
) -> tuple[Tally, float, float]:
    """Run the clients; the tally, the wall seconds and this process's CPU seconds."""
    tally = Tally()

    async def main() -> None:
        until = time.monotonic() + seconds
        loops = (client_loop(port, tokens, seed, until, tally, mix) for seed in range(clients))
        # No per-request timeout (it would cost the client a timer each); a server that stops
        # answering fails the whole run instead.
        await asyncio.wait_for(asyncio.gather(*loops), seconds + 120)

    cpu0, began = time.process_time(), time.perf_counter()
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main())
    return tally, time.perf_counter() - began, time.process_time() - cpu0


def prepare(url: str, data_dir: Path | None = None) -> dict[str, str]:
    """Migrate, add the bench's users and tokens (in-process, as `relos users add` would).

    `data_dir` is the server's RELOS_DATA_DIR: the events written here are signed by the key
    kept there, the node's key, or `relos audit verify` would refuse them after the run.
    """
    from relos.access import service as access
    from relos.access.schemas import IssueToken, NewUser
    from relos.kit.db import Database
    from relos.lifecycle import upgrade_database

    db = Database(url, data_dir)
    upgrade_database(db)
    tokens: dict[str, str] = {}
    with db.transaction() as session:
        for party in ("IN", "RU"):
            for kind, role in (("planner", "planner"), ("log", "logistics")):
                name = f"{party.lower()}-{kind}"
                access.add_user(session, NewUser(name=name, party=party, roles=(role,)))
                tokens[f"{party}-{kind}"] = access.create_token(
                    session, IssueToken(name=name)
                ).token
    db.dispose()
    return tokens


def load_prices(base: str, tokens: dict[str, str]) -> None:
    for party in ("IN", "RU"):
        lines = [PRICES.splitlines()[0]] + [
            line for line in PRICES.splitlines()[1:] if line.startswith(party)
        ]
        response = httpx.post(
            f"{base}/api/v1/price-lists",
            content="\n".join(lines) + "\n",
            headers={
                "Authorization": f"Bearer {tokens[party + '-log']}",
                "Content-Type": "text/csv",
            },
            timeout=60,
        )
        response.raise_for_status()


@dataclass(frozen=True)
class Checkout:
    """The relos that serves: this one, or another working copy's (--server-checkout DIR),
    run by that copy's own interpreter and dependencies, to measure a before and an after
    with the same load generator."""

    python: str = sys.executable
    src: Path = SRC

    @classmethod
    def at(cls, folder: Path | None) -> Checkout:
        if folder is None:
            return cls()
        python = folder / ".venv" / "bin" / "python"
        if not python.exists():
            raise SystemExit(f"--server-checkout: no {python} (run scripts/setup there)")
        return cls(str(python), folder / "src")

    def env(self, url: str, folder: Path) -> dict[str, str]:
        env = {**os.environ, "RELOS_DATABASE_URL": url, "RELOS_DATA_DIR": str(folder)}
        env["PYTHONPATH"] = str(self.src) + os.pathsep + env.get("PYTHONPATH", "")
        return env


def start_server(
    url: str, workers: int, folder: Path, code: Checkout, threads: int | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = code.env(url, folder)
    command = [code.python, "-m", "relos", "serve", "--port", str(port)]
    if threads is not None:
        command += ["--threads", str(threads)]
    if workers > 1:
        command += ["--workers", str(workers)]
    log_path = folder / f"serve-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=10).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    stop_server(process)
    tail = log_path.read_text(errors="replace")[-2000:]
    raise SystemExit(f"server did not start:\n{tail}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (the master and its workers)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    process.wait(timeout=60)


def settle(pid: int, most_s: float = 30.0) -> None:
    """Wait until the server is idle (under 5% of a core over half a second): its workers
    load the sea network in the background at start, which is not the load's cost."""
    deadline = time.monotonic() + most_s
    before = tree_cpu(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = tree_cpu(pid)
        if now - before < 0.025:
            return
        before = now


def tree_cpu(pid: int) -> float:
    """User+system CPU seconds of a process and its children (workers), from /proc."""
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    return sum(_cpu_of(p) for p in pids)


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process on this machine (its backends serve the
    bench's connections, and each ends with its connection: sample before and after a run
    while the pool is open). The same cores serve it, so it belongs in the budget."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    total += _cpu_of(int(entry.name))
            except OSError:
                continue
    return total


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def check_invariants(url: str, tally: Tally, folder: Path, code: Checkout) -> list[str]:
    """Every acknowledged write is stored; no cap is exceeded; the audit chain verifies."""
    problems: list[str] = []
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        stored = {r[0] for r in conn.execute(text("SELECT id FROM deployments"))}
        orders = {r[0] for r in conn.execute(text("SELECT id FROM support_orders"))}
        spans = conn.execute(
            text(
                'SELECT e.deploying_party, e.start, e."end", e.personnel'
                " FROM deployment_elements e JOIN deployments d ON d.id = e.deployment_id"
                " WHERE d.status IN ('cleared', 'pending_host_consent') AND e.kind = 'personnel'"
            )
        ).all()
    engine.dispose()
    missing = [i for _, i in tally.filed if i not in stored]
    if missing:
        problems.append(f"{len(missing)} acknowledged filings missing")
    lost = [i for i in tally.ordered if i not in orders]
    if lost:
        problems.append(f"{len(lost)} acknowledged orders missing")
    for party, most in personnel_peaks(spans).items():
        if most > 3000:
            problems.append(f"{party} personnel peak {most} > cap 3000")
    verdict = subprocess.run(
        [code.python, "-m", "relos", "audit", "verify"],
        env=code.env(url, folder),
        capture_output=True,
        text=True,
        check=False,
    )
    if verdict.returncode != 0:
        problems.append("audit verify: " + (verdict.stdout + verdict.stderr).strip()[:200])
    return problems


def personnel_peaks(spans: Sequence[Any]) -> dict[str, int]:
    """The most personnel any party had in force at once (a sweep over starts and ends)."""
    steps: dict[str, list[tuple[Any, int]]] = defaultdict(list)
    for party, start, end, count in spans:
        steps[party] += [(start, count), (end, -count)]
    peaks: dict[str, int] = {}
    for party, events in steps.items():
        level = most = 0
        for _, change in sorted(events, key=lambda e: (e[0], e[1])):
            level += change
            most = max(most, level)
        peaks[party] = most
    return peaks


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Row:
    backend: str
    workers: int
    threads: int | None  # relos serve --threads (None: the server's default)
    clients: int
    load: str
    reqs: int
    wall: float
    cpu: float  # the server's (master and workers)
    client_cpu: float  # this process's, the load generator's
    db_cpu: float  # PostgreSQL's processes' (0 on SQLite, which runs inside the server)
    errors: int
    error_kinds: str
    per_op: dict[str, tuple[float, float]]
    invariants: str


def database_url(backend: str, folder: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{folder / f'load-{uuid.uuid4().hex[:8]}.db'}", None
    name = f"relos_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False), name


def drop_pg(name: str | None) -> None:
    if name is None:
        return
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def bench_one(
    backend: str,
    workers: int,
    clients_list: list[int],
    seconds: float,
    folder: Path,
    code: Checkout,
    threads: int | None = None,
    loads: tuple[str, ...] = ("mixed", "health"),
) -> list[Row]:
    rows: list[Row] = []
    for clients in clients_list:
        for load, mix in LOADS.items():
            if load not in loads:
                continue
            url, pg_name = database_url(backend, folder)
            try:
                tokens = prepare(url, folder)
                process, base = start_server(url, workers, folder, code, threads)
                try:
                    load_prices(base, tokens)
                    settle(process.pid)
                    port = int(base.rsplit(":", 1)[1])
                    cpu0, db0 = tree_cpu(process.pid), postgres_cpu() if pg_name else 0.0
                    tally, wall, client_cpu = run_load(port, tokens, clients, seconds, mix)
                    cpu = tree_cpu(process.pid) - cpu0
                    db_cpu = postgres_cpu() - db0 if pg_name else 0.0
                finally:
                    stop_server(process)
                writes = bool(WRITES & set(mix))
                problems = check_invariants(url, tally, folder, code) if writes else []
            finally:
                drop_pg(pg_name)
            per_op = {
                op: (pct(values, 0.5), pct(values, 0.99)) for op, values in tally.latencies.items()
            }
            rows.append(
                Row(
                    backend,
                    workers,
                    threads,
                    clients,
                    load,
                    sum(len(v) for v in tally.latencies.values()),
                    wall,
                    cpu,
                    client_cpu,
                    db_cpu,
                    tally.error_count(),
                    tally.error_kinds(),
                    per_op,
                    ("; ".join(problems) or "held") if writes else "n/a",
                )
            )
            print_row(rows[-1])
            for (op, kind), sample in sorted(tally.samples.items()):
                print(f"#   {op} {kind}: {sample}", flush=True)
    return rows


def print_row(row: Row) -> None:
    ops = "  ".join(f"{op} {p50:.0f}/{p99:.0f}" for op, (p50, p99) in sorted(row.per_op.items()))
    reqs = max(row.reqs, 1)
    print(
        f"# {row.backend} w{row.workers}{'' if row.threads is None else f' t{row.threads}'} "
        f"c{row.clients} {row.load}: "
        f"{row.reqs / row.wall:.0f} req/s, errors {row.errors}"
        + (f" ({row.error_kinds})" if row.error_kinds else "")
        + f", CPU {row.cpu * 1000 / reqs:.2f} ms/req server, "
        f"{row.client_cpu * 1000 / reqs:.2f} ms/req client, "
        f"{row.db_cpu * 1000 / reqs:.2f} ms/req database, {ops}, invariants {row.invariants}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument(
        "--server-checkout",
        type=Path,
        default=None,
        help="serve another working copy of relos (its .venv and src), e.g. main for a before",
    )
    parser.add_argument(
        "--threads",
        type=int,
        nargs="+",
        default=[None],
        help="relos serve --threads for each run (default: the server's own default)",
    )
    parser.add_argument("--loads", nargs="+", choices=list(LOADS), default=list(LOADS))
    args = parser.parse_args()
    code = Checkout.at(args.server_checkout)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="relos-load-") as tmp:
        for backend in args.backends:
            for workers in args.workers:
                for threads in args.threads:
                    rows += bench_one(
                        backend,
                        workers,
                        args.clients,
                        args.seconds,
                        Path(tmp),
                        code,
                        threads,
                        tuple(args.loads),
                    )
    table = Table(title=f"relos serve under load ({args.seconds:.0f} s per run)")
    for column in (
        "database",
        "workers",
        "threads",
        "clients",
        "load",
        "req/s",
        "errors",
        "validate p50/p99",
        "file p50/p99",
        "headroom p50/p99",
        "list p50/p99",
        "order p50/p99",
        "health p50/p99",
        "server CPU s / wall s",
        "server CPU ms/req",
        "client CPU ms/req",
        "database CPU ms/req",
        "invariants",
    ):
        table.add_column(column)
    for row in rows:

        def cell(op: str, row: Row = row) -> str:
            if op not in row.per_op:
                return ""
            p50, p99 = row.per_op[op]
            return f"{p50:.0f}/{p99:.0f}"

        table.add_row(
            row.backend,
            str(row.workers),
            "default" if row.threads is None else str(row.threads),
            str(row.clients),
            row.load,
            f"{row.reqs / row.wall:.0f}",
            str(row.errors),
            *(cell(op) for op in ("validate", "file", "headroom", "list", "order", "health")),
            f"{row.cpu:.1f} / {row.wall:.1f}",
            f"{row.cpu * 1000 / max(row.reqs, 1):.2f}",
            f"{row.client_cpu * 1000 / max(row.reqs, 1):.2f}",
            f"{row.db_cpu * 1000 / max(row.reqs, 1):.2f}" if row.backend == "postgres" else "",
            row.invariants,
        )
    console = Console(width=220)
    console.print(table)
    for row in rows:
        if row.errors:
            console.print(
                f"errors, {row.backend} w{row.workers} c{row.clients} {row.load}: {row.error_kinds}"
            )
    one, five, fifteen = os.getloadavg()
    console.print(f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
