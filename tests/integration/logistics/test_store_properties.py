"""Property, through the services and a real SQLite database: whatever sequence of
deliveries, settlements and reversals users send, the stored ledger stays sound.

Debits equal credits, the maintained balances and open positions equal a replay of the
entries, and no order is ever over-settled or over-delivered; refused requests change
nothing.
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.integration.logistics.helpers import PRICES

from relos.access.domain import SYSTEM
from relos.kit.db import Database
from relos.kit.errors import Conflict, RuleViolations
from relos.logistics.commands import (
    ImportPrices,
    RaiseOrder,
    RecordDelivery,
    RecordSettlement,
    ReversePosting,
    SignOrder,
    build,
)
from relos.logistics.deliveries.service import record_delivery
from relos.logistics.ledger import repository as ledger
from relos.logistics.ledger import service as ledger_service
from relos.logistics.models import BalanceRow, DayTotalRow, EntryRow, PositionRow, PostingRow
from relos.logistics.orders import repository
from relos.logistics.orders.service import raise_order, sign_order
from relos.logistics.prices.parse import csv_rows
from relos.logistics.prices.service import import_prices
from relos.logistics.settlement import service as settlements
from relos.logistics.statements import service as statements

Op = tuple[str, int, int]
operations = st.lists(
    st.tuples(
        st.sampled_from(["deliver", "settle", "reverse"]), st.integers(0, 2), st.integers(1, 60)
    ),
    min_size=1,
    max_size=25,
)


def _orders(db: Database) -> list[str]:
    with db.transaction() as session:
        import_prices(session, SYSTEM, build(ImportPrices, {"lines": csv_rows(PRICES)}))
        made = []
        for requesting, supplying, facility in (
            ("IN", "RU", "RUVVO"),
            ("IN", "RU", "RUVVO"),
            ("RU", "IN", "INBOM"),
        ):
            body = {
                "agreement": "in-ru-relos",
                "requesting_party": requesting,
                "supplying_party": supplying,
                "facility": facility,
                "settlement": "cash",
                "lines": [{"category": "fuel", "item": "F-76", "quantity": "100", "unit": "t"}],
            }
            order_id = raise_order(session, SYSTEM, build(RaiseOrder, body)).id
            sign_order(session, SYSTEM, SignOrder(order=order_id, party=requesting))
            sign_order(session, SYSTEM, SignOrder(order=order_id, party=supplying))
            made.append(order_id)
    return made


def _apply(db: Database, op: Op, order_id: str, step: int) -> None:
    kind, _, size = op
    at = datetime(2026, 2, 1, tzinfo=UTC) + timedelta(days=step)
    with db.transaction() as session:
        if kind == "deliver":
            lines = [{"line": 0, "quantity": str(size)}]
            delivery = {"order": order_id, "lines": lines, "delivered_at": at, "received_by": "o"}
            record_delivery(session, SYSTEM, build(RecordDelivery, delivery))
        elif kind == "settle":
            currency = (
                "INR" if repository.order(session, order_id).supplying_party == "IN" else "RUB"
            )  # type: ignore[union-attr]
            body = {
                "order": order_id,
                "method": "cash",
                "amount": f"{size * 100000}.00",
                "currency": currency,
                "settled_at": at,
                "reference": "p",
            }
            settlements.record_settlement(session, SYSTEM, build(RecordSettlement, body))
        else:
            postings = ledger.postings(session, None, order_id=order_id)
            if postings:
                ref = postings[size % len(postings)].ref
                reversal = ReversePosting(ref=ref, reason="fix", on=at)
                settlements.reverse(session, SYSTEM, reversal)


def _check(db: Database) -> None:
    with db.transaction(write=False) as session:
        trial = ledger_service.trial_balance(session, SYSTEM).model_dump()
        assert all(sides.get("debit") == sides.get("credit") for sides in trial.values())
        replay: dict[tuple[str, str, str, str], int] = {}
        owed: dict[tuple[str, str], int] = {}
        for p in session.scalars(select(PostingRow)):
            key = (p.agreement_id, p.creditor, p.debtor, p.currency)
            replay[key] = replay.get(key, 0) + p.amount_minor
            owed[(p.order_id, p.currency)] = owed.get((p.order_id, p.currency), 0) + p.amount_minor
        balances = {
            (b.agreement_id, b.creditor, b.debtor, b.currency): b.amount_minor
            for b in session.scalars(select(BalanceRow))
        }
        positions = {
            (p.order_id, p.currency): p.owed_minor for p in session.scalars(select(PositionRow))
        }
        assert {k: v for k, v in balances.items() if v} == {k: v for k, v in replay.items() if v}
        assert {k: v for k, v in positions.items() if v} == {k: v for k, v in owed.items() if v}
        assert all(v >= 0 for v in owed.values()), owed
        postings = session.scalar(select(func.count()).select_from(PostingRow)) or 0
        assert session.scalar(select(func.count()).select_from(EntryRow)) == 2 * postings
        for order_id in {o for o, _ in owed}:
            for line in repository.order_lines(session, order_id):
                assert 0 <= line.delivered <= line.quantity
        # The day totals are the postings' net amount and number per pair, currency and
        # day (the number is what statement pages find their days by).
        keys = (
            PostingRow.agreement_id,
            PostingRow.creditor,
            PostingRow.debtor,
            PostingRow.currency,
            PostingRow.booked_on,
        )
        added = select(*keys, func.sum(PostingRow.amount_minor), func.count()).group_by(*keys)
        assert {tuple(row[:5]): (row[5], row[6]) for row in session.execute(added)} == {
            (t.agreement_id, t.creditor, t.debtor, t.currency, t.booked_on): (
                t.amount_minor,
                t.postings,
            )
            for t in session.scalars(select(DayTotalRow))
        }
        # The maintained spans and day totals give what the postings themselves give, on
        # every day around the bookings and their deadlines.
        for day in (date(2026, 1, 31) + timedelta(days=n) for n in range(0, 150, 10)):
            assert statements.overdue(session, SYSTEM, day) == statements.overdue_from_postings(
                session, SYSTEM, day
            )
            for party in ("IN", "RU"):
                opening = sorted(map(tuple, ledger.opening(session, party, day)))
                assert opening == _opening_from_postings(session, party, day)


def _opening_from_postings(session: Session, party: str, day: date) -> list[tuple[object, ...]]:
    query = (
        select(
            PostingRow.creditor,
            PostingRow.debtor,
            PostingRow.currency,
            func.sum(PostingRow.amount_minor),
        )
        .where(PostingRow.booked_on < day)
        .where((PostingRow.creditor == party) | (PostingRow.debtor == party))
        .group_by(PostingRow.creditor, PostingRow.debtor, PostingRow.currency)
    )
    return sorted(tuple(row) for row in session.execute(query))


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=operations)
def test_any_sequence_of_requests_leaves_a_sound_stored_ledger(
    ops: list[Op], sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.getbasetemp() / f"prop-{uuid.uuid4().hex[:8]}.db"
    shutil.copyfile(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    try:
        orders = _orders(db)
        for step, op in enumerate(ops):
            # A refused request must leave everything as it was, which _check sees.
            with contextlib.suppress(RuleViolations, Conflict):
                _apply(db, op, orders[op[1]], step)
            _check(db)
    finally:
        db.dispose()
        path.unlink(missing_ok=True)
