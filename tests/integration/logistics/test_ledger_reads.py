"""The overdue list and statements as stored reads give exactly what the pure reports
give from every posting: same lines, order, running balances and amounts."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import pytest

from relos.access.domain import SYSTEM, Principal
from relos.kit.db import Database
from relos.kit.money import Money
from relos.kit.pagination import Page
from relos.logistics.ledger import repository
from relos.logistics.ledger import service as ledger_service
from relos.logistics.ledger.postings import (
    Posting,
    delivery_posting,
    reversal_posting,
    settlement_posting,
)
from relos.logistics.statements import paging, reports
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


def _pages(
    database: Database, caller: Principal, party: str, start: date, end: date, limit: int
) -> list[reports.StatementPage]:
    """Every page of the statement, following `more` as a client follows the Link header."""
    pages: list[reports.StatementPage] = []
    with database.transaction(write=False) as session:
        while not pages or pages[-1].more:
            offset = len(pages) * limit
            page = Page(limit, offset)
            pages.append(statements.statement_page(session, caller, party, start, end, page))
    return pages


def test_statement_pages_add_up_to_the_whole_statement(database: Database) -> None:
    _book(database)
    periods = [
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2026, 1, 15), date(2026, 2, 1)),
        (date(2026, 3, 1), date(2026, 6, 1)),
        (date(2025, 12, 1), date(2026, 1, 1)),  # no lines: one empty page
    ]
    longest = 0
    for party in ("IN", "RU"):
        caller = Principal(0, f"{party}-finance", party, frozenset({"finance"}))
        for start, end in periods:
            with database.transaction(write=False) as session:
                whole = statements.statement(session, caller, party, start, end)
            longest = max(longest, len(whole.lines))
            for limit in (1, 2, 3, 7, 50, 5000):
                pages = _pages(database, caller, party, start, end, limit)
                where = (party, start, end, limit)
                # Lines and their running balances, in order, each once.
                assert [line for p in pages for line in p.lines] == whole.lines, where
                assert all(len(p.lines) == limit for p in pages[:-1]), where
                assert len(pages) == max(1, -(-len(whole.lines) // limit)), where
                # Each page states the period's opening and closing, and its own edges.
                for p in pages:
                    assert (p.opening, p.closing) == (whole.opening, whole.closing), where
                assert pages[0].brought_forward == whole.opening, where
                assert pages[-1].carried_forward == whole.closing, where
                for before, after in itertools.pairwise(pages):
                    assert after.brought_forward == before.carried_forward, where
    assert longest > 40  # the long periods span many pages of a few lines


def test_a_statement_page_past_the_last_line_is_empty_at_the_closing(
    database: Database,
) -> None:
    _book(database)
    caller = Principal(0, "IN-finance", "IN", frozenset({"finance"}))
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    with database.transaction(write=False) as session:
        whole = statements.statement(session, caller, "IN", start, end)
        past = statements.statement_page(session, caller, "IN", start, end, Page(5, 10_000))
        every = statements.statement_page(session, caller, "IN", start, end, Page())
    assert past.lines == [] and not past.more
    assert past.brought_forward == past.carried_forward == whole.closing
    assert every.lines == whole.lines and not every.more


def test_a_statement_page_reads_one_snapshot_while_postings_are_booked(
    database: Database,
) -> None:
    _book(database)
    caller = Principal(0, "IN-finance", "IN", frozenset({"finance"}))
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    late = delivery_posting(
        "!late",  # first in code point order: before every line of its day
        agreement="in-ru-relos",
        order="late-order",
        supplier="RU",
        requester="IN",
        value=Money.from_minor(1_000, "RUB"),
        delivered_on=date(2026, 1, 20),
        days_to_settle=30,
    )
    with database.transaction(write=False) as session:
        first = statements.statement_page(session, caller, "IN", start, end, Page(10, 20))
        with database.transaction() as other:  # booked into the period meanwhile
            ledger_service.post_batch(other, SYSTEM, [late])
        again = statements.statement_page(session, caller, "IN", start, end, Page(10, 20))
    assert again == first
    with database.transaction(write=False) as session:
        after = statements.statement_page(session, caller, "IN", start, end, Page(10, 20))
    assert after.closing != first.closing


# Other agreements beside Russia's: France in few postings (a sparse party), Japan in a
# few more, each in its own currency; their days have none of Russia's or France's lines.
OTHERS = (("in-fr-rls", "FR", "EUR", 3), ("in-jp-acsa", "JP", "USD", 10))


def _book_several(database: Database) -> list[Posting]:
    """_book's ledger (India and Russia, two currencies) and the other agreements' orders."""
    rng = random.Random(7)
    postings: list[Posting] = []
    for agreement, other, currency, orders in OTHERS:
        for n in range(orders):
            first = date(2026, 1, 1) + timedelta(days=rng.randrange(90))
            owed = rng.randint(1, 900_000)
            postings.append(
                delivery_posting(
                    f"{other}-{n}:d",
                    agreement=agreement,
                    order=f"{other}-{n}",
                    supplier=other if n % 2 else "IN",
                    requester="IN" if n % 2 else other,
                    value=Money.from_minor(owed, currency),
                    delivered_on=first,
                    days_to_settle=30,
                )
            )
            postings.append(
                settlement_posting(
                    f"{other}-{n}:S",
                    agreement=agreement,
                    order=f"{other}-{n}",
                    creditor=other if n % 2 else "IN",
                    debtor="IN" if n % 2 else other,
                    amount=Money.from_minor(owed, currency),
                    settled_on=first + timedelta(days=rng.randrange(40)),
                    method="cash",
                )
            )
    with database.transaction() as session:
        ledger_service.post_batch(session, SYSTEM, postings)
    _book(database)
    with database.transaction(write=False) as session:
        return repository.postings(session, None)


def _page_of(whole: reports.Statement, offset: int, limit: int) -> reports.StatementPage:
    """The page [offset, offset + limit) cut from the whole statement: its lines, and the
    positions at its edges from the opening and the running balances before them."""

    def position_after(count: int) -> dict[tuple[str, str], Money]:
        positions = dict(whole.opening)
        for line in whole.lines[:count]:
            positions[(line.counterparty, line.amount.currency)] = line.balance
        return positions

    lines = whole.lines[offset : offset + limit]
    return reports.StatementPage(
        whole.party,
        whole.start,
        whole.end,
        whole.opening,
        whole.closing,
        offset,
        limit,
        position_after(offset),
        lines,
        position_after(offset + limit),
        offset + limit < len(whole.lines),
    )


@pytest.mark.slow
@pytest.mark.parametrize("ratio", [0, paging.RATIO, 10**9], ids=["by-party", "chosen", "by-day"])
def test_a_page_at_any_offset_is_that_slice_of_the_whole_statement(
    database: Database, ratio: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both ways of reading a window's lines (the party's indexes, the by-day walk) and the
    # one the counts choose, for a busy party, a sparse one and others.
    monkeypatch.setattr(paging, "RATIO", ratio)
    postings = _book_several(database)
    periods = [
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2026, 1, 20), date(2026, 3, 3)),
        (date(2026, 2, 10), date(2026, 2, 11)),
    ]
    boundaries = pasts = sparse = 0
    for party in ("IN", "RU", "FR", "JP"):
        caller = Principal(0, f"{party}-finance", party, frozenset({"finance"}))
        for start, end in periods:
            whole = reports.statement(postings, party, start, end)
            count = len(whole.lines)
            with database.transaction(write=False) as session:
                assert statements.statement(session, caller, party, start, end) == whole
                days = [line.booked_on for line in whole.lines]
                for limit, step in ((2, 1), (7, 7), (50, 50)):
                    # Every offset with pages of two: each day boundary, the last line,
                    # one past it, and far past it.
                    for offset in [*range(0, count + 2, step), count + 5, 10_000]:
                        page = Page(limit, offset)
                        found = statements.statement_page(session, caller, party, start, end, page)
                        assert found == _page_of(whole, offset, limit), (party, start, offset)
                        boundaries += 0 < offset < count and days[offset - 1] != days[offset]
                        pasts += offset >= count
            sparse += party == "FR" and 0 < count < 10
    assert boundaries > 100 and pasts > 20 and sparse  # the cases above do occur


def _plan(database: Database, by_party: bool) -> str:
    query = repository.statement_query(
        "FR", date(2026, 1, 1), date(2026, 3, 1), Page(501, 3), "sqlite", by_party=by_party
    )
    compiled = query.compile(dialect=database.engine.dialect)
    values = tuple(compiled.params[name] for name in compiled.positiontup or ())
    values = tuple(str(v) if isinstance(v, date) else v for v in values)
    with database.engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", values).all()
    return "\n".join(str(row[-1]) for row in rows)


def test_sqlite_reads_a_sparse_party_through_its_indexes_and_a_busy_one_by_day(
    sqlite_database: Database,
) -> None:
    # SQLite's planner chooses from the query's shape alone (relos runs no ANALYZE), so
    # the plans on this empty database are the plans at 1M entries.
    by_party = _plan(sqlite_database, by_party=True)
    assert "MULTI-INDEX OR" in by_party, by_party
    assert "ix_ledger_postings_creditor" in by_party, by_party
    assert "ix_ledger_postings_debtor" in by_party, by_party
    by_day = _plan(sqlite_database, by_party=False)
    assert "COVERING INDEX ix_ledger_postings_by_day" in by_day, by_day
    assert "MULTI-INDEX OR" not in by_day and "TEMP B-TREE" not in by_day, by_day
