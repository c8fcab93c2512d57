"""Signed logs: appends per second, proof latency by log size, whole-log verification.

    python bench/log_bench.py [--sizes 10000 100000 1000000] [--verify-max 100000]
                              [--appends 3000] [--no-postgres]

For each database (an SQLite file and, unless --no-postgres, a scratch PostgreSQL
database at RELOS_TEST_POSTGRES):

- signed appends/s through `relos.tlog.store.append` (DSSE envelope over RFC 8785 bytes,
  Ed25519, leaf and subtree rows), in transactions of 100 appends and of 1 (each commit
  signs a checkpoint), and with two threads on two agreements' logs against two threads
  on one log (the per-log lock: PostgreSQL only; SQLite has one writer per database);
- inclusion and consistency proof latency from the stored subtrees at each size (the log
  is bulk-loaded with distinct signed envelopes; "rows" is how many subtree hashes a proof
  reads, which grows as log2 n);
- whole-log verification (every signature, the tree recomputed) up to --verify-max.

The peer is the naive proof: recompute the tree from every leaf (O(n)), timed at the
smallest size. CPU time is the process's (both threads), wall time is elapsed.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from relos.kit.db import Database
from relos.lifecycle import upgrade_database
from relos.tlog import dsse, merkle, store
from relos.tlog.keys import Signer
from relos.tlog.models import EntryRow, LogRow, SubtreeRow
from relos.tlog.verify import Report, verify_log

PG_ADMIN = os.environ.get(
    "RELOS_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
KIND = dsse.payload_type("bench.event.v1")
console = Console(width=150)


@contextmanager
def clock() -> Iterator[dict[str, float]]:
    out: dict[str, float] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    yield out
    out["wall"] = time.perf_counter() - wall
    out["cpu"] = time.process_time() - cpu


def payload(n: int) -> bytes:
    return dsse.canonical({"type": "bench.event.v1", "n": n, "note": "a signed bench event"})


def appends(db: Database, log: str, count: int, batch: int) -> None:
    done = 0
    while done < count:
        with db.transaction() as session:
            for _ in range(min(batch, count - done)):
                store.append(session, log, payload(done), "bench.event.v1")
                done += 1


def threaded(db: Database, logs: list[str], count: int) -> dict[str, float]:
    threads = [threading.Thread(target=appends, args=(db, log, count, 10)) for log in logs]
    with clock() as took:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return took


def bulk_load(db: Database, log: str, size: int, signer: Signer, signed: bool) -> int:
    """A log of `size` distinct envelopes, written in bulk (for proofs and verify).

    Signed when the log is to be verified; otherwise each leaf is a distinct envelope with
    a placeholder signature (a proof reads hashes only, so its time does not depend on
    what the leaves say), which keeps a 10^6 load within minutes on a shared machine.
    """
    placeholder = base64.b64encode(bytes(64)).decode()
    with db.transaction() as session:
        row = LogRow(origin=f"{signer.name}/{log}", agreement=log, size=0, root=merkle.EMPTY_ROOT)
        session.add(row)
        session.flush()
        log_id = row.id
    tree = merkle.CompactRange()
    entries: list[dict[str, Any]] = []
    nodes: list[dict[str, Any]] = []

    def flush() -> None:
        with db.engine.begin() as conn:
            if entries:
                conn.execute(insert(EntryRow), entries)
            if nodes:
                conn.execute(insert(SubtreeRow), nodes)
        entries.clear()
        nodes.clear()

    for n in range(size):
        if signed:
            leaf = dsse.seal(payload(n), KIND, [signer])
        else:
            leaf = (
                f'{{"payload":"{base64.b64encode(payload(n)).decode()}",'
                f'"payloadType":"{KIND}","signatures":[{{"keyid":"{signer.verifier.key_id}",'
                f'"sig":"{placeholder}"}}]}}'
            ).encode()
        entries.append({"log_id": log_id, "idx": n, "leaf": leaf})
        for (level, idx), value in tree.append(merkle.leaf_hash(leaf)):
            nodes.append({"log_id": log_id, "level": level, "idx": idx, "hash": value})
        if len(entries) >= 20_000:
            flush()
    flush()
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE tlog_logs SET size = :s, root = :r WHERE id = :i"),
            {"s": size, "r": tree.root(), "i": log_id},
        )
    return log_id


def sample(fn: Callable[[], object], count: int) -> tuple[float, float, float]:
    """(median ms, p99 ms, mean CPU ms)."""
    walls, cpus = [], []
    for _ in range(count):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    walls.sort()
    return statistics.median(walls), walls[int(0.99 * (len(walls) - 1))], statistics.mean(cpus)


def proofs(db: Database, log_id: int, size: int, rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with db.transaction(write=False) as session:
        root = store.root_at(session, log_id, size)

        checked: list[int] = []

        def inclusion() -> None:
            index = rng.randrange(size)
            store.inclusion_proof(session, log_id, index, size)
            checked.append(index)

        def consistency() -> None:
            first = rng.randrange(1, size)
            store.consistency_proof(session, log_id, first, size)

        out["inclusion"] = sample(inclusion, 300)
        # The proofs timed are checked (untimed) against the stored leaves and the root.
        for index in checked[:20]:
            proof = store.inclusion_proof(session, log_id, index, size)
            leaf = store.entries(session, log_id, index, index + 1)[0][1]
            merkle.verify_inclusion(index, size, merkle.leaf_hash(leaf), proof, root)
        out["consistency"] = sample(consistency, 300)
        out["rows_inclusion"] = len(merkle.needed_for_inclusion(size // 3, size))
        out["rows_consistency"] = len(merkle.needed_for_consistency(size // 3, size))
    return out


def naive_root(db: Database, log_id: int, size: int) -> float:
    """The peer: the root from every leaf, as a store without subtrees must."""
    with db.transaction(write=False) as session, clock() as took:
        tree = merkle.CompactRange()
        for _, leaf in store.all_entries(session, log_id):
            tree.append(merkle.leaf_hash(leaf))
        assert tree.size == size
    return took["wall"] * 1000


def verify_time(db: Database, log_id: int, origin: str, signer: Signer) -> dict[str, float]:
    with db.transaction(write=False) as session, clock() as took:
        result = verify_log(
            origin, lambda: store.all_entries(session, log_id), [signer.verifier], ()
        )
    assert isinstance(result, Report), result
    return took


class Rows(list[list[str]]):
    """The table's rows, each also printed as it is measured (long runs show progress)."""

    def append(self, row: list[str]) -> None:
        super().append(row)
        print(" | ".join(row), flush=True)


def run(name: str, db: Database, args: argparse.Namespace, rows: list[list[str]]) -> None:
    upgrade_database(db)
    with db.transaction() as session:
        signer = store.node_signer(session)
    with clock() as took:
        appends(db, "bench-batched", args.appends, 100)
    rows.append(
        [
            name,
            "signed appends, 100 per transaction",
            f"{args.appends / took['wall']:,.0f}/s",
            f"{took['cpu'] / args.appends * 1e3:.3f} ms/append",
            f"{args.appends / took['cpu']:,.0f}/s per busy core",
        ]
    )
    single = max(args.appends // 5, 100)
    with clock() as took:
        appends(db, "bench-single", single, 1)
    rows.append(
        [
            name,
            "signed appends, 1 per transaction (+checkpoint)",
            f"{single / took['wall']:,.0f}/s",
            f"{took['cpu'] / single * 1e3:.3f} ms/append",
            f"{single / took['cpu']:,.0f}/s per busy core",
        ]
    )
    if not db.sqlite:
        per = max(args.appends // 10, 100)
        two = threaded(db, ["bench-p1", "bench-p2"], per)
        one = threaded(db, ["bench-same", "bench-same"], per)
        rows.append(
            [
                name,
                "2 threads, 2 logs vs 2 threads, 1 log",
                f"{2 * per / two['wall']:,.0f}/s vs {2 * per / one['wall']:,.0f}/s",
                f"cpu {two['cpu']:.1f} s vs {one['cpu']:.1f} s",
                "",
            ]
        )
    rng = random.Random(7)
    for size in args.sizes:
        log = f"bench-{size}"
        signed = size <= args.verify_max
        with clock() as took:
            log_id = bulk_load(db, log, size, signer, signed)
        rows.append(
            [
                name,
                f"bulk load {size:,} {'signed' if signed else 'placeholder-signed'} leaves",
                f"{took['wall']:.1f} s",
                f"cpu {took['cpu']:.1f} s",
                "",
            ]
        )
        got = proofs(db, log_id, size, rng)
        med, p99, cpu = got["inclusion"]
        rows.append(
            [
                name,
                f"inclusion proof at {size:,}",
                f"{med:.3f} / {p99:.3f} ms",
                f"cpu {cpu:.3f} ms",
                f"{got['rows_inclusion']} rows",
            ]
        )
        med, p99, cpu = got["consistency"]
        rows.append(
            [
                name,
                f"consistency proof at {size:,}",
                f"{med:.3f} / {p99:.3f} ms",
                f"cpu {cpu:.3f} ms",
                f"{got['rows_consistency']} rows",
            ]
        )
        if size == min(args.sizes):
            rows.append(
                [
                    name,
                    f"peer: root from all {size:,} leaves (no subtrees)",
                    f"{naive_root(db, log_id, size):.1f} ms",
                    "",
                    "O(n) per proof",
                ]
            )
        if size <= args.verify_max:
            took = verify_time(db, log_id, f"{signer.name}/{log}", signer)
            rows.append(
                [
                    name,
                    f"verify whole log of {size:,}",
                    f"{took['wall']:.2f} s",
                    f"cpu {took['cpu']:.2f} s",
                    f"{size / took['wall']:,.0f} entries/s",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--verify-max", type=int, default=100_000)
    parser.add_argument("--appends", type=int, default=3000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    console.print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    rows: list[list[str]] = Rows()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["RELOS_DATA_DIR"] = folder
        if not args.no_sqlite:
            db = Database(f"sqlite:///{Path(folder) / 'bench.db'}", Path(folder))
            run("SQLite", db, args, rows)
            db.dispose()
        if not args.no_postgres:
            name = f"relos_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
            pg = Database(url, Path(folder))
            try:
                run("PostgreSQL", pg, args, rows)
            finally:
                pg.dispose()
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    table = Table(title="Signed logs (wall: median / p99 for proofs)")
    for column in ("database", "what", "wall", "CPU", "note"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    console.print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
