"""Writing postings: the postings, their two entries each, and the maintained balances.

Only projectors call this (the ledger tables are projections of logistics events).
Plain executemany on the tables (no ORM unit of work): the ledger is append-only, so
nothing needs tracking, and a batch of 10,000 postings stays well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from relos.kit.inserts import BATCH, Part, Upsert, write_rows
from relos.logistics.ledger.postings import Posting, PostingKind
from relos.logistics.models import (
    BalanceRow,
    DayTotalRow,
    EntryRow,
    OverdueSpanRow,
    PositionRow,
    PostingRow,
)
from relos.logistics.statements.reports import month_pieces, overdue_spans


def _posting_values(posting: Posting, minor: int, recorded_at: datetime) -> dict[str, Any]:
    return {
        "ref": posting.ref,
        "kind": _TEXT[posting.kind],
        "agreement_id": posting.agreement,
        "order_id": posting.order,
        "creditor": posting.creditor,
        "debtor": posting.debtor,
        "currency": posting.currency,
        "amount_minor": minor,
        "booked_on": posting.booked_on,
        "due_on": posting.due_on,
        "reverses": posting.reverses,
        "method": posting.method,
        "memo": posting.memo,
        "recorded_at": recorded_at,
    }


# Plain strings for the enum members: Enum.value is slow in bulk and drivers want str.
_TEXT = {member: str(member.value) for member in PostingKind}


def _legs(posting: Posting, minor: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The posting's two entries as rows (the same legs Posting.entries() describes)."""
    raises = minor >= 0
    size = abs(minor)
    receivable = {
        "posting_ref": posting.ref,
        "account": "receivable",
        "holder": posting.creditor,
        "counterparty": posting.debtor,
        "side": "debit" if raises else "credit",
        "amount_minor": size,
        "currency": posting.currency,
    }
    payable = {
        "posting_ref": posting.ref,
        "account": "payable",
        "holder": posting.debtor,
        "counterparty": posting.creditor,
        "side": "credit" if raises else "debit",
        "amount_minor": size,
        "currency": posting.currency,
    }
    return receivable, payable


def insert_postings(session: Session, postings: Sequence[Posting], recorded_at: datetime) -> None:
    """Write postings, their two entries each, and move the balances, in one go.

    While `record` gathers an event's rows (PostgreSQL, relos.kit.inserts) they all join
    the event's one statement: the postings, entries, the three running totals (upserts)
    and the order's overdue spans, worked out beforehand from the order's other postings
    and these. Otherwise (SQLite, replay, imports of thousands) each table is one
    executemany, as before.
    """
    if not postings:
        return
    minors = [p.amount.minor for p in postings]
    rows = [_posting_values(p, m, recorded_at) for p, m in zip(postings, minors, strict=True)]
    legs = [leg for p, m in zip(postings, minors, strict=True) for leg in _legs(p, m)]
    spans = redo_overdue_spans(session, sorted({p.order for p in postings}), postings)
    parts: list[Part] = [
        (POSTINGS, rows),
        (ENTRIES, legs),
        _balances(postings, minors),
        _positions(postings, minors),
        _day_totals(postings, minors),
        (SPANS, spans),
    ]
    if session.info.get(BATCH) is not None:
        write_rows(session, parts)
        return
    connection = session.connection()
    for part in parts:
        if isinstance(part, Upsert):
            connection.execute(_upsert_statement(session, part), list(part.rows))
        elif part[1]:
            connection.execute(insert(part[0]), list(part[1]))


POSTINGS: Table = PostingRow.__table__  # type: ignore[assignment]
ENTRIES: Table = EntryRow.__table__  # type: ignore[assignment]
SPANS: Table = OverdueSpanRow.__table__  # type: ignore[assignment]


def _upsert_statement(session: Session, part: Upsert) -> Any:
    upsert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = upsert(part.table)
    return statement.on_conflict_do_update(
        index_elements=list(part.key),
        set_={name: part.table.c[name] + statement.excluded[name] for name in part.adding},
    )


def _positions(postings: Sequence[Posting], minors: Sequence[int]) -> Upsert:
    """The postings added to what is owed per order and currency."""
    deltas: dict[tuple[str, str], tuple[Posting, int]] = {}
    for p, minor in zip(postings, minors, strict=True):
        head, total = deltas.get((p.order, p.currency), (p, 0))
        deltas[(p.order, p.currency)] = (head, total + minor)
    rows = [
        {
            "order_id": order,
            "currency": currency,
            "agreement_id": head.agreement,
            "creditor": head.creditor,
            "debtor": head.debtor,
            "owed_minor": delta,
        }
        for (order, currency), (head, delta) in sorted(deltas.items())
    ]
    return Upsert(PositionRow.__table__, rows, ("order_id", "currency"), ("owed_minor",))  # type: ignore[arg-type]


def _balances(postings: Sequence[Posting], minors: Sequence[int]) -> Upsert:
    """The postings added to the maintained balances (per creditor, debtor, currency)."""
    deltas: dict[tuple[str, str, str, str], int] = {}
    for p, minor in zip(postings, minors, strict=True):
        key = (p.agreement, p.creditor, p.debtor, p.currency)
        deltas[key] = deltas.get(key, 0) + minor
    rows = [
        {
            "agreement_id": agreement,
            "creditor": creditor,
            "debtor": debtor,
            "currency": currency,
            "amount_minor": delta,
        }
        for (agreement, creditor, debtor, currency), delta in sorted(deltas.items())
    ]
    pair = ("agreement_id", "creditor", "debtor", "currency")
    return Upsert(BalanceRow.__table__, rows, pair, ("amount_minor",))  # type: ignore[arg-type]


def _day_totals(postings: Sequence[Posting], minors: Sequence[int]) -> Upsert:
    """The postings added to the net amount booked per pair, currency and day, and to the
    number of postings booked there (a statement's lines that day, for paging)."""
    deltas: dict[tuple[str, str, str, str, date], tuple[int, int]] = {}
    for p, minor in zip(postings, minors, strict=True):
        key = (p.agreement, p.creditor, p.debtor, p.currency, p.booked_on)
        amount, count = deltas.get(key, (0, 0))
        deltas[key] = (amount + minor, count + 1)
    rows = [
        {
            "agreement_id": agreement,
            "creditor": creditor,
            "debtor": debtor,
            "currency": currency,
            "booked_on": booked_on,
            "amount_minor": amount,
            "postings": count,
        }
        for (agreement, creditor, debtor, currency, booked_on), (amount, count) in sorted(
            deltas.items()
        )
    ]
    pair_day = ("agreement_id", "creditor", "debtor", "currency", "booked_on")
    adding = ("amount_minor", "postings")
    return Upsert(DayTotalRow.__table__, rows, pair_day, adding)  # type: ignore[arg-type]


def redo_overdue_spans(
    session: Session, order_ids: Sequence[str], adding: Sequence[Posting] = ()
) -> list[dict[str, Any]]:
    """Work out again when each order was overdue (per currency), from all its postings:
    the stored ones other than `adding`, and `adding` (which may not be stored yet). The
    orders' old spans are deleted; their new rows are returned for the caller to insert.

    An order has a handful of postings, and a new one (even one booked on an earlier day)
    can move every span after it; recomputing the order's spans whole keeps them equal to
    what the postings say, write after write and on replay.
    """
    connection = session.connection()
    every = sorted(set(order_ids))
    skip = {p.ref for p in adding}
    rows: list[dict[str, Any]] = []
    for start in range(0, len(every), 500):
        orders = every[start : start + 500]
        gone = delete(OverdueSpanRow).where(OverdueSpanRow.order_id.in_(orders))
        postings = _POSTINGS_OF.where(PostingRow.order_id.in_(orders))
        if connection.dialect.name == "postgresql":
            # One round trip: the spans' DELETE as a WITH clause of the postings' read.
            postings = postings.add_cte(gone.cte("gone"))
        else:
            connection.execute(gone)
        found: list[_Move] = [
            (order, currency, agreement, creditor, debtor, booked, due, int(amount))
            for ref, order, currency, agreement, creditor, debtor, booked, due, amount in (
                connection.execute(postings)
            )
            if ref not in skip
        ]
        wanted = set(orders)
        found += [
            (p.order, p.currency, p.agreement, p.creditor, p.debtor, p.booked_on, p.due_on, m)
            for p, m in ((p, p.amount.minor) for p in adding)
            if p.order in wanted
        ]
        rows += _spans_of(found)
    return rows


_POSTINGS_OF = select(
    PostingRow.ref,
    PostingRow.order_id,
    PostingRow.currency,
    PostingRow.agreement_id,
    PostingRow.creditor,
    PostingRow.debtor,
    PostingRow.booked_on,
    PostingRow.due_on,
    PostingRow.amount_minor,
)
# A posting as the spans need it: order, currency, agreement, creditor, debtor, booked on,
# due on, amount (minor units).
_Move = tuple[str, str, str, str, str, date, date | None, int]


def _spans_of(found: Sequence[_Move]) -> list[dict[str, Any]]:
    moves: dict[tuple[str, str], list[tuple[date, date | None, int]]] = {}
    heads: dict[tuple[str, str], tuple[str, str, str]] = {}
    for order, currency, agreement, creditor, debtor, booked, due, amount in found:
        moves.setdefault((order, currency), []).append((booked, due, amount))
        heads[(order, currency)] = (agreement, creditor, debtor)
    return [
        {
            "order_id": order,
            "currency": currency,
            "from_day": begin,
            "until_day": end,
            "month": month,
            "agreement_id": heads[(order, currency)][0],
            "creditor": heads[(order, currency)][1],
            "debtor": heads[(order, currency)][2],
            "amount_minor": span.amount,
            "due_on": span.due_on,
        }
        for (order, currency), history in sorted(moves.items())
        for span in overdue_spans(history)
        for month, begin, end in month_pieces(span)
    ]
