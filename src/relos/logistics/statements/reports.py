"""Views of the ledger, pure: overdue amounts, statements of account, reporting currency.

Settlements pay the oldest charge of their order first (first in, first out), so what is
overdue on an order as of a day is what was charged with an earlier due date, less all
that was paid by that day, and never below zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from relos.kit.money import Money
from relos.logistics.ledger.journal import Balance
from relos.logistics.ledger.postings import Account, Posting, PostingKind, Side
from relos.logistics.rates.domain import RateTable


@dataclass(frozen=True)
class OverdueItem:
    """Part of an order's amount owed that is past its settlement deadline."""

    agreement: str
    order: str
    creditor: str
    debtor: str
    amount: Money
    due_on: date
    days_overdue: int


@dataclass(frozen=True)
class OrderPosition:
    """What one order's postings add up to as of a day, by due date: input to `overdue_item`."""

    agreement: str
    order: str
    creditor: str
    debtor: str
    currency: str
    charges_by_due: dict[date, Money]
    paid: Money


def positions(postings: Iterable[Posting], as_of: date) -> list[OrderPosition]:
    """Group the postings booked on or before `as_of` per order and currency."""
    charges: dict[tuple[str, str], dict[date, Money]] = defaultdict(dict)
    paid: dict[tuple[str, str], Money] = {}
    heads: dict[tuple[str, str], Posting] = {}
    for posting in postings:
        if posting.booked_on > as_of:
            continue
        key = (posting.order, posting.currency)
        heads.setdefault(key, posting)
        if posting.due_on is not None:
            bucket = charges[key]
            bucket[posting.due_on] = bucket.get(posting.due_on, Money.zero(key[1])) + posting.amount
        else:
            paid[key] = paid.get(key, Money.zero(key[1])) - posting.amount
    return [
        OrderPosition(
            head.agreement,
            head.order,
            head.creditor,
            head.debtor,
            head.currency,
            charges.get(key, {}),
            paid.get(key, Money.zero(head.currency)),
        )
        for key, head in heads.items()
    ]


Number = TypeVar("Number", int, Decimal)


def past_due(
    charges: Mapping[date, Number], paid: Number, as_of: date
) -> tuple[Number, date] | None:
    """(Amount overdue, oldest unpaid due date) under first-in-first-out, or None.

    Works on exact Decimals or on integer minor units alike, so the database path can
    stay in integers for thousands of orders.
    """
    remaining = paid
    for due_on in sorted(charges):
        if due_on >= as_of:
            return None
        if charges[due_on] <= remaining:
            remaining -= charges[due_on]
            continue
        total = sum((c for d, c in charges.items() if d < as_of), paid - paid)
        return total - paid, due_on
    return None


@dataclass(frozen=True)
class OverdueSpan:
    """Days [start, end) (end None: still) with the same overdue amount and oldest due date."""

    start: date
    end: date | None
    amount: int
    due_on: date


def overdue_spans(movements: Iterable[tuple[date, date | None, int]]) -> list[OverdueSpan]:
    """When one order (in one currency) is overdue, from its postings.

    `movements` are (booked_on, due_on, amount in minor units): charges carry a due date,
    payments none (negative amounts). The overdue list as of a day applies `past_due` to
    the postings booked by that day; its answer changes only on a booking day or on the
    day after a due date, so evaluating it there gives every span exactly.
    """
    moves = list(movements)
    days = sorted(
        {booked for booked, _, _ in moves}
        | {due + timedelta(days=1) for _, due, _ in moves if due is not None}
    )
    spans: list[OverdueSpan] = []
    open_span: tuple[date, int, date] | None = None
    moves.sort(key=lambda move: move[0])
    charges: dict[date, int] = {}
    paid = 0
    taken = 0
    for day in days:
        while taken < len(moves) and moves[taken][0] <= day:  # booked by this day
            _, due, amount = moves[taken]
            taken += 1
            if due is None:
                paid -= amount
            else:
                charges[due] = charges.get(due, 0) + amount
        found = past_due(charges, paid, day)
        if open_span is not None and (found is None or found != open_span[1:]):
            spans.append(OverdueSpan(open_span[0], day, open_span[1], open_span[2]))
            open_span = None
        if found is not None and open_span is None:
            open_span = (day, found[0], found[1])
    if open_span is not None:
        spans.append(OverdueSpan(open_span[0], None, open_span[1], open_span[2]))
    return spans


def month_pieces(span: OverdueSpan) -> list[tuple[date | None, date, date | None]]:
    """(month, start, end) pieces of a span cut at month starts; a still-open span is one
    piece with no month (the overdue spans table files each piece under its month)."""
    if span.end is None:
        return [(None, span.start, None)]
    pieces: list[tuple[date | None, date, date | None]] = []
    start = span.start
    while start < span.end:
        month = start.replace(day=1)
        following = (month + timedelta(days=32)).replace(day=1)
        end = min(following, span.end)
        pieces.append((month, start, end))
        start = end
    return pieces


def overdue_item(position: OrderPosition, as_of: date) -> OverdueItem | None:
    """The overdue part of one order position, or None when nothing past due is unpaid."""
    charges = {due: money.amount for due, money in position.charges_by_due.items()}
    found = past_due(charges, position.paid.amount, as_of)
    if found is None:
        return None
    amount, due_on = found
    return OverdueItem(
        position.agreement,
        position.order,
        position.creditor,
        position.debtor,
        Money(amount, position.currency),
        due_on,
        (as_of - due_on).days,
    )


def overdue(postings: Iterable[Posting], as_of: date) -> list[OverdueItem]:
    """Every order with an amount past its deadline as of `as_of`, oldest due date first."""
    items = [overdue_item(p, as_of) for p in positions(postings, as_of)]
    found = [item for item in items if item is not None]
    return sorted(found, key=lambda i: (i.due_on, i.order, i.amount.currency))


@dataclass(frozen=True)
class StatementLine:
    """One posting as the stating party sees it, with the running balance against the other."""

    booked_on: date
    ref: str
    kind: PostingKind
    order: str
    counterparty: str
    account: Account
    side: Side
    amount: Money
    balance: Money


@dataclass(frozen=True)
class Statement:
    """Statement of account of `party` for [start, end): signed positive = owed to the party."""

    party: str
    start: date
    end: date
    opening: dict[tuple[str, str], Money]
    lines: list[StatementLine]
    closing: dict[tuple[str, str], Money]


def _signed_for(party: str, posting: Posting) -> Money:
    return posting.amount if posting.creditor == party else -posting.amount


def position_key(party: str, posting: Posting) -> tuple[str, str]:
    """(counterparty, currency) of a posting as `party` sees it."""
    other = posting.debtor if posting.creditor == party else posting.creditor
    return other, posting.currency


def statement_from(
    party: str,
    start: date,
    end: date,
    opening: dict[tuple[str, str], Money],
    period: Iterable[Posting],
) -> Statement:
    """A statement from opening positions and the postings booked in [start, end)."""
    running = dict(opening)
    lines: list[StatementLine] = []
    for posting in sorted(period, key=lambda p: (p.booked_on, p.ref)):
        if party not in (posting.creditor, posting.debtor):
            continue
        key = position_key(party, posting)
        signed = _signed_for(party, posting)
        before = running.get(key)
        running[key] = signed if before is None else before + signed
        lines.append(_line(party, posting, key[0], running[key]))
    return Statement(party, start, end, dict(opening), lines, running)


# One posting of a statement's period as the database gives it: (booked_on, ref, kind,
# order, creditor, debtor, currency, amount in minor units).
PeriodRow = tuple[date, str, str, str, str, str, str, int]

_KINDS = {str(kind.value): kind for kind in PostingKind}


def statement_of_rows(
    party: str,
    start: date,
    end: date,
    opening: Mapping[tuple[str, str], int],
    period: Iterable[PeriodRow],
) -> Statement:
    """`statement_from` for opening positions in minor units and the period's postings as
    rows already in (booked_on, ref) order, every one the party's: a day's statement has
    thousands of lines, so the running balances add integers and each line builds only
    its own two amounts (a test checks it equals `statement_from`)."""
    running = dict(opening)
    lines: list[StatementLine] = []
    for booked_on, ref, kind, order, creditor, debtor, currency, minor in period:
        ours = creditor == party
        key = (debtor if ours else creditor, currency)
        balance = running[key] = running.get(key, 0) + (minor if ours else -minor)
        raises = minor >= 0  # the same legs as Posting.leg_of
        if ours:
            account, side = Account.RECEIVABLE, Side.DEBIT if raises else Side.CREDIT
        else:
            account, side = Account.PAYABLE, Side.CREDIT if raises else Side.DEBIT
        lines.append(
            StatementLine(
                booked_on,
                ref,
                _KINDS[kind],
                order,
                key[0],
                account,
                side,
                Money.from_minor(minor if raises else -minor, currency),
                Money.from_minor(balance, currency),
            )
        )
    return Statement(party, start, end, _money(opening), lines, _money(running))


@dataclass(frozen=True)
class StatementPage:
    """Lines [offset, offset + limit) of the statement of `party` for [start, end).

    `opening` and `closing` are the whole period's, as on the statement itself;
    `brought_forward` is the running position per (counterparty, currency) just before the
    page's first line (the opening plus every earlier line of the period) and
    `carried_forward` just after its last, so each page reads on its own: the first page
    brings forward the opening, the last carries forward the closing, and each page
    brings forward what the one before carried forward. `more`: lines follow the page.
    """

    party: str
    start: date
    end: date
    opening: dict[tuple[str, str], Money]
    closing: dict[tuple[str, str], Money]
    offset: int
    limit: int | None
    brought_forward: dict[tuple[str, str], Money]
    lines: list[StatementLine]
    carried_forward: dict[tuple[str, str], Money]
    more: bool


def statement_page_of_rows(
    party: str,
    start: date,
    end: date,
    rows: Sequence[PeriodRow],
    *,
    offset: int,
    limit: int | None,
    opening: Mapping[tuple[str, str], int],
    closing: Mapping[tuple[str, str], int],
    brought_forward: Mapping[tuple[str, str], int],
) -> StatementPage:
    """A page of a statement from the period's rows from `offset` in statement order (one
    more than `limit` when more follow) and its positions in minor units."""
    shown = rows if limit is None else rows[:limit]
    page = statement_of_rows(party, start, end, brought_forward, shown)
    return StatementPage(
        party,
        start,
        end,
        _money(opening),
        _money(closing),
        offset,
        limit,
        page.opening,
        page.lines,
        page.closing,
        len(shown) < len(rows),
    )


def _money(positions: Mapping[tuple[str, str], int]) -> dict[tuple[str, str], Money]:
    return {key: Money.from_minor(minor, key[1]) for key, minor in positions.items()}


def statement(postings: Iterable[Posting], party: str, start: date, end: date) -> Statement:
    """The party's statement: opening balances, lines in the period, closing balances."""
    opening: dict[tuple[str, str], Money] = {}
    period: list[Posting] = []
    for posting in postings:
        if party not in (posting.creditor, posting.debtor) or posting.booked_on >= end:
            continue
        if posting.booked_on >= start:
            period.append(posting)
            continue
        key = position_key(party, posting)
        opening[key] = opening.get(key, Money.zero(posting.currency)) + _signed_for(party, posting)
    return statement_from(party, start, end, opening, period)


def _line(party: str, posting: Posting, other: str, balance: Money) -> StatementLine:
    account, side, amount = posting.leg_of(party)
    return StatementLine(
        posting.booked_on,
        posting.ref,
        posting.kind,
        posting.order,
        other,
        account,
        side,
        amount,
        balance,
    )


@dataclass(frozen=True)
class DayTotal:
    """The net of one day's postings between two parties in one currency."""

    agreement: str
    creditor: str
    debtor: str
    day: date
    amount: Money


def day_totals(postings: Iterable[Posting]) -> list[DayTotal]:
    sums: dict[tuple[str, str, str, date, str], Money] = {}
    for p in postings:
        key = (p.agreement, p.creditor, p.debtor, p.booked_on, p.currency)
        sums[key] = sums.get(key, Money.zero(p.currency)) + p.amount
    return [DayTotal(a, c, d, day, amount) for (a, c, d, day, _), amount in sums.items()]


def convert_day_totals(
    totals: Iterable[DayTotal], rates: RateTable, currency: str
) -> list[Balance]:
    """Balances in a reporting currency, each day's total converted at that day's rate.

    Each day's net is rounded once to the reporting currency's minor unit, so the result is
    what an accountant adding the converted days would get, not today's balance at
    today's rate.
    """
    sums: dict[tuple[str, str, str], Money] = {}
    for total in totals:
        rate = rates.rate(total.amount.currency, currency, total.day)
        key = (total.agreement, total.creditor, total.debtor)
        sums[key] = sums.get(key, Money.zero(currency)) + total.amount.convert(rate, currency)
    return [
        Balance(agreement, creditor, debtor, amount)
        for (agreement, creditor, debtor), amount in sorted(sums.items())
        if not amount.is_zero()
    ]


def balances_in(postings: Iterable[Posting], rates: RateTable, currency: str) -> list[Balance]:
    """Balances of the postings in a reporting currency at the rate of each entry's date."""
    return convert_day_totals(day_totals(postings), rates, currency)
