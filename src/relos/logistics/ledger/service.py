"""Ledger use cases: balances, postings with their entries, the trial balance, batch import.

Every read is scoped in the query to the caller's party (the operator sees everything).
Balances come from the maintained `ledger_balances` table (one indexed read).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require
from relos.events import record
from relos.kit.money import Money, check_currency
from relos.kit.timeutil import utcnow
from relos.logistics.events import PostingRecord, PostingsImported
from relos.logistics.ledger import repository
from relos.logistics.ledger.journal import Journal
from relos.logistics.ledger.postings import Posting
from relos.logistics.rates.service import rate_table
from relos.logistics.results import BalanceOut, EntryOut, PostingOut, SidesOut, TrialBalanceOut
from relos.logistics.statements.reports import DayTotal, convert_day_totals


def scope(caller: Principal) -> str | None:
    """The party whose ledger the caller reads (None: the operator reads all)."""
    require(caller, "ledger.read")
    return caller.party or None


def balances(
    session: Session, caller: Principal, agreement: str | None, reporting: str | None = None
) -> list[BalanceOut]:
    """What each debtor owes each creditor, per currency or in one reporting currency."""
    party = scope(caller)
    if reporting:
        return _reporting_balances(session, agreement, party, check_currency(reporting.upper()))
    return [
        BalanceOut(
            agreement=row.agreement_id,
            creditor=row.creditor,
            debtor=row.debtor,
            currency=row.currency,
            amount=str(Money.from_minor(row.amount_minor, row.currency).amount),
        )
        for row in repository.balances(session, agreement, party)
    ]


def _reporting_balances(
    session: Session, agreement: str | None, party: str | None, currency: str
) -> list[BalanceOut]:
    totals = [
        DayTotal(a, c, d, day, Money.from_minor(int(amount), cur))
        for a, c, d, cur, day, amount in repository.day_totals(session, agreement, party)
    ]
    return [
        BalanceOut(
            agreement=b.agreement,
            creditor=b.creditor,
            debtor=b.debtor,
            currency=currency,
            amount=str(b.amount.amount),
            converted="at the rate of each entry's date",
        )
        for b in convert_day_totals(totals, rate_table(session), currency)
    ]


def posting_out(posting: Posting) -> PostingOut:
    return PostingOut(
        ref=posting.ref,
        kind=posting.kind.value,
        agreement=posting.agreement,
        order=posting.order,
        creditor=posting.creditor,
        debtor=posting.debtor,
        amount=str(posting.amount.amount),
        currency=posting.currency,
        booked_on=posting.booked_on.isoformat(),
        due_on=posting.due_on.isoformat() if posting.due_on else None,
        reverses=posting.reverses,
        method=posting.method,
        memo=posting.memo,
        entries=[
            EntryOut(
                account=leg.account.value,
                holder=leg.holder,
                counterparty=leg.counterparty,
                side=leg.side.value,
                amount=str(leg.amount.amount),
            )
            for leg in posting.entries()
        ],
    )


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
) -> list[PostingOut]:
    """Postings with their two entries each, oldest first, a page at a time."""
    found = repository.postings(
        session,
        scope(caller),
        agreement=agreement,
        order_id=order,
        start=start,
        end=end,
        limit=min(max(limit, 1), 5000),
        offset=max(offset, 0),
    )
    return [posting_out(p) for p in found]


def trial_balance(session: Session, caller: Principal) -> TrialBalanceOut:
    """Debits and credits per currency over the whole ledger (they are always equal)."""
    totals: dict[str, dict[str, str]] = {}
    # A party sees the totals of its own postings (both legs, so they still balance).
    for currency, side, amount in repository.entry_totals(session, scope(caller)):
        totals.setdefault(currency, {})[side] = str(Money.from_minor(int(amount), currency).amount)
    return TrialBalanceOut({c: SidesOut.model_validate(sides) for c, sides in totals.items()})


def post_batch(session: Session, caller: Principal, postings: list[Posting]) -> int:
    """Book many postings at once (an import from a legacy or partner system).

    The batch passes through the same Journal rules as single postings, checked against
    what the orders already hold; it is booked whole or not at all.
    """
    require(caller, "ledger.reverse")
    orders = sorted({p.order for p in postings})
    journal = Journal(repository.order_postings(session, orders)) if orders else Journal()
    journal.post_all(postings)
    event = PostingsImported(postings=[PostingRecord.of(p) for p in postings], recorded_at=utcnow())
    record(session, caller, event, event.recorded_at)
    return len(postings)
