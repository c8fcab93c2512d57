"""Property, on SQLite and PostgreSQL: the logistics tables are the replay of their events.

Random sequences of logistics commands (price lists, rates, orders, signatures,
deliveries, receipts, settlements by every method, reversals) run through the services; refused
ones change nothing. The stored events, projected into a copy of the database as it was
before them (events.replay.apply), must rebuild the live tables exactly, row for row and
column for column (events.replay.compare, as `relos db replay --check` compares).
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from tests.conftest import PG_ADMIN_URL, _pg_url
from tests.integration.logistics.helpers import PRICES

from relos.access.domain import SYSTEM
from relos.events import replay
from relos.events.models import EventRow
from relos.events.store import in_order
from relos.kit.db import Database
from relos.kit.errors import Conflict, RelosError
from relos.lifecycle import upgrade_database
from relos.logistics.commands import (
    AcknowledgeReceipt,
    ImportPrices,
    ImportRates,
    RaiseOrder,
    RecordDelivery,
    RecordSettlement,
    ReversePosting,
    SignOrder,
    build,
)
from relos.logistics.deliveries.service import acknowledge_receipt, record_delivery
from relos.logistics.ledger import repository as ledger
from relos.logistics.models import DeliveryRow, EntryRow, PostingRow
from relos.logistics.orders.service import raise_order, sign_order
from relos.logistics.prices.parse import csv_rows
from relos.logistics.prices.service import import_prices
from relos.logistics.rates.domain import rate_rows
from relos.logistics.rates.service import import_rates
from relos.logistics.settlement.service import record_settlement, reverse

RATES = "base,quote,on,rate,source\nRUB,INR,2026-01-01,1.02,test\n"
ROUTES = (("IN", "RU", "RUVVO", "RUB"), ("RU", "IN", "INBOM", "INR"))
METHODS = ("cash", "replacement_in_kind", "equal_value_exchange")

Step = tuple[str, int, int]
steps = st.lists(
    st.tuples(
        st.sampled_from(
            [
                *("order", "sign", "deliver", "deliver", "receive"),
                *("settle", "settle", "reverse", "rates"),
            ]
        ),
        st.integers(0, 5),
        st.integers(1, 60),
    ),
    min_size=3,
    max_size=18,
)


class Scenario:
    """Commands against one database, with the ids they made so far."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.orders: list[str] = []
        with db.transaction() as session:
            import_prices(session, SYSTEM, build(ImportPrices, {"lines": csv_rows(PRICES)}))
        start = datetime(2026, 1, 20, tzinfo=UTC)
        for pick in (0, 1, 2):  # two orders each way, agreed and partly delivered
            self.run(("order", pick, 40), 0)
            self.deliver_now(pick, start)

    def deliver_now(self, pick: int, at: datetime) -> None:
        with self.db.transaction() as session:
            self.deliver(session, pick, 9, at)

    def run(self, step: Step, number: int) -> None:
        kind, pick, size = step
        at = datetime(2026, 2, 1, tzinfo=UTC) + timedelta(days=number)
        action: dict[str, Callable[[Session, int, int, datetime], None]] = {
            "order": self.order,
            "sign": self.sign,
            "deliver": self.deliver,
            "receive": self.receive,
            "settle": self.settle,
            "reverse": self.reverse,
            "rates": self.rates,
        }
        with contextlib.suppress(RelosError), self.db.transaction() as session:
            action[kind](session, pick, size, at)

    def _order_id(self, pick: int) -> str:
        if not self.orders:
            raise RelosError("no order yet")
        return self.orders[pick % len(self.orders)]

    def order(self, session: Session, pick: int, size: int, at: datetime) -> None:
        requesting, supplying, facility, _ = ROUTES[pick % 2]
        body = {
            "agreement": "in-ru-relos",
            "requesting_party": requesting,
            "supplying_party": supplying,
            "facility": facility,
            "settlement": METHODS[pick % 3],
            "lines": [{"category": "fuel", "item": "F-76", "quantity": str(size), "unit": "t"}],
            "counter_to": self.orders[-1] if self.orders and pick % 3 == 2 else None,
        }
        order_id = raise_order(session, SYSTEM, build(RaiseOrder, body)).id
        self.orders.append(order_id)
        if size % 3:  # most orders are signed by both sides at once, so they can be delivered
            for party in (requesting, supplying):
                sign_order(session, SYSTEM, SignOrder(order=order_id, party=party))

    def sign(self, session: Session, pick: int, size: int, at: datetime) -> None:
        party = ("IN", "RU")[size % 2]
        sign_order(session, SYSTEM, SignOrder(order=self._order_id(pick), party=party))

    def deliver(self, session: Session, pick: int, size: int, at: datetime) -> None:
        body = {
            "order": self._order_id(pick),
            "lines": [{"line": 0, "quantity": str(size % 20 + 1)}],
            "delivered_at": at,
            "received_by": "duty officer",
        }
        record_delivery(session, SYSTEM, build(RecordDelivery, body))

    def receive(self, session: Session, pick: int, size: int, at: datetime) -> None:
        order_id = self._order_id(pick)
        found = session.scalars(select(DeliveryRow.id).where(DeliveryRow.order_id == order_id))
        deliveries = sorted(found)
        if not deliveries:
            raise RelosError("nothing delivered")
        body = {
            "order": order_id,
            "delivery": deliveries[size % len(deliveries)],
            "received_at": at,
            "received_by": "receiving officer",
        }
        acknowledge_receipt(session, SYSTEM, build(AcknowledgeReceipt, body))

    def settle(self, session: Session, pick: int, size: int, at: datetime) -> None:
        order_id = self._order_id(pick)
        method = METHODS[size % 3]
        body: dict[str, Any] = {"order": order_id, "method": method, "settled_at": at}
        if method == "replacement_in_kind":
            body["lines"] = [{"line": 0, "quantity": str(size % 5 + 1)}]
        else:
            owed = {p.currency for p in ledger.order_postings(session, [order_id])} or {"RUB"}
            body |= {"amount": f"{size * 10000}.00", "currency": min(owed)}
        if method == "equal_value_exchange":
            body["counter_order"] = self._order_id(pick + 1)
        record_settlement(session, SYSTEM, build(RecordSettlement, body))

    def reverse(self, session: Session, pick: int, size: int, at: datetime) -> None:
        postings = ledger.order_postings(session, [self._order_id(pick)])
        if not postings:
            raise RelosError("nothing to reverse")
        ref = postings[size % len(postings)].ref
        reverse(session, SYSTEM, ReversePosting(ref=ref, reason="correction", on=at))

    def rates(self, session: Session, pick: int, size: int, at: datetime) -> None:
        import_rates(session, SYSTEM, build(ImportRates, {"lines": rate_rows(RATES)}))


@pytest.fixture
def fresh_sqlite(sqlite_template: Path, tmp_path: Path) -> Iterator[Callable[[], Database]]:
    made: list[Database] = []

    def make() -> Database:
        path = tmp_path / f"replay-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(sqlite_template, path)
        made.append(Database(f"sqlite:///{path}"))
        return made[-1]

    yield make
    for db in made:
        db.dispose()


@pytest.fixture
def fresh_postgres(request: pytest.FixtureRequest) -> Iterator[Callable[[], Database]]:
    template: str = request.getfixturevalue("postgres_template")
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    made: list[tuple[str, Database]] = []

    def make() -> Database:
        name = f"relos_r_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        made.append((name, Database(_pg_url(name))))
        return made[-1][1]

    yield make
    for name, db in made:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def replayed_difference(live: Database, scratch: Database) -> replay.Difference | None:
    """Apply the events `live` holds beyond `scratch` (same template) there, then compare.

    Both start as copies of one migrated template with its reference data (which is not
    yet made of events), so the events recorded since are what rebuilds the rest.
    """
    with scratch.transaction() as out:
        known = out.scalar(select(func.max(EventRow.id))) or 0
        with live.transaction(write=False) as read:
            rows = [row for row in in_order(read) if row.id > known]
            replay.apply(out, rows, copy=True)
    with live.transaction(write=False) as ours, scratch.transaction(write=False) as rebuilt:
        return replay.compare(ours, rebuilt)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking a failure takes minutes
)
@given(sequence=steps)
def test_random_logistics_commands_replay_to_the_same_tables(
    backend: str, sequence: list[Step], request: pytest.FixtureRequest
) -> None:
    if backend == "postgres":
        request.applymarker(pytest.mark.postgres)
    fresh = request.getfixturevalue(f"fresh_{backend}")
    live, scratch = fresh(), fresh()
    scenario = Scenario(live)
    for number, step in enumerate(sequence):
        scenario.run(step, number)
    assert replayed_difference(live, scratch) is None


def test_a_row_changed_behind_its_back_is_found(
    fresh_sqlite: Callable[[], Database],
) -> None:
    live, scratch = fresh_sqlite(), fresh_sqlite()
    Scenario(live)
    with live.engine.begin() as conn:
        conn.execute(text("UPDATE support_order_lines SET delivered = '1' WHERE line_no = 0"))
    difference = replayed_difference(live, scratch)
    assert difference is not None and difference.table == "support_order_lines"


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table's rows, less integer surrogate ids (sequences move on)."""
    found = {}
    with db.transaction(write=False) as session:
        for table in replay.projection_tables():
            columns = [c for c in table.columns if not (c.name == "id" and _integer(c))]
            found[table.name] = sorted(map(tuple, session.execute(select(*columns))), key=repr)
    return found


def _integer(column: Any) -> bool:
    return column.type.python_type is int


def test_a_rebuild_in_place_gives_the_same_rows_and_the_ledger_stays_immutable(
    database: Database,
) -> None:
    Scenario(database).run(("settle", 0, 3), 30)
    before = snapshot(database)
    assert before["ledger_postings"] and before["support_orders"]
    with database.transaction() as session:
        assert replay.rebuild(session) > 0
    assert snapshot(database) == before
    with pytest.raises(DBAPIError, match="immutable"), database.transaction() as session:
        session.execute(delete(EntryRow))
    with pytest.raises(DBAPIError, match="immutable"), database.transaction() as session:
        session.execute(update(PostingRow).values(memo="changed"))


LEGACY_ROWS = (
    "INSERT INTO support_orders (id, agreement_id, requesting_party, supplying_party,"
    " facility, settlement, status, created_at, created_by, reference) VALUES ('legacy',"
    " 'in-ru-relos', 'IN', 'RU', 'RUVVO', 'cash', 'delivered', '2026-01-01 00:00:00',"
    " 'legacy', 'ORD-IN-2026-9999')",
    "INSERT INTO support_order_lines (order_id, line_no, category, item, quantity, unit,"
    " delivered, returned) VALUES ('legacy', 0, 'fuel', 'F-76', '12.5', 't', '12.5', '0')",
    "INSERT INTO deliveries (id, order_id, delivered_at, received_by, recorded_by, lines)"
    " VALUES ('legacy-d', 'legacy', '2026-01-02 00:00:00', 'officer', 'legacy',"
    ' \'[{"line": 0, "quantity": "12.5"}]\')',
    "INSERT INTO ledger_postings (ref, kind, agreement_id, order_id, creditor, debtor,"
    " currency, amount_minor, booked_on, due_on, reverses, method, memo, recorded_at)"
    " VALUES ('legacy-p', 'delivery', 'in-ru-relos', 'legacy', 'RU', 'IN', 'RUB', 125000,"
    " '2026-01-02', '2026-03-02', NULL, NULL, 'before the event log',"
    " '2026-01-02 00:00:00')",
    "INSERT INTO ledger_entries (posting_ref, account, holder, counterparty, side,"
    " amount_minor, currency) VALUES ('legacy-p', 'receivable', 'RU', 'IN', 'debit', 125000,"
    " 'RUB'), ('legacy-p', 'payable', 'IN', 'RU', 'credit', 125000, 'RUB')",
    "INSERT INTO price_lines (supplying_party, facility, item, category, unit, unit_price,"
    " currency, valid_from, valid_to, source, imported_at, imported_by) VALUES ('RU', NULL,"
    " 'F-76', 'fuel', 't', '10000', 'RUB', '2025-01-01', NULL, 'legacy list',"
    " '2025-01-01 00:00:00', 'legacy')",
)


@pytest.mark.slow
def test_rows_recorded_before_the_event_log_are_refused_then_recorded_by_an_upgrade(
    database: Database,
) -> None:
    Scenario(database)
    with database.engine.begin() as conn:
        for statement in LEGACY_ROWS:
            conn.execute(text(statement))
    before = snapshot(database)
    # Until `db upgrade` records them, a rebuild refuses: it would lose them.
    with pytest.raises(Conflict, match="support_orders"), database.transaction() as session:
        replay.rebuild(session)
    assert snapshot(database) == before
    assert replay.check(database) is not None

    events_before = _count_events(database)
    # The schema is current, so only a search asked for finds them (a database migrated
    # from before the event log is searched by itself: tests/integration/kit).
    assert upgrade_database(database)["backfilled"] == 0
    changed = upgrade_database(database, find_unrecorded=True)
    assert changed["backfilled"] == 7  # one order, line, delivery, posting, 2 entries, price
    assert _count_events(database) > events_before
    assert snapshot(database) == before  # recorded as they are, not written again
    assert replay.check(database) is None  # a scratch database rebuilt from events alone
    with database.transaction() as session:
        replay.rebuild(session)
    assert snapshot(database) == before
    assert upgrade_database(database, find_unrecorded=True)["backfilled"] == 0  # only once


def _count_events(db: Database) -> int:
    with db.transaction(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(EventRow)) or 0)
