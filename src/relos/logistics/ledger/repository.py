"""Queries on the ledger: postings, balances and the sums reports need; no rules live here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    UnaryExpression,
    bindparam,
    case,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.operators import custom_op

from relos.kit.db import connection_of
from relos.kit.listing import ListFilter, contains, order_by
from relos.kit.money import Money
from relos.kit.pagination import Page
from relos.logistics.ledger.postings import Posting, PostingKind
from relos.logistics.models import (
    BalanceRow,
    DayTotalRow,
    EntryRow,
    OrderRow,
    OverdueSpanRow,
    PositionRow,
    PostingRow,
)
from relos.logistics.statements.paging import DayLines

# A posting's own columns (not its id or recording time), read as plain rows: statements
# and exports read thousands, and ORM objects would only be built, tracked and dropped.
_POSTING_COLUMNS = (
    PostingRow.ref,
    PostingRow.kind,
    PostingRow.agreement_id,
    PostingRow.order_id,
    PostingRow.creditor,
    PostingRow.debtor,
    PostingRow.amount_minor,
    PostingRow.currency,
    PostingRow.booked_on,
    PostingRow.due_on,
    PostingRow.reverses,
    PostingRow.method,
    PostingRow.memo,
)


def posting_of(row: Any) -> Posting:
    """A Posting from a PostingRow or a plain row of _POSTING_COLUMNS."""
    return Posting(
        row.ref,
        PostingKind(row.kind),
        row.agreement_id,
        row.order_id,
        row.creditor,
        row.debtor,
        Money.from_minor(row.amount_minor, row.currency),
        row.booked_on,
        row.due_on,
        row.reverses,
        row.method,
        row.memo,
    )


def order_postings(session: Session, order_ids: Sequence[str]) -> list[Posting]:
    query = select(PostingRow).where(PostingRow.order_id.in_(order_ids)).order_by(PostingRow.id)
    return [posting_of(row) for row in session.scalars(query)]


def posting_by_ref(session: Session, ref: str) -> PostingRow | None:
    return session.scalar(select(PostingRow).where(PostingRow.ref == ref))


def balances(session: Session, agreement: str | None, party: str | None) -> list[BalanceRow]:
    query = select(BalanceRow).where(BalanceRow.amount_minor != 0)
    if agreement:
        query = query.where(BalanceRow.agreement_id == agreement)
    if party:
        query = query.where(or_(BalanceRow.creditor == party, BalanceRow.debtor == party))
    order = (BalanceRow.agreement_id, BalanceRow.creditor, BalanceRow.debtor, BalanceRow.currency)
    return list(session.scalars(query.order_by(*order)))


AnySelect = TypeVar("AnySelect", bound="Select[*tuple[Any, ...]]")


def _scoped(query: AnySelect, party: str | None) -> AnySelect:
    if party:
        query = query.where(or_(PostingRow.creditor == party, PostingRow.debtor == party))
    return query


def postings(
    session: Session,
    party: str | None,
    *,
    agreement: str | None = None,
    order_id: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int | None = None,
    offset: int = 0,
    filters: ListFilter = ListFilter(),
    concerning: str | None = None,
) -> list[Posting]:
    """Postings in booking order (or `filters.sort`), filtered in the query.

    `concerning` narrows to postings where that party is creditor or debtor; `filters.q`
    searches the posting's ref, kind, memo and its order's reference; `filters.facility`
    keeps postings of orders at that facility; `filters.start` / `end` bound the booking day.
    """
    query = _scoped(select(*_POSTING_COLUMNS), party)
    query = _scoped(query, concerning)
    if filters.q:
        orders = select(OrderRow.id).where(contains(filters.q, [OrderRow.reference]))
        columns = [PostingRow.ref, PostingRow.kind, PostingRow.memo]
        query = query.where(or_(contains(filters.q, columns), PostingRow.order_id.in_(orders)))
    if filters.facility:
        at = select(OrderRow.id).where(OrderRow.facility == filters.facility)
        query = query.where(PostingRow.order_id.in_(at))
    if filters.start is not None:
        query = query.where(PostingRow.booked_on >= filters.start.date())
    if filters.end is not None:
        query = query.where(PostingRow.booked_on < filters.end.date())
    if agreement:
        query = query.where(PostingRow.agreement_id == agreement)
    if order_id:
        query = query.where(PostingRow.order_id == order_id)
    if start:
        query = query.where(PostingRow.booked_on >= start)
    if end:
        query = query.where(PostingRow.booked_on < end)
    ordering = order_by(filters.sort, POSTING_SORTABLE, "booked_on")
    query = query.order_by(*ordering, PostingRow.id).offset(offset).limit(limit)
    return [posting_of(row) for row in connection_of(session).execute(query).all()]


def one_snapshot(session: Session) -> None:
    """Make the session's reads from here on see one snapshot of the ledger, so a
    statement's positions and lines agree even while postings are booked into its period
    (PostgreSQL reads each statement's own snapshot under READ COMMITTED; an SQLite read
    transaction already keeps one). Only a session that has read nothing yet can still
    choose: in one that has (a CLI command that first found its user), it does nothing."""
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def statement_period(
    session: Session,
    party: str,
    start: date,
    end: date,
    page: Page = Page(),
    *,
    by_party: bool = False,
) -> list[Any]:
    """(booked_on, ref, kind, order, creditor, debtor, currency, amount) of the party's
    postings booked in [start, end), in booking day and reference order (code point order,
    as Python sorts text, whatever the database's collation); the page of them asked for
    (LIMIT and OFFSET in the database, after its sort).

    A posting's ref is unique, so (day, ref) is a total order: pages cut from it never
    skip or repeat a line. `by_party`: the party is in few of the period's postings, so
    SQLite reads them through the creditor and debtor indexes (`_by_party`), not by
    walking the booking-day index past everyone else's (`_by_day`).
    """
    dialect = session.get_bind().dialect.name
    query = statement_query(party, start, end, page, dialect, by_party=by_party)
    return list(connection_of(session).execute(query).all())


def statement_query(
    party: str, start: date, end: date, page: Page, dialect: str, *, by_party: bool = False
) -> Select[*tuple[Any, ...]]:
    """The query `statement_period` runs (apart, so a test can ask SQLite for its plan)."""
    query = select(
        PostingRow.booked_on,
        PostingRow.ref,
        PostingRow.kind,
        PostingRow.order_id,
        PostingRow.creditor,
        PostingRow.debtor,
        PostingRow.currency,
        PostingRow.amount_minor,
    ).where(PostingRow.booked_on >= start, PostingRow.booked_on < end)
    query = _by_party(query, party) if by_party else _by_day(query, party, dialect)
    query = query.order_by(PostingRow.booked_on, PostingRow.ref.collate(_BINARY[dialect]))
    if page.limit is not None:
        query = query.limit(page.limit)
    if page.offset:
        query = query.offset(page.offset)
    return query


def day_lines(session: Session, party: str, start: date, end: date) -> list[DayLines]:
    """Each booking day of [start, end) with postings: how many are the party's (its
    statement's lines that day) and how many there are in all, from the day totals'
    counts (a few rows a day), in day order."""
    values = {"party": party, "start": start, "end": end}
    return [DayLines(*row) for row in connection_of(session).execute(_DAY_LINES, values)]


# Built once: a long period has hundreds of days, and building the statement and a
# dataclass per day cost about as much again as the database's read of the day totals.
_MINE = or_(DayTotalRow.creditor == bindparam("party"), DayTotalRow.debtor == bindparam("party"))
_DAY_LINES = (
    select(
        DayTotalRow.booked_on,
        func.sum(case((_MINE, DayTotalRow.postings), else_=0)),
        func.sum(DayTotalRow.postings),
    )
    .where(DayTotalRow.booked_on >= bindparam("start"), DayTotalRow.booked_on < bindparam("end"))
    .group_by(DayTotalRow.booked_on)
    .order_by(DayTotalRow.booked_on)
)


def positions_before(session: Session, party: str, day: date, ref: str) -> list[Any]:
    """(creditor, debtor, currency, sum) of the party's postings that come before the
    posting (`day`, `ref`) in statement order: whole days from the maintained day totals,
    and that day's earlier refs (code point order) from the booking-day index, so the
    position brought forward to any line costs a few hundred day rows and at most a day's
    postings, however deep into a long period the line is."""
    totals = select(
        DayTotalRow.creditor, DayTotalRow.debtor, DayTotalRow.currency, DayTotalRow.amount_minor
    ).where(DayTotalRow.booked_on < day)
    if party:
        totals = totals.where(or_(DayTotalRow.creditor == party, DayTotalRow.debtor == party))
    dialect = session.get_bind().dialect.name
    earlier = select(
        PostingRow.creditor, PostingRow.debtor, PostingRow.currency, PostingRow.amount_minor
    ).where(PostingRow.booked_on == day, PostingRow.ref.collate(_BINARY[dialect]) < ref)
    both = union_all(totals, _by_day(earlier, party, dialect)).subquery()
    keys = (both.c.creditor, both.c.debtor, both.c.currency)
    query = select(*keys, func.sum(both.c.amount_minor)).group_by(*keys)
    return list(session.connection().execute(query))


def _by_day(query: AnySelect, party: str, dialect: str) -> AnySelect:
    """The party's postings, read by booking day from `ix_ledger_postings_by_day`.

    That index holds every column a statement reads, in statement order on SQLite (whose
    text sorts by code point), so a page is a walk from the period's start that stops at
    the page's end. Left to itself SQLite's planner gathers the whole period through the
    creditor and debtor indexes and the table, then sorts it: 29 ms instead of 0.7 for
    the first page of a week at 1M entries. The unary `+` keeps the party test off those
    indexes (SQLite's documented way to disqualify a term). The price: a party in few of
    the period's postings walks them all (about 0.2 µs each). PostgreSQL's planner, with
    statistics, walks this index for a busy party (an incremental sort by ref per day) and
    the party indexes for a rare one.
    """
    if not party:
        return query
    creditor: ColumnElement[str] = PostingRow.creditor.expression
    debtor: ColumnElement[str] = PostingRow.debtor.expression
    if dialect == "sqlite":
        creditor, debtor = _unindexed(creditor), _unindexed(debtor)
    return query.where(or_(creditor == party, debtor == party))


def _by_party(query: AnySelect, party: str) -> AnySelect:
    """The party's postings, read through `ix_ledger_postings_creditor` and `_debtor`
    (creditor or debtor, then booking day): for a party in few of the period's postings
    (statements.paging.reads_by_party), whose lines a walk of the by-day index would find
    one in many. SQLite then reads both indexes for the period (a MULTI-INDEX OR), fetches
    the party's rows and sorts them; PostgreSQL's planner chooses as it would anyway."""
    return query.where(or_(PostingRow.creditor == party, PostingRow.debtor == party))


def _unindexed(column: ColumnElement[str]) -> ColumnElement[str]:
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)


POSTING_SORTABLE = {
    "booked_on": PostingRow.booked_on,
    "due_on": PostingRow.due_on,
    "ref": PostingRow.ref,
    "kind": PostingRow.kind,
    "agreement": PostingRow.agreement_id,
    "creditor": PostingRow.creditor,
    "debtor": PostingRow.debtor,
    "currency": PostingRow.currency,
    "amount": PostingRow.amount_minor,
}


def last_booked(session: Session) -> date | None:
    return session.scalar(select(func.max(PostingRow.booked_on)))


def dues(session: Session, party: str | None, as_of: date, open_only: bool = False) -> list[Any]:
    """Sums per order, currency and due date (None: payments) of postings booked by `as_of`.

    `open_only` reads just the orders that still owe something now (ledger_positions);
    callers use it when nothing is booked after `as_of`, where it gives the same answer.
    """
    query = select(
        PostingRow.agreement_id,
        PostingRow.order_id,
        PostingRow.creditor,
        PostingRow.debtor,
        PostingRow.currency,
        PostingRow.due_on,
        func.sum(PostingRow.amount_minor),
    )
    if open_only:
        # Drive from the few open positions through the order index; with nothing booked
        # after `as_of` a date filter is moot, and leaving it out keeps the planner from
        # scanning the date index instead.
        query = (
            query.select_from(PositionRow)
            .join(
                PostingRow,
                (PositionRow.order_id == PostingRow.order_id)
                & (PositionRow.currency == PostingRow.currency),
            )
            .where(PositionRow.owed_minor > 0)
        )
    else:
        query = query.where(PostingRow.booked_on <= as_of)
    query = _scoped(query, party).group_by(
        PostingRow.agreement_id,
        PostingRow.order_id,
        PostingRow.creditor,
        PostingRow.debtor,
        PostingRow.currency,
        PostingRow.due_on,
    )
    return list(session.connection().execute(query))


def opening(session: Session, party: str, start: date) -> list[Any]:
    """(creditor, debtor, currency, sum) of the party's postings booked before `start`.

    Read from the maintained day totals (a few rows a day), not from every posting.
    """
    query = select(
        DayTotalRow.creditor,
        DayTotalRow.debtor,
        DayTotalRow.currency,
        func.sum(DayTotalRow.amount_minor),
    ).where(DayTotalRow.booked_on < start)
    if party:
        query = query.where(or_(DayTotalRow.creditor == party, DayTotalRow.debtor == party))
    query = query.group_by(DayTotalRow.creditor, DayTotalRow.debtor, DayTotalRow.currency)
    return list(session.connection().execute(query))


def opening_and_closing(session: Session, party: str, start: date, end: date) -> list[Any]:
    """(creditor, debtor, currency, sum before `start`, sum before `end`) of the party's
    postings, from the maintained day totals in one read. The sum before `start` is None
    where nothing was booked before it, so the opening lists the same pairs as `opening`.
    """
    before_start = case((DayTotalRow.booked_on < start, DayTotalRow.amount_minor))
    keys = (DayTotalRow.creditor, DayTotalRow.debtor, DayTotalRow.currency)
    query = select(*keys, func.sum(before_start), func.sum(DayTotalRow.amount_minor))
    query = query.where(DayTotalRow.booked_on < end)
    if party:
        query = query.where(or_(DayTotalRow.creditor == party, DayTotalRow.debtor == party))
    return list(session.connection().execute(query.group_by(*keys)))


def overdue_at(session: Session, party: str | None, as_of: date, page: Page = Page()) -> list[Any]:
    """(due_on, order, agreement, creditor, debtor, currency, amount) overdue on `as_of`,
    oldest due date first; the page of them asked for (LIMIT and OFFSET in the database,
    so a page of a busy day's list costs the page, not the day).

    The maintained spans that contain the day: that month's closed pieces still running
    after it and the open spans begun by it, both read from their covering indexes.
    """
    columns = (
        OverdueSpanRow.due_on,
        OverdueSpanRow.order_id,
        OverdueSpanRow.agreement_id,
        OverdueSpanRow.creditor,
        OverdueSpanRow.debtor,
        OverdueSpanRow.currency,
        OverdueSpanRow.amount_minor,
    )
    closed = select(*columns).where(
        OverdueSpanRow.month == as_of.replace(day=1),
        OverdueSpanRow.until_day > as_of,
        OverdueSpanRow.from_day <= as_of,
    )
    still = select(*columns).where(OverdueSpanRow.month.is_(None), OverdueSpanRow.from_day <= as_of)
    if party:
        mine = or_(OverdueSpanRow.creditor == party, OverdueSpanRow.debtor == party)
        closed, still = closed.where(mine), still.where(mine)
    # Sorted by the database, the text in code point order (as Python sorts it) whatever
    # the database's collation, so the caller need not sort thousands of rows again.
    binary = _BINARY[session.get_bind().dialect.name]
    spans = union_all(closed, still).subquery()
    query = select(*spans.c).order_by(
        spans.c.due_on, spans.c.order_id.collate(binary), spans.c.currency.collate(binary)
    )
    if page.limit is not None:
        query = query.limit(page.limit)
    if page.offset:
        query = query.offset(page.offset)
    return list(session.connection().execute(query).all())


# The collation comparing text by code point (UTF-8 bytes sort the same way).
_BINARY = {"postgresql": "C", "sqlite": "BINARY"}


def day_totals(session: Session, agreement: str | None, party: str | None) -> list[Any]:
    """Net amount per agreement, creditor, debtor, currency and booking day."""
    columns = (
        PostingRow.agreement_id,
        PostingRow.creditor,
        PostingRow.debtor,
        PostingRow.currency,
        PostingRow.booked_on,
    )
    query = _scoped(select(*columns, func.sum(PostingRow.amount_minor)), party)
    if agreement:
        query = query.where(PostingRow.agreement_id == agreement)
    return list(session.connection().execute(query.group_by(*columns)))


def entry_totals(session: Session, party: str | None = None) -> list[Any]:
    """(currency, side, sum) over the entries of postings the party is in (None: all)."""
    query = select(EntryRow.currency, EntryRow.side, func.sum(EntryRow.amount_minor))
    query = _scoped(query.join(PostingRow, PostingRow.ref == EntryRow.posting_ref), party)
    return list(session.connection().execute(query.group_by(EntryRow.currency, EntryRow.side)))
