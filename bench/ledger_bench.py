"""Reimbursement ledger: postings per second and query latency at 1M entries.

    python bench/ledger_bench.py [--entries 1000000] [--api 500] [--samples 50] [--no-postgres]

"batch" books postings through `ledger_service.post_batch` (Journal rules, postings, two
entries each and the maintained balances, one transaction per 10,000 postings); each
batch covers its own 20 orders, as an import from a legacy system would. "API" records
deliveries one by one through the HTTP API in process (auth, validation, pricing, the
order's lock, the ledger, the audit trail), each delivery one posting. Balances read the
maintained `ledger_balances` table; overdue reads the maintained overdue spans (for
2026-06-01 and for a busy day late in the year); statements read the day totals and the
period's postings (one day and one week of India's, whole; the week's first and last
pages of 500 lines as GET /ledger/statement answers them, JSON body included; India's
pages of the whole year at offset 200,000 and the last; France's statement over six
months, a party in few postings, its first page and whole). 1M entries = 500k postings
(70% deliveries, 30% settlements, never over-settled), over 2026, RUB and INR, on the
India-Russia agreement in both directions, and one order in 200 on the India-France
agreement in EUR. Needs PostgreSQL at
RELOS_TEST_POSTGRES unless --no-postgres; after booking it runs VACUUM ANALYZE there, as
autovacuum would. `--keep` leaves the databases booked and prints their URLs;
`--existing URL` times the queries on a ledger already booked (e.g. one a previous run
kept), without booking anything.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from fastapi.testclient import TestClient

from relos.access import service as access
from relos.access.domain import SYSTEM, Principal
from relos.access.schemas import IssueToken, NewUser
from relos.app import create_app
from relos.kit.db import Database
from relos.kit.money import Money
from relos.kit.pagination import Page
from relos.kit.settings import Settings
from relos.lifecycle import upgrade_database
from relos.logistics.commands import ImportPrices, RaiseOrder, SignOrder, build
from relos.logistics.ledger import service as ledger_service
from relos.logistics.ledger.postings import Posting, delivery_posting, settlement_posting
from relos.logistics.orders import service
from relos.logistics.prices.parse import csv_rows
from relos.logistics.prices.service import import_prices
from relos.logistics.statements import formats
from relos.logistics.statements import service as statements

PG_ADMIN = os.environ.get(
    "RELOS_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BATCH = 10_000
IN_FINANCE = Principal(0, "bench-in-finance", "IN", frozenset({"finance"}))
START = date(2026, 1, 1)
PAIRS = (("RU", "IN", "RUB"), ("IN", "RU", "INR"))
# A sparse party: France, in one order in SPARSE (about 0.5% of the postings), on its own
# agreement with India, so its statement over months picks a few lines out of many.
SPARSE = 200
SPARSE_PAIRS = (("FR", "IN", "EUR"), ("IN", "FR", "EUR"))
FR_FINANCE = Principal(0, "bench-fr-finance", "FR", frozenset({"finance"}))
# A past day late in the year, when the overdue list is near its longest (over 11,000).
BUSY_DAY = date(2026, 11, 30)


def order_postings(
    order: str,
    rng: random.Random,
    pairs: tuple[tuple[str, str, str], ...] = PAIRS,
    agreement: str = "in-ru-relos",
) -> list[Posting]:
    """One order's life: one to six deliveries, then usually settled in full, one time in
    seven left partly or wholly unpaid (those feed the overdue list)."""
    creditor, debtor, currency = pairs[rng.randrange(2)]
    first = START + timedelta(days=rng.randrange(300))
    postings: list[Posting] = []
    owed = 0
    for n in range(rng.randint(1, 6)):
        value = rng.randint(10_000, 50_000_000)
        owed += value
        postings.append(
            delivery_posting(
                f"{order}-d{n}",
                agreement=agreement,
                order=order,
                supplier=creditor,
                requester=debtor,
                value=Money.from_minor(value, currency),
                delivered_on=first + timedelta(days=n),
                days_to_settle=90,
            )
        )
    paid_on = first + timedelta(days=rng.randint(10, 120))
    share = 1.0 if rng.random() < 6 / 7 else rng.random() * 0.8
    for n, part in enumerate((owed * share // 2, owed * share - owed * share // 2)):
        if int(part) > 0:
            postings.append(
                settlement_posting(
                    f"{order}-s{n}",
                    agreement=agreement,
                    order=order,
                    creditor=creditor,
                    debtor=debtor,
                    amount=Money.from_minor(int(part), currency),
                    settled_on=paid_on + timedelta(days=n),
                    method="cash",
                )
            )
    return postings


def batch_postings(number: int, rng: random.Random) -> list[Posting]:
    """About BATCH postings on fresh orders, as an import from a legacy system would bring;
    one order in SPARSE is France's."""
    postings: list[Posting] = []
    while len(postings) < BATCH:
        order = f"bench-{number:04d}-{len(postings):05d}"
        if rng.randrange(SPARSE) == 0:
            postings.extend(order_postings(order, rng, SPARSE_PAIRS, "in-fr-rls"))
        else:
            postings.extend(order_postings(order, rng))
    return postings


def fill(db: Database, entries: int, rng: random.Random) -> float:
    """Book `entries` ledger entries in batches; returns postings per second."""
    batches = max(1, entries // 2 // BATCH)
    elapsed = 0.0
    booked = 0
    for number in range(batches):
        postings = batch_postings(number, rng)
        booked += len(postings)
        began = time.perf_counter()
        with db.transaction() as session:
            ledger_service.post_batch(session, SYSTEM, postings)
        elapsed += time.perf_counter() - began
        print(f"  batch {number + 1}/{batches}", end="\r", file=sys.stderr)
    return booked / elapsed


PRICES = (
    "supplying_party,facility,item,category,unit,unit_price,currency,valid_from,valid_to,source\n"
    "RU,,F-76,fuel,t,70000.00,RUB,2025-01-01,,bench\n"
)


def through_api(db: Database, count: int, folder: Path) -> float:
    """Deliveries per second through the HTTP API, one posting each, ten per order."""
    orders = []
    with db.transaction() as session:
        import_prices(session, SYSTEM, build(ImportPrices, {"lines": csv_rows(PRICES)}))
        access.add_user(session, NewUser(name="bench-ru", party="RU", roles=("logistics",)))
        token = access.create_token(session, IssueToken(name="bench-ru")).token
        body = {
            "agreement": "in-ru-relos",
            "requesting_party": "IN",
            "supplying_party": "RU",
            "facility": "RUVVO",
            "settlement": "cash",
            "lines": [{"category": "fuel", "item": "F-76", "quantity": "1000", "unit": "t"}],
        }
        for _ in range(max(1, count // 10)):
            order_id = service.raise_order(session, SYSTEM, build(RaiseOrder, body)).id
            service.sign_order(session, SYSTEM, SignOrder(order=order_id, party="IN"))
            service.sign_order(session, SYSTEM, SignOrder(order=order_id, party="RU"))
            orders.append(order_id)
    headers = {"Authorization": f"Bearer {token}"}
    app = create_app(Settings(database_url=db.url, data_dir=folder), db)
    delivery = {
        "lines": [{"line": 0, "quantity": "12.5"}],
        "delivered_at": "2026-07-01T00:00:00Z",
        "received_by": "bench",
    }
    with TestClient(app) as client:
        began = time.perf_counter()
        for n in range(count):
            url = f"/api/v1/support-orders/{orders[n % len(orders)]}/deliveries"
            response = client.post(url, json=delivery, headers=headers)
            assert response.status_code == 201, response.text
        return count / (time.perf_counter() - began)


def latency(samples: int, action: Callable[[], Any]) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds."""
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def cpu_and_wall(samples: int, action: Callable[[], Any]) -> str:
    """Median wall and median CPU (this process: the app's side, not the database server's)
    in milliseconds; on a shared machine the CPU figure is the steadier one."""
    walls, cpus = [], []
    for _ in range(samples):
        began, began_cpu = time.perf_counter(), time.process_time()
        action()
        walls.append((time.perf_counter() - began) * 1000)
        cpus.append((time.process_time() - began_cpu) * 1000)
    return f"{statistics.median(walls):.1f} / {statistics.median(cpus):.1f}"


@contextmanager
def databases(use_postgres: bool, keep: bool = False) -> Iterator[list[tuple[str, Database]]]:
    folder = Path(tempfile.mkdtemp(prefix="relos-ledger-bench-"))
    made: list[tuple[str, Database]] = [("SQLite", Database(f"sqlite:///{folder / 'bench.db'}"))]
    name = f"relos_ledger_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    if use_postgres:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
        made.append(("PostgreSQL", Database(url)))
    try:
        yield made
    finally:
        for _, db in made:
            db.dispose()
            if keep:
                print(f"kept: {db.url}", file=sys.stderr)
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
        if use_postgres and not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def settle(db: Database) -> None:
    """On PostgreSQL, what autovacuum does soon after a bulk load (the test server runs
    with it off): planner statistics, and the visibility map that lets index-only scans
    skip the table. Without statistics the planner takes a freshly booked table for
    empty and reads a statement's period through the party indexes and the table."""
    if db.sqlite:
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def run(label: str, db: Database, args: argparse.Namespace, rows: list[list[str]]) -> None:
    rng = random.Random(7)
    batch_rate = api_rate = "-"
    if not args.existing:
        upgrade_database(db)
        print(f"{label}: booking {args.entries:,} entries", file=sys.stderr)
        batch_rate = f"{fill(db, args.entries, rng):,.0f}"
        with tempfile.TemporaryDirectory() as data_dir:
            api_rate = f"{through_api(db, args.api, Path(data_dir)):,.0f}"
        settle(db)
    as_of = date(2027, 6, 1)  # after every booking: the list as of today

    def balances() -> Any:
        with db.transaction(write=False) as session:
            return ledger_service.balances(session, SYSTEM, "in-ru-relos")

    def balances_of_party() -> Any:
        with db.transaction(write=False) as session:
            return ledger_service.balances(session, IN_FINANCE, None)

    def overdue() -> Any:
        with db.transaction(write=False) as session:
            return statements.overdue(session, SYSTEM, as_of)

    def overdue_past() -> Any:
        with db.transaction(write=False) as session:
            return statements.overdue(session, SYSTEM, date(2026, 6, 1))

    def overdue_busy() -> Any:
        with db.transaction(write=False) as session:
            return statements.overdue(session, SYSTEM, BUSY_DAY)

    def overdue_busy_page() -> Any:
        # What GET /ledger/overdue answers by default: the first page of 500.
        with db.transaction(write=False) as session:
            return statements.overdue(session, SYSTEM, BUSY_DAY, Page(500))

    def statement_past(days: int = 1) -> Any:
        with db.transaction(write=False) as session:
            start = date(2026, 6, 1)
            return statements.statement(
                session, IN_FINANCE, "IN", start, start + timedelta(days=days)
            )

    week = date(2026, 6, 1), date(2026, 6, 8)

    def statement_week_page(offset: int = 0) -> Any:
        # What GET /ledger/statement answers by default: a page of 500 lines with its
        # positions, as the route's JSON body.
        with db.transaction(write=False) as session:
            found = statements.statement_page(session, IN_FINANCE, "IN", *week, Page(500, offset))
        return formats.statement_page_out(found).model_dump_json()

    year = date(2026, 1, 1), date(2027, 1, 1)

    def statement_year_page(offset: int) -> Any:
        # Deep pages of a long period: India's statement of 2026, a page of 500 lines.
        with db.transaction(write=False) as session:
            found = statements.statement_page(session, IN_FINANCE, "IN", *year, Page(500, offset))
        return formats.statement_page_out(found).model_dump_json()

    months = date(2026, 3, 1), date(2026, 9, 1)

    def sparse_page(offset: int = 0) -> Any:
        # France, in about one posting in SPARSE: its statement over six months.
        with db.transaction(write=False) as session:
            found = statements.statement_page(session, FR_FINANCE, "FR", *months, Page(500, offset))
        return formats.statement_page_out(found).model_dump_json()

    def sparse_whole() -> Any:
        with db.transaction(write=False) as session:
            return statements.statement(session, FR_FINANCE, "FR", *months)

    with db.transaction(write=False) as session:
        entries = sum(
            int(n) for n in session.execute(text("SELECT count(*) FROM ledger_entries")).scalars()
        )
    b_med, b_p95 = latency(args.samples, balances)
    p_med, p_p95 = latency(args.samples, balances_of_party)
    o_med, o_p95 = latency(max(3, args.samples // 5), overdue)
    past = cpu_and_wall(max(3, args.samples // 5), overdue_past)
    busy = cpu_and_wall(max(3, args.samples // 5), overdue_busy)
    busy_page = cpu_and_wall(max(3, args.samples // 5), overdue_busy_page)
    statement = cpu_and_wall(max(3, args.samples // 5), statement_past)
    whole_week = cpu_and_wall(max(3, args.samples // 10), lambda: statement_past(7))
    lines = len(statement_past().lines), len(statement_past(7).lines)
    last_offset = max(0, (lines[1] - 1) // 500 * 500)
    week_page = cpu_and_wall(max(3, args.samples // 5), statement_week_page)
    week_last = cpu_and_wall(max(3, args.samples // 5), lambda: statement_week_page(last_offset))
    with db.transaction(write=False) as session:
        year_lines = _lines(session, "IN", *year)
        sparse_lines = _lines(session, "FR", *months)
    deep_offset = min(200_000, max(0, year_lines - 500))
    year_last_offset = max(0, (year_lines - 1) // 500 * 500)
    year_deep = cpu_and_wall(max(3, args.samples // 5), lambda: statement_year_page(deep_offset))
    year_last = cpu_and_wall(
        max(3, args.samples // 5), lambda: statement_year_page(year_last_offset)
    )
    sparse_first = cpu_and_wall(max(3, args.samples // 5), sparse_page)
    sparse_all = cpu_and_wall(max(3, args.samples // 10), sparse_whole)
    with db.transaction(write=False) as session:
        past_items = len(statements.overdue(session, SYSTEM, date(2026, 6, 1)))
        busy_items = len(statements.overdue(session, SYSTEM, BUSY_DAY))
    rows.append(
        [
            label,
            f"{entries:,}",
            batch_rate,
            api_rate,
            f"{b_med:.2f} / {b_p95:.2f}",
            f"{p_med:.2f} / {p_p95:.2f}",
            f"{o_med:.0f} / {o_p95:.0f}",
            str(len(overdue())),
            f"{past} ({past_items:,} orders)",
            f"{busy} ({busy_items:,} orders)",
            busy_page,
            f"{statement} ({lines[0]:,} lines)",
            f"{whole_week} ({lines[1]:,} lines)",
            week_page,
            f"{week_last} (offset {last_offset:,})",
            f"{year_deep} (offset {deep_offset:,})",
            f"{year_last} (offset {year_last_offset:,} of {year_lines:,})",
            sparse_first,
            f"{sparse_all} ({sparse_lines:,} lines)",
        ]
    )


def _lines(session: Any, party: str, start: date, end: date) -> int:
    """How many lines the party's statement of [start, end) has (counted from the postings)."""
    query = text(
        "SELECT count(*) FROM ledger_postings WHERE booked_on >= :start AND booked_on < :end"
        " AND (creditor = :party OR debtor = :party)"
    )
    return int(session.execute(query, {"party": party, "start": start, "end": end}).scalar_one())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--api", type=int, default=500, help="deliveries through the API")
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--existing", metavar="URL", help="time a ledger already booked")
    parser.add_argument("--keep", action="store_true", help="leave the booked databases")
    args = parser.parse_args()
    rows: list[list[str]] = []
    started = datetime.now(UTC)
    if args.existing:
        existing = Database(args.existing)
        run("existing", existing, args, rows)
        existing.dispose()
    else:
        with databases(not args.no_postgres, args.keep) as made:
            for label, db in made:
                if args.no_sqlite and label == "SQLite":
                    continue
                run(label, db, args, rows)
    table = Table(
        title=f"Ledger benchmark ({started:%Y-%m-%d %H:%M} UTC; targets on SQLite: "
        ">= 5,000 postings/s batch, balances < 10 ms at 1M entries)"
    )
    columns = [
        "database",
        "entries",
        "batch postings/s",
        "API postings/s",
        "balances ms (median / p95)",
        "party balances ms",
        "overdue today ms",
        "overdue orders",
        "overdue 2026-06-01 ms wall / CPU",
        f"overdue {BUSY_DAY} ms wall / CPU",
        f"overdue {BUSY_DAY}, API's first page (500) ms wall / CPU",
        "statement of 2026-06-01 ms wall / CPU",
        "statement of 2026-06-01..07 ms wall / CPU",
        "statement of 2026-06-01..07, API's first page (500) ms wall / CPU",
        "statement of 2026-06-01..07, API's last page ms wall / CPU",
        "statement of 2026, API's page at offset 200,000 ms wall / CPU",
        "statement of 2026, API's last page ms wall / CPU",
        "FR (sparse) statement of 2026-03..08, API's first page ms wall / CPU",
        "FR (sparse) statement of 2026-03..08 whole ms wall / CPU",
    ]
    for column in columns:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*row)
    Console(width=400).print(table)
    one, five, fifteen = os.getloadavg()
    print(f"load average {one:.2f} {five:.2f} {fifteen:.2f}")


if __name__ == "__main__":
    main()
