"""Property: any sequence of deliveries, settlements and reversals leaves a sound ledger.

Debits equal credits in every currency, balances equal a replay of the postings, no order
is ever over-settled, and a refusal happens exactly when the model says it must.
"""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from relos.kit.errors import Conflict, RuleViolations
from relos.kit.money import Money
from relos.logistics.ledger.journal import Journal, entries, ledger_balances, trial_balance
from relos.logistics.ledger.postings import (
    Posting,
    PostingKind,
    delivery_posting,
    reversal_posting,
    settlement_posting,
)
from relos.logistics.statements.reports import overdue, statement

# order -> (agreement, supplier, requester, currency)
ORDERS = {
    "o1": ("in-ru-relos", "RU", "IN", "RUB"),
    "o2": ("in-ru-relos", "IN", "RU", "INR"),
    "o3": ("in-us-lemoa", "US", "IN", "USD"),
    "o4": ("in-ru-relos", "RU", "IN", "JPY"),
}
START = date(2026, 1, 1)

deliveries = st.tuples(st.just("deliver"), st.sampled_from(sorted(ORDERS)), st.integers(0, 10**9))
settlements = st.tuples(st.just("settle"), st.sampled_from(sorted(ORDERS)), st.integers(1, 10**9))
reversals = st.tuples(st.just("reverse"), st.sampled_from(sorted(ORDERS)), st.integers(0, 10**6))
operations = st.lists(st.one_of(deliveries, settlements, reversals), max_size=40)


def build(index: int, kind: str, order: str, number: int, journal: Journal) -> Posting | None:
    agreement, supplier, requester, currency = ORDERS[order]
    on = START + timedelta(days=index)
    amount = Money.from_minor(number, currency)
    if kind == "deliver":
        return delivery_posting(
            f"p{index}",
            agreement=agreement,
            order=order,
            supplier=supplier,
            requester=requester,
            value=amount,
            delivered_on=on,
            days_to_settle=index % 7 * 10,
        )
    if kind == "settle":
        return settlement_posting(
            f"p{index}",
            agreement=agreement,
            order=order,
            creditor=supplier,
            debtor=requester,
            amount=amount,
            settled_on=on,
            method="cash",
        )
    candidates = [p for p in journal if p.order == order]
    if not candidates:
        return None
    return reversal_posting(candidates[number % len(candidates)], f"p{index}", on)


def replay(postings: list[Posting]) -> dict[tuple[str, str, str, str], Money]:
    sums: dict[tuple[str, str, str, str], Money] = {}
    for p in postings:
        key = (p.agreement, p.creditor, p.debtor, p.currency)
        sums[key] = sums.get(key, Money.zero(p.currency)) + p.amount
    return {k: v for k, v in sums.items() if not v.is_zero()}


def must_refuse(posting: Posting, owed: Money, reversed_refs: set[str], journal: Journal) -> bool:
    if posting.kind is PostingKind.REVERSAL:
        original = journal.get(posting.reverses or "")
        if original.kind is PostingKind.REVERSAL or original.ref in reversed_refs:
            return True
    return (owed + posting.amount).amount < 0


def net_position(
    balances: dict[tuple[str, str, str, str], Money], party: str, other: str, currency: str
) -> Money:
    """What `other` owes `party` less what `party` owes `other`, from the balances."""
    total = Money.zero(currency)
    for (_, creditor, debtor, cur), amount in balances.items():
        if cur == currency and (creditor, debtor) == (party, other):
            total = total + amount
        elif cur == currency and (creditor, debtor) == (other, party):
            total = total - amount
    return total


def check_sound(journal: Journal, as_of: date) -> None:
    postings = list(journal)
    for debits, credits in trial_balance(entries(postings)).values():
        assert debits == credits
    balances = {
        (b.agreement, b.creditor, b.debtor, b.amount.currency): b.amount
        for b in ledger_balances(postings)
    }
    assert balances == replay(postings)
    owed: dict[tuple[str, str], Money] = {}
    for p in postings:
        key = (p.order, p.currency)
        owed[key] = owed.get(key, Money.zero(p.currency)) + p.amount
        assert owed[key].amount >= 0, f"order {p.order} over-settled after {p.ref}"
    for item in overdue(postings, as_of):
        assert (
            Money.zero(item.amount.currency)
            < item.amount
            <= owed[(item.order, item.amount.currency)]
        )
    closing = statement(postings, "IN", START, as_of).closing
    for (other, currency), amount in closing.items():
        assert amount == net_position(balances, "IN", other, currency)


@settings(max_examples=300, deadline=None)
@given(operations)
def test_random_deliveries_settlements_and_reversals_keep_the_ledger_sound(
    ops: list[tuple[str, str, int]],
) -> None:
    journal = Journal()
    reversed_refs: set[str] = set()
    for index, (kind, order, number) in enumerate(ops):
        posting = build(index, kind, order, number, journal)
        if posting is None:
            continue
        refuse = must_refuse(
            posting, journal.owed(posting.order, posting.currency), reversed_refs, journal
        )
        try:
            journal.post(posting)
        except (RuleViolations, Conflict):
            assert refuse, f"{posting} was refused but is allowed"
        else:
            assert not refuse, f"{posting} was booked but must be refused"
            if posting.reverses:
                reversed_refs.add(posting.reverses)
        check_sound(journal, START + timedelta(days=index + 30))
    assert sum(1 for _ in journal) == len(journal)
