"""Overdue (FIFO by due date), statements and the reporting-currency view."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from relos.kit.money import Money
from relos.logistics.ledger.journal import Journal
from relos.logistics.ledger.postings import (
    Posting,
    PostingKind,
    delivery_posting,
    reversal_posting,
    settlement_posting,
)
from relos.logistics.rates.domain import MissingRate, Rate, RateTable
from relos.logistics.statements.reports import (
    PeriodRow,
    balances_in,
    overdue,
    statement,
    statement_of_rows,
    statement_page_of_rows,
)

RELOS = "in-ru-relos"


def rub(text: str) -> Money:
    return Money.exact(text, "RUB")


def delivered(ref: str, value: str, on: date, order: str = "o1", days: int = 30) -> Posting:
    return delivery_posting(
        ref,
        agreement=RELOS,
        order=order,
        supplier="RU",
        requester="IN",
        value=rub(value),
        delivered_on=on,
        days_to_settle=days,
    )


def paid(ref: str, amount: str, on: date, order: str = "o1") -> Posting:
    return settlement_posting(
        ref,
        agreement=RELOS,
        order=order,
        creditor="RU",
        debtor="IN",
        amount=rub(amount),
        settled_on=on,
        method="cash",
    )


def test_nothing_is_overdue_on_or_before_the_due_date() -> None:
    journal = Journal([delivered("d1", "100.00", date(2026, 7, 1))])
    assert overdue(journal, date(2026, 7, 31)) == []
    [item] = overdue(journal, date(2026, 8, 1))
    assert (item.amount, item.due_on, item.days_overdue) == (rub("100.00"), date(2026, 7, 31), 1)


def test_settlements_pay_the_oldest_charge_first() -> None:
    journal = Journal(
        [
            delivered("d1", "100.00", date(2026, 7, 1)),
            delivered("d2", "50.00", date(2026, 7, 20)),
            paid("s1", "120.00", date(2026, 8, 5)),
        ]
    )
    assert overdue(journal, date(2026, 8, 10)) == []
    [item] = overdue(journal, date(2026, 8, 25))
    assert (item.amount, item.due_on) == (rub("30.00"), date(2026, 8, 19))


def test_overdue_as_of_a_past_day_ignores_later_settlements() -> None:
    journal = Journal(
        [delivered("d1", "100.00", date(2026, 7, 1)), paid("s1", "100.00", date(2026, 9, 1))]
    )
    [item] = overdue(journal, date(2026, 8, 15))
    assert item.amount == rub("100.00")
    assert overdue(journal, date(2026, 9, 2)) == []


def test_a_reversed_delivery_is_not_overdue() -> None:
    journal = Journal([delivered("d1", "100.00", date(2026, 7, 1))])
    journal.post(reversal_posting(journal.get("d1"), "r1", date(2026, 7, 2)))
    assert overdue(journal, date(2026, 12, 1)) == []


def test_overdue_lists_each_order_oldest_first() -> None:
    journal = Journal(
        [
            delivered("d1", "10.00", date(2026, 7, 10), order="o1"),
            delivered("d2", "20.00", date(2026, 7, 1), order="o2"),
        ]
    )
    assert [i.order for i in overdue(journal, date(2026, 12, 1))] == ["o2", "o1"]


def test_statement_has_opening_lines_running_balance_and_closing() -> None:
    journal = Journal(
        [
            delivered("d1", "100.00", date(2026, 6, 1)),
            delivered("d2", "50.00", date(2026, 7, 5)),
            paid("s1", "30.00", date(2026, 7, 20)),
            delivered("d3", "5.00", date(2026, 8, 1)),
        ]
    )
    ours = statement(journal, "IN", date(2026, 7, 1), date(2026, 8, 1))
    assert ours.opening[("RU", "RUB")] == rub("-100.00")
    assert [(line.ref, line.side.value, line.balance) for line in ours.lines] == [
        ("d2", "credit", rub("-150.00")),
        ("s1", "debit", rub("-120.00")),
    ]
    assert ours.closing[("RU", "RUB")] == rub("-120.00")
    theirs = statement(journal, "RU", date(2026, 7, 1), date(2026, 8, 1))
    assert theirs.closing[("IN", "RUB")] == rub("120.00")
    assert statement(journal, "FR", date(2026, 7, 1), date(2026, 8, 1)).lines == []


def test_reporting_currency_uses_the_rate_of_each_entrys_date() -> None:
    rates = RateTable(
        [
            Rate("USD", "RUB", date(2026, 6, 30), Decimal("80"), "illustrative"),
            Rate("USD", "RUB", date(2026, 7, 31), Decimal("100"), "illustrative"),
        ]
    )
    journal = Journal(
        [
            delivered("d1", "8000.00", date(2026, 7, 1)),
            delivered("d2", "10000.00", date(2026, 8, 3)),
        ]
    )
    [balance] = balances_in(journal, rates, "USD")
    assert balance.amount == Money.exact("200.00", "USD")
    [same] = balances_in(journal, rates, "RUB")
    assert same.amount == rub("18000.00")


def test_a_missing_rate_names_the_pair_and_day() -> None:
    journal = Journal([delivered("d1", "1.00", date(2026, 7, 1))])
    with pytest.raises(MissingRate, match="RUB/INR rate on or before 2026-07-01"):
        balances_in(journal, RateTable(), "INR")


_MOVES = st.lists(
    st.tuples(
        st.integers(0, 40),  # booking day after 2026-06-01
        st.sampled_from(("IN", "RU", "FR")),  # the other party
        st.booleans(),  # the stating party is the creditor
        st.sampled_from(("RUB", "INR", "JPY", "KWD")),
        st.integers(-(10**12), 10**12),  # minor units: reversals are negative, zero too
        st.sampled_from(("delivery", "settlement", "reversal")),
    ),
    max_size=30,
)


def _postings_of(moves: list[tuple[int, str, bool, str, int, str]]) -> list[Posting]:
    """India's postings for the moves, booked from 2026-06-01."""
    party, start = "IN", date(2026, 6, 1)
    return [
        Posting(
            f"r{n:03d}",
            PostingKind(kind),
            RELOS,
            f"o{n % 5}",
            party if ours else other,
            other if ours else party,
            Money.from_minor(minor, currency),
            start + timedelta(days=day),
            start + timedelta(days=day + 30) if kind == "delivery" else None,
        )
        for n, (day, other, ours, currency, minor, kind) in enumerate(moves)
        if other != party
    ]


def _rows_of(postings: list[Posting], begin: date, end: date) -> list[PeriodRow]:
    """The period's postings as the database gives them, in statement order."""
    return [
        (
            p.booked_on,
            p.ref,
            p.kind.value,
            p.order,
            p.creditor,
            p.debtor,
            p.currency,
            p.amount.minor,
        )
        for p in sorted(postings, key=lambda p: (p.booked_on, p.ref))
        if begin <= p.booked_on < end
    ]


def _minor(positions: dict[tuple[str, str], Money]) -> dict[tuple[str, str], int]:
    return {key: money.minor for key, money in positions.items()}


# On a loaded shared machine generating 40 six-field tuples can exceed the 1 s budget.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_MOVES, st.integers(0, 40), st.integers(1, 40))
@example([(0, "RU", True, "RUB", 0, "delivery"), (1, "RU", False, "RUB", 0, "reversal")], 0, 5)
def test_statement_of_rows_equals_the_statement_of_postings(
    moves: list[tuple[int, str, bool, str, int, str]], first: int, length: int
) -> None:
    # The database path (integer rows) must give exactly the Posting path's statement:
    # opening, every line's leg, side, amount and running balance, closing.
    postings = _postings_of(moves)
    start = date(2026, 6, 1)
    begin, end = start + timedelta(days=first), start + timedelta(days=first + length)
    expected = statement(postings, "IN", begin, end)
    rows = _rows_of(postings, begin, end)
    assert statement_of_rows("IN", begin, end, _minor(expected.opening), rows) == expected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_MOVES, st.integers(0, 40), st.integers(1, 40), st.integers(1, 8))
def test_statement_pages_put_together_are_the_statement(
    moves: list[tuple[int, str, bool, str, int, str]], first: int, length: int, limit: int
) -> None:
    # Each page brings forward the opening plus the period's lines before it (here added
    # up from the postings, as the database adds them up), and the pages' lines, running
    # balances included, are the statement's lines.
    postings = _postings_of(moves)
    start = date(2026, 6, 1)
    begin, end = start + timedelta(days=first), start + timedelta(days=first + length)
    whole = statement(postings, "IN", begin, end)
    rows = _rows_of(postings, begin, end)
    pages = []
    for offset in range(0, max(1, len(rows)), limit):
        day, ref = rows[offset][:2] if rows else (end, "")
        before = [p for p in postings if (p.booked_on, p.ref) < (day, ref)]
        brought = statement(before, "IN", begin, end).closing
        pages.append(
            statement_page_of_rows(
                "IN",
                begin,
                end,
                rows[offset : offset + limit + 1],
                offset=offset,
                limit=limit,
                opening=_minor(whole.opening),
                closing=_minor(whole.closing),
                brought_forward=_minor(brought),
            )
        )
    assert [line for page in pages for line in page.lines] == whole.lines
    assert [page.more for page in pages] == [True] * (len(pages) - 1) + [False]
    assert pages[0].brought_forward == whole.opening
    assert pages[-1].carried_forward == whole.closing
    for page, following in itertools.pairwise(pages):
        assert following.brought_forward == page.carried_forward
    assert all((p.opening, p.closing) == (whole.opening, whole.closing) for p in pages)
