"""Queries on the ledger: postings, balances and the sums reports need; no rules live here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from relos.kit.money import Money
from relos.logistics.ledger.postings import Posting, PostingKind
from relos.logistics.models import BalanceRow, EntryRow, PositionRow, PostingRow


def posting_of(row: PostingRow) -> Posting:
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
) -> list[Posting]:
    """Postings in booking order, filtered in the query."""
    query = _scoped(select(PostingRow), party)
    if agreement:
        query = query.where(PostingRow.agreement_id == agreement)
    if order_id:
        query = query.where(PostingRow.order_id == order_id)
    if start:
        query = query.where(PostingRow.booked_on >= start)
    if end:
        query = query.where(PostingRow.booked_on < end)
    query = query.order_by(PostingRow.booked_on, PostingRow.id).offset(offset).limit(limit)
    return [posting_of(row) for row in session.scalars(query)]


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
    """(creditor, debtor, currency, sum) of the party's postings booked before `start`."""
    query = select(
        PostingRow.creditor,
        PostingRow.debtor,
        PostingRow.currency,
        func.sum(PostingRow.amount_minor),
    ).where(PostingRow.booked_on < start)
    query = _scoped(query, party).group_by(
        PostingRow.creditor, PostingRow.debtor, PostingRow.currency
    )
    return list(session.connection().execute(query))


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
