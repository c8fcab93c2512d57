"""Ledger use cases: balances, entries, overdue, statements, exports, rates.

Every read is scoped in the query to the caller's party (the operator sees everything).
Balances come from the maintained `ledger_balances` table (one indexed read); overdue and
statements add up postings in SQL and hand the sums to the pure reports.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require
from relos.audit.service import record
from relos.kit.errors import Forbidden, InvalidInput
from relos.kit.listing import ListFilter
from relos.kit.money import Money, check_currency
from relos.kit.timeutil import utcnow
from relos.logistics import repository
from relos.logistics.ledger import Journal, Posting
from relos.logistics.models import RateRow
from relos.logistics.rates import Rate, RateTable, parse_rates
from relos.logistics.reconcile import Export, export
from relos.logistics.reports import (
    DayTotal,
    Statement,
    convert_day_totals,
    past_due,
    statement_from,
)
from relos.logistics.xlsx import Cell, workbook


def _scope(caller: Principal) -> str | None:
    require(caller, "ledger.read")
    return caller.party or None


def balances(
    session: Session, caller: Principal, agreement: str | None, reporting: str | None = None
) -> list[dict[str, str]]:
    """What each debtor owes each creditor, per currency or in one reporting currency."""
    party = _scope(caller)
    if reporting:
        return _reporting_balances(session, agreement, party, check_currency(reporting.upper()))
    return [
        {
            "agreement": row.agreement_id,
            "creditor": row.creditor,
            "debtor": row.debtor,
            "currency": row.currency,
            "amount": str(Money.from_minor(row.amount_minor, row.currency).amount),
        }
        for row in repository.balances(session, agreement, party)
    ]


def rate_table(session: Session) -> RateTable:
    return RateTable(
        Rate(r.base, r.quote, r.on, r.rate, r.source) for r in repository.rates(session)
    )


def _reporting_balances(
    session: Session, agreement: str | None, party: str | None, currency: str
) -> list[dict[str, str]]:
    totals = [
        DayTotal(a, c, d, day, Money.from_minor(int(amount), cur))
        for a, c, d, cur, day, amount in repository.day_totals(session, agreement, party)
    ]
    return [
        {
            "agreement": b.agreement,
            "creditor": b.creditor,
            "debtor": b.debtor,
            "currency": currency,
            "amount": str(b.amount.amount),
            "converted": "at the rate of each entry's date",
        }
        for b in convert_day_totals(totals, rate_table(session), currency)
    ]


def posting_out(posting: Posting) -> dict[str, Any]:
    receivable, payable = posting.entries()
    return {
        "ref": posting.ref,
        "kind": posting.kind.value,
        "agreement": posting.agreement,
        "order": posting.order,
        "creditor": posting.creditor,
        "debtor": posting.debtor,
        "amount": str(posting.amount.amount),
        "currency": posting.currency,
        "booked_on": posting.booked_on.isoformat(),
        "due_on": posting.due_on.isoformat() if posting.due_on else None,
        "reverses": posting.reverses,
        "method": posting.method,
        "memo": posting.memo,
        "entries": [
            {
                "account": leg.account.value,
                "holder": leg.holder,
                "counterparty": leg.counterparty,
                "side": leg.side.value,
                "amount": str(leg.amount.amount),
            }
            for leg in (receivable, payable)
        ],
    }


def entries(
    session: Session,
    caller: Principal,
    *,
    agreement: str | None = None,
    order: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int = 500,
    offset: int = 0,
    filters: ListFilter = ListFilter(),
    party: str | None = None,
) -> list[dict[str, Any]]:
    """Postings with their two entries each, oldest first, a page at a time."""
    found = repository.postings(
        session,
        _scope(caller),
        agreement=agreement,
        order_id=order,
        start=start,
        end=end,
        limit=min(max(limit, 1), 5001),  # one more than a page: is there a next one?
        offset=max(offset, 0),
        filters=filters,
        concerning=party,
    )
    references = repository.order_references(session, [p.order for p in found])
    return [{**posting_out(p), "order_reference": references.get(p.order)} for p in found]


def overdue(session: Session, caller: Principal, as_of: date) -> list[dict[str, Any]]:
    """Every order with an amount past its settlement deadline as of `as_of`, oldest first."""
    party = _scope(caller)
    last = repository.last_booked(session)
    open_only = last is None or as_of >= last  # nothing booked later: only open orders matter
    heads: dict[tuple[str, str], tuple[str, str, str]] = {}
    charges: dict[tuple[str, str], dict[date, int]] = {}
    paid: dict[tuple[str, str], int] = {}
    for agreement, order, creditor, debtor, currency, due_on, amount in repository.dues(
        session, party, as_of, open_only
    ):
        key = (order, currency)
        heads[key] = (agreement, creditor, debtor)
        if due_on is None:
            paid[key] = -int(amount)
        else:
            charges.setdefault(key, {})[due_on] = int(amount)
    items = []
    for key, (agreement, creditor, debtor) in heads.items():
        found = past_due(charges.get(key, {}), paid.get(key, 0), as_of)
        if found is not None:
            items.append((found[1], key[0], agreement, creditor, debtor, key[1], found[0]))
    return [
        {
            "agreement": agreement,
            "order": order,
            "creditor": creditor,
            "debtor": debtor,
            "currency": currency,
            "amount": str(Money.from_minor(minor, currency).amount),
            "due_on": due_on.isoformat(),
            "days_overdue": (as_of - due_on).days,
        }
        for due_on, order, agreement, creditor, debtor, currency, minor in sorted(items)
    ]


def statement(
    session: Session, caller: Principal, party: str | None, start: date, end: date
) -> Statement:
    """Statement of account of one party for [start, end)."""
    scope = _scope(caller)
    party = party or scope
    if not party:
        raise InvalidInput("say whose statement (party=IN)")
    if scope and party != scope:
        raise Forbidden(f"{caller.name} may read only {scope}'s statement")
    if end <= start:
        raise InvalidInput("the statement period ends before it starts")
    opening: dict[tuple[str, str], Money] = {}
    for creditor, debtor, currency, amount in repository.opening(session, party, start):
        signed = Money.from_minor(int(amount), currency)
        other = debtor if creditor == party else creditor
        key = (other, currency)
        change = signed if creditor == party else -signed
        opening[key] = opening.get(key, Money.zero(currency)) + change
    period = repository.postings(session, party, start=start, end=end)
    return statement_from(party, start, end, opening, period)


def statement_out(result: Statement) -> dict[str, Any]:
    def positions(values: dict[tuple[str, str], Money]) -> list[dict[str, str]]:
        return [
            {"counterparty": other, "currency": currency, "amount": str(amount.amount)}
            for (other, currency), amount in sorted(values.items())
        ]

    return {
        "party": result.party,
        "start": result.start.isoformat(),
        "end": result.end.isoformat(),
        "sign": "positive: owed to the party; negative: owed by the party",
        "opening": positions(result.opening),
        "lines": [
            {
                "booked_on": line.booked_on.isoformat(),
                "ref": line.ref,
                "kind": line.kind.value,
                "order": line.order,
                "counterparty": line.counterparty,
                "account": line.account.value,
                "side": line.side.value,
                "amount": str(line.amount.amount),
                "currency": line.amount.currency,
                "balance": str(line.balance.amount),
            }
            for line in result.lines
        ],
        "closing": positions(result.closing),
    }


STATEMENT_COLUMNS = (
    "booked_on",
    "ref",
    "kind",
    "order",
    "counterparty",
    "account",
    "side",
    "amount",
    "currency",
    "balance",
)


def statement_rows(result: Statement) -> list[list[Cell]]:
    """Header, opening positions, lines and closing positions, amounts as Decimals."""
    rows: list[list[Cell]] = [list(STATEMENT_COLUMNS)]

    def position(day: str, label: str, key: tuple[str, str], amount: Money) -> list[Cell]:
        return [day, label, "", "", key[0], "", "", "", key[1], amount.amount]

    start, end = result.start.isoformat(), result.end.isoformat()
    rows += [position(start, "opening", k, v) for k, v in sorted(result.opening.items())]
    rows += [
        [
            line.booked_on.isoformat(),
            line.ref,
            line.kind.value,
            line.order,
            line.counterparty,
            line.account.value,
            line.side.value,
            line.amount.amount,
            line.amount.currency,
            line.balance.amount,
        ]
        for line in result.lines
    ]
    rows += [position(end, "closing", k, v) for k, v in sorted(result.closing.items())]
    return rows


def statement_csv(result: Statement) -> str:
    """The statement as CSV: opening and closing positions are marked rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(["" if c is None else str(c) for c in row] for row in statement_rows(result))
    return out.getvalue()


def statement_xlsx(result: Statement) -> bytes:
    """The statement as a one-sheet workbook, amounts as numbers."""
    return workbook(f"{result.party} {result.start}", statement_rows(result))


def export_for(session: Session, caller: Principal, party: str) -> Export:
    """The party's ledger export for bilateral reconciliation."""
    scope = _scope(caller)
    if scope and party != scope:
        raise Forbidden(f"{caller.name} may export only {scope}'s ledger")
    return export(repository.postings(session, party), party, utcnow())


def import_rates(session: Session, caller: Principal, text: str) -> dict[str, int]:
    """Store exchange rates with their provenance; a rate already stored is replaced."""
    require(caller, "rates.import")
    parsed = parse_rates(text)
    for rate in parsed:
        session.merge(
            RateRow(
                base=rate.base, quote=rate.quote, on=rate.on, rate=rate.rate, source=rate.source
            )
        )
    session.flush()
    record(session, caller, "rates.import", "exchange_rates", str(len(parsed)), ())
    return {"imported": len(parsed)}


def trial_balance(session: Session, caller: Principal) -> dict[str, dict[str, str]]:
    """Debits and credits per currency over the whole ledger (they are always equal)."""
    totals: dict[str, dict[str, str]] = {}
    # A party sees the totals of its own postings (both legs, so they still balance).
    for currency, side, amount in repository.entry_totals(session, _scope(caller)):
        totals.setdefault(currency, {})[side] = str(Money.from_minor(int(amount), currency).amount)
    return totals


def post_batch(session: Session, caller: Principal, postings: list[Posting]) -> int:
    """Book many postings at once (an import from a legacy or partner system).

    The batch passes through the same Journal rules as single postings, checked against
    what the orders already hold; it is booked whole or not at all.
    """
    require(caller, "ledger.reverse")
    orders = sorted({p.order for p in postings})
    journal = Journal(repository.order_postings(session, orders)) if orders else Journal()
    journal.post_all(postings)
    repository.insert_postings(session, postings, utcnow())
    record(session, caller, "ledger.import", "ledger_batch", str(len(postings)), ())
    return len(postings)
