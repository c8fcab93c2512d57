"""The overdue list and statements as stored reads give exactly what the pure reports
give from every posting: same lines, order, running balances and amounts."""

from __future__ import annotations

import random
from datetime import date, timedelta

from relos.access.domain import SYSTEM, Principal
from relos.kit.db import Database
from relos.kit.money import Money
from relos.logistics.ledger import repository
from relos.logistics.ledger import service as ledger_service
from relos.logistics.ledger.postings import (
    Posting,
    delivery_posting,
    reversal_posting,
    settlement_posting,
)
from relos.logistics.statements import reports
from relos.logistics.statements import service as statements

PAIRS = (("RU", "IN", "RUB"), ("IN", "RU", "INR"), ("RU", "IN", "INR"))
# Order ids and refs whose code point order differs from a linguistic collation's
# (upper case before lower case, punctuation between), so a read sorted by the database's
# collation instead of by code point would show up as a different order.
NAMES = ("a-1", "B_2", "b.3", "A-4", "_5", "Z6", "z-7", "a_8")


def _order_postings(order: str, rng: random.Random) -> list[Posting]:
    """One order's life: deliveries, sometimes one reversed, a partial or full payment."""
    creditor, debtor, currency = PAIRS[rng.randrange(len(PAIRS))]
    first = date(2026, 1, 1) + timedelta(days=rng.randrange(60))
    postings: list[Posting] = []
    owed = 0
    for n in range(rng.randint(1, 4)):
        value = rng.randint(1, 5_000_000)
        owed += value
        postings.append(
            delivery_posting(
                f"{order}:{NAMES[n]}",
                agreement="in-ru-relos",
                order=order,
                supplier=creditor,
                requester=debtor,
                value=Money.from_minor(value, currency),
                delivered_on=first + timedelta(days=rng.randrange(3)),
                days_to_settle=rng.choice((10, 30, 90)),
            )
        )
    if rng.random() < 0.3:
        undone = postings[0]
        owed -= undone.amount.minor
        day = undone.booked_on + timedelta(days=rng.randrange(20))
        postings.append(reversal_posting(undone, f"{undone.ref}:reversal", day))
    paid = owed if rng.random() < 0.5 else owed * rng.randrange(80) // 100
    if paid > 0:
        postings.append(
            settlement_posting(
                f"{order}:S",
                agreement="in-ru-relos",
                order=order,
                creditor=creditor,
                debtor=debtor,
                amount=Money.from_minor(paid, currency),
                settled_on=first + timedelta(days=rng.randrange(150)),
                method="cash",
            )
        )
    return postings


def _book(database: Database) -> list[Posting]:
    rng = random.Random(2026)
    orders = [f"{name}-{n:02d}" for n in range(5) for name in NAMES]
    postings = [p for order in orders for p in _order_postings(order, rng)]
    with database.transaction() as session:
        ledger_service.post_batch(session, SYSTEM, postings)
    with database.transaction(write=False) as session:
        return repository.postings(session, None)


def test_statements_from_the_store_equal_the_pure_statement(database: Database) -> None:
    postings = _book(database)
    periods = [
        (date(2026, 1, 1), date(2026, 1, 2)),
        (date(2026, 1, 15), date(2026, 2, 1)),
        (date(2026, 2, 10), date(2026, 2, 11)),
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2025, 12, 1), date(2026, 1, 1)),
        (date(2026, 3, 1), date(2026, 6, 1)),
    ]
    with database.transaction(write=False) as session:
        for party in ("IN", "RU"):
            caller = Principal(0, f"{party}-finance", party, frozenset({"finance"}))
            for start, end in periods:
                stored = statements.statement(session, caller, party, start, end)
                pure = reports.statement(postings, party, start, end)
                assert stored == pure, (party, start, end)
    whole = reports.statement(postings, "IN", date(2026, 1, 1), date(2026, 12, 31))
    assert len(whole.lines) == len(postings)  # every posting is India's, each once
    assert {line.kind.value for line in whole.lines} == {"delivery", "settlement", "reversal"}


def test_overdue_from_the_store_equals_the_pure_list_on_every_day(database: Database) -> None:
    postings = _book(database)
    seen = 0
    with database.transaction(write=False) as session:
        for offset in range(0, 260, 3):
            day = date(2026, 1, 1) + timedelta(days=offset)
            stored = statements.overdue(session, SYSTEM, day)
            assert stored == statements.overdue_from_postings(session, SYSTEM, day), day
            pure = [
                (i.due_on.isoformat(), i.order, i.amount.currency, str(i.amount.amount))
                for i in reports.overdue(postings, day)
            ]
            assert [(i.due_on, i.order, i.currency, i.amount) for i in stored] == pure, day
            seen += len(stored)
    assert seen > 100  # the days above do list overdue orders, several at a time
