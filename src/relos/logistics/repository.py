"""Queries on price lists, support orders and the ledger; no rules live here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from relos.kit.listing import ListFilter, contains, order_by
from relos.kit.money import Money
from relos.kit.pagination import Page
from relos.logistics.ledger import Posting, PostingKind
from relos.logistics.models import (
    BalanceRow,
    DeliveryRow,
    EntryRow,
    OrderLineRow,
    OrderRow,
    PositionRow,
    PostingRow,
    PriceRow,
    RateRow,
    SettlementRow,
    SignatureRow,
)


def prices(session: Session, supplier: str | None = None) -> list[PriceRow]:
    query = select(PriceRow).order_by(PriceRow.supplying_party, PriceRow.item, PriceRow.valid_from)
    if supplier:
        query = query.where(PriceRow.supplying_party == supplier)
    return list(session.scalars(query))


def order(session: Session, order_id: str) -> OrderRow | None:
    return session.get(OrderRow, order_id)


def order_lines(session: Session, order_id: str) -> list[OrderLineRow]:
    query = select(OrderLineRow).where(OrderLineRow.order_id == order_id)
    return list(session.scalars(query.order_by(OrderLineRow.line_no)))


def signatures(session: Session, order_id: str) -> list[SignatureRow]:
    query = select(SignatureRow).where(SignatureRow.order_id == order_id)
    return list(session.scalars(query.order_by(SignatureRow.signed_at)))


def deliveries(session: Session, order_id: str) -> list[DeliveryRow]:
    query = select(DeliveryRow).where(DeliveryRow.order_id == order_id)
    return list(session.scalars(query.order_by(DeliveryRow.delivered_at, DeliveryRow.id)))


def settlements(session: Session, order_id: str) -> list[SettlementRow]:
    query = select(SettlementRow).where(SettlementRow.order_id == order_id)
    return list(session.scalars(query.order_by(SettlementRow.settled_at, SettlementRow.id)))


def _chunks(ids: Sequence[str], size: int = 500) -> list[Sequence[str]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


# The order-scoped tables whose rows a list of orders gathers in bulk.
Row = TypeVar("Row", OrderLineRow, SignatureRow, DeliveryRow, PositionRow)


def _grouped_by_order(
    session: Session, model: type[Row], ids: Sequence[str], *order_by: Any
) -> dict[str, list[Row]]:
    """Rows of many orders in a few queries, grouped by order (not one query per order)."""
    found: dict[str, list[Row]] = {}
    for chunk in _chunks(ids):
        query = select(model).where(model.order_id.in_(chunk)).order_by(*order_by)
        for row in session.scalars(query):
            found.setdefault(row.order_id, []).append(row)
    return found


def lines_of(session: Session, ids: Sequence[str]) -> dict[str, list[OrderLineRow]]:
    return _grouped_by_order(
        session, OrderLineRow, ids, OrderLineRow.order_id, OrderLineRow.line_no
    )


def signatures_of(session: Session, ids: Sequence[str]) -> dict[str, list[SignatureRow]]:
    return _grouped_by_order(session, SignatureRow, ids, SignatureRow.signed_at)


def deliveries_of(session: Session, ids: Sequence[str]) -> dict[str, list[DeliveryRow]]:
    return _grouped_by_order(session, DeliveryRow, ids, DeliveryRow.delivered_at, DeliveryRow.id)


def positions_of(session: Session, ids: Sequence[str]) -> dict[str, list[PositionRow]]:
    """What is owed on each order, per currency (maintained with the postings)."""
    return _grouped_by_order(session, PositionRow, ids, PositionRow.currency)


def orders(
    session: Session,
    party: str | None,
    agreement: str | None,
    status: str | None,
    page: Page = Page(),
    filters: ListFilter = ListFilter(),
    requesting: str | None = None,
    supplying: str | None = None,
) -> list[OrderRow]:
    """Orders, filtered in the query to those the party requests or supplies."""
    query = (
        select(OrderRow)
        .order_by(*order_by(filters.sort, ORDER_SORTABLE, "created_at"), OrderRow.id)
        .limit(page.limit)
        .offset(page.offset)
    )
    query = _orders_filtered(query, filters)
    if requesting:
        query = query.where(OrderRow.requesting_party == requesting)
    if supplying:
        query = query.where(OrderRow.supplying_party == supplying)
    if party:
        query = query.where(
            or_(OrderRow.requesting_party == party, OrderRow.supplying_party == party)
        )
    if agreement:
        query = query.where(OrderRow.agreement_id == agreement)
    if status:
        query = query.where(OrderRow.status == status)
    return list(session.scalars(query))


ORDER_SORTABLE = {
    "reference": OrderRow.reference,
    "agreement": OrderRow.agreement_id,
    "party": OrderRow.requesting_party,
    "supplier": OrderRow.supplying_party,
    "facility": OrderRow.facility,
    "status": OrderRow.status,
    "settlement": OrderRow.settlement,
    "created_at": OrderRow.created_at,
}


def _orders_filtered(query: Select[Any], filters: ListFilter) -> Select[Any]:
    """Search over reference, facility, deployment and the lines' items and categories."""
    if filters.q:
        lines = contains(filters.q, [OrderLineRow.item, OrderLineRow.category])
        matching = select(OrderLineRow.line_no).where(OrderLineRow.order_id == OrderRow.id, lines)
        columns = [OrderRow.reference, OrderRow.facility, OrderRow.deployment_id]
        query = query.where(or_(contains(filters.q, columns), matching.exists()))
    if filters.facility:
        query = query.where(OrderRow.facility == filters.facility)
    if filters.start is not None:
        query = query.where(OrderRow.created_at >= filters.start)
    if filters.end is not None:
        query = query.where(OrderRow.created_at < filters.end)
    return query


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

    Plain executemany on the tables (no ORM unit of work): the ledger is append-only, so
    nothing needs tracking, and a batch of 10,000 postings stays well under a second.
    """
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
    query = _scoped(select(PostingRow), party)
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
    return [posting_of(row) for row in session.scalars(query)]


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


def order_references(session: Session, ids: Sequence[str]) -> dict[str, str]:
    """The human reference of each order id."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(set(ids))):
        query = select(OrderRow.id, OrderRow.reference).where(OrderRow.id.in_(chunk))
        found.update({row.id: row.reference for row in session.execute(query)})
    return found


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


def rates(session: Session) -> list[RateRow]:
    return list(session.scalars(select(RateRow).order_by(RateRow.base, RateRow.quote, RateRow.on)))
