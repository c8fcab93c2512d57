"""Writing postings: the postings, their two entries each, and the maintained balances.

Only projectors call this (the ledger tables are projections of logistics events).
Plain executemany on the tables (no ORM unit of work): the ledger is append-only, so
nothing needs tracking, and a batch of 10,000 postings stays well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

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
    """Write postings, their two entries each, and move the balances, in one go."""
    if not postings:
        return
    minors = [p.amount.minor for p in postings]
    connection = session.connection()
    rows = [_posting_values(p, m, recorded_at) for p, m in zip(postings, minors, strict=True)]
    connection.execute(insert(PostingRow), rows)
    legs = [leg for p, m in zip(postings, minors, strict=True) for leg in _legs(p, m)]
    connection.execute(insert(EntryRow), legs)
    move_balances(session, postings, minors)
    move_positions(session, postings, minors)
    move_day_totals(session, postings, minors)
    redo_overdue_spans(session, sorted({p.order for p in postings}))


def _upsert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def move_positions(session: Session, postings: Sequence[Posting], minors: Sequence[int]) -> None:
    """Add the postings to what is owed per order and currency."""
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
    statement = _upsert(session)(PositionRow)
    statement = statement.on_conflict_do_update(
        index_elements=["order_id", "currency"],
        set_={"owed_minor": PositionRow.owed_minor + statement.excluded.owed_minor},
    )
    session.connection().execute(statement, rows)


def move_balances(session: Session, postings: Sequence[Posting], minors: Sequence[int]) -> None:
    """Add the postings to the maintained balances (an upsert per creditor/debtor/currency)."""
    deltas: dict[tuple[str, str, str, str], int] = {}
    for p, minor in zip(postings, minors, strict=True):
        key = (p.agreement, p.creditor, p.debtor, p.currency)
        deltas[key] = deltas.get(key, 0) + minor
    upsert = _upsert(session)
    for (agreement, creditor, debtor, currency), delta in sorted(deltas.items()):
        statement = upsert(BalanceRow).values(
            agreement_id=agreement,
            creditor=creditor,
            debtor=debtor,
            currency=currency,
            amount_minor=delta,
        )
        statement = statement.on_conflict_do_update(
            index_elements=["agreement_id", "creditor", "debtor", "currency"],
            set_={"amount_minor": BalanceRow.amount_minor + statement.excluded.amount_minor},
        )
        session.execute(statement)


def move_day_totals(session: Session, postings: Sequence[Posting], minors: Sequence[int]) -> None:
    """Add the postings to the net amount booked per pair, currency and day."""
    deltas: dict[tuple[str, str, str, str, date], int] = {}
    for p, minor in zip(postings, minors, strict=True):
        key = (p.agreement, p.creditor, p.debtor, p.currency, p.booked_on)
        deltas[key] = deltas.get(key, 0) + minor
    rows = [
        {
            "agreement_id": agreement,
            "creditor": creditor,
            "debtor": debtor,
            "currency": currency,
            "booked_on": booked_on,
            "amount_minor": delta,
        }
        for (agreement, creditor, debtor, currency, booked_on), delta in sorted(deltas.items())
    ]
    statement = _upsert(session)(DayTotalRow)
    statement = statement.on_conflict_do_update(
        index_elements=["agreement_id", "creditor", "debtor", "currency", "booked_on"],
        set_={"amount_minor": DayTotalRow.amount_minor + statement.excluded.amount_minor},
    )
    session.connection().execute(statement, rows)


def redo_overdue_spans(session: Session, order_ids: Sequence[str]) -> None:
    """Work out again when each order was overdue (per currency), from all its postings.

    An order has a handful of postings, and a new one (even one booked on an earlier day)
    can move every span after it; recomputing the order's spans whole keeps them equal to
    what the postings say, write after write and on replay.
    """
    connection = session.connection()
    every = sorted(set(order_ids))
    for start in range(0, len(every), 500):
        orders = every[start : start + 500]
        connection.execute(delete(OverdueSpanRow).where(OverdueSpanRow.order_id.in_(orders)))
        found = connection.execute(
            select(
                PostingRow.order_id,
                PostingRow.currency,
                PostingRow.agreement_id,
                PostingRow.creditor,
                PostingRow.debtor,
                PostingRow.booked_on,
                PostingRow.due_on,
                PostingRow.amount_minor,
            ).where(PostingRow.order_id.in_(orders))
        )
        moves: dict[tuple[str, str], list[tuple[date, date | None, int]]] = {}
        heads: dict[tuple[str, str], tuple[str, str, str]] = {}
        for order, currency, agreement, creditor, debtor, booked, due, amount in found:
            moves.setdefault((order, currency), []).append((booked, due, int(amount)))
            heads[(order, currency)] = (agreement, creditor, debtor)
        rows = [
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
        if rows:
            connection.execute(insert(OverdueSpanRow), rows)
