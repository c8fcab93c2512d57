"""The journal: balanced postings, immutability by reversal, no over-settlement."""

from datetime import date
from decimal import Decimal

import pytest

from relos.kit.errors import Conflict, NotFound, RuleViolations
from relos.kit.money import Money
from relos.logistics.ledger.journal import Journal, entries, ledger_balances, trial_balance
from relos.logistics.ledger.postings import (
    Account,
    Posting,
    PostingKind,
    Side,
    delivery_posting,
    reversal_posting,
    settlement_posting,
)

RELOS = "in-ru-relos"


def rub(text: str) -> Money:
    return Money.exact(text, "RUB")


def fuel_delivery(ref: str = "d1", value: str = "29400000.00", order: str = "o1") -> Posting:
    return delivery_posting(
        ref,
        agreement=RELOS,
        order=order,
        supplier="RU",
        requester="IN",
        value=rub(value),
        delivered_on=date(2026, 7, 3),
        days_to_settle=90,
    )


def cash(ref: str, amount: str, order: str = "o1", on: date = date(2026, 8, 1)) -> Posting:
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


def test_a_delivery_debits_the_suppliers_receivable_and_credits_the_requesters_payable() -> None:
    posting = fuel_delivery()
    receivable, payable = posting.entries()
    assert (receivable.account, receivable.holder, receivable.side) == (
        Account.RECEIVABLE,
        "RU",
        Side.DEBIT,
    )
    assert (payable.account, payable.holder, payable.side) == (Account.PAYABLE, "IN", Side.CREDIT)
    assert receivable.amount == payable.amount == rub("29400000.00")
    assert posting.due_on == date(2026, 10, 1)


def test_a_settlement_reverses_the_sides() -> None:
    receivable, payable = cash("s1", "100.00").entries()
    assert (receivable.side, payable.side) == (Side.CREDIT, Side.DEBIT)
    assert receivable.amount == rub("100.00")


def test_balances_follow_deliveries_and_settlements() -> None:
    journal = Journal([fuel_delivery()])
    journal.post(cash("s1", "9400000.00"))
    [balance] = ledger_balances(journal)
    assert (balance.creditor, balance.debtor, balance.amount) == ("RU", "IN", rub("20000000.00"))
    debits, credits = trial_balance(entries(journal))["RUB"]
    assert debits == credits


def test_over_settlement_is_refused_and_names_what_is_owed() -> None:
    journal = Journal([fuel_delivery(value="100.00")])
    with pytest.raises(RuleViolations) as refused:
        journal.post(cash("s1", "100.01"))
    assert refused.value.violations[0].code == "over_settlement"
    assert refused.value.violations[0].limit == "100.00"
    journal.post(cash("s1", "100.00"))
    assert journal.owed("o1", "RUB").is_zero()
    assert ledger_balances(journal) == []


def test_settling_an_order_with_nothing_delivered_is_over_settlement() -> None:
    with pytest.raises(RuleViolations):
        Journal().post(cash("s1", "1.00"))


def test_a_correction_is_a_reversal_plus_a_new_posting() -> None:
    journal = Journal([fuel_delivery(value="100.00")])
    journal.post(reversal_posting(journal.get("d1"), "r1", date(2026, 7, 4), "wrong quantity"))
    journal.post(fuel_delivery("d2", "90.00"))
    assert journal.is_reversed("d1")
    assert journal.get("d1").amount == rub("100.00")  # the original is untouched
    assert journal.get("r1").kind is PostingKind.REVERSAL
    assert journal.get("r1").due_on == journal.get("d1").due_on
    assert journal.owed("o1", "RUB") == rub("90.00")
    assert len(journal) == 3


def test_reversals_cannot_repeat_or_be_reversed() -> None:
    journal = Journal([fuel_delivery(value="100.00")])
    reversal = reversal_posting(journal.get("d1"), "r1", date(2026, 7, 4))
    journal.post(reversal)
    with pytest.raises(Conflict, match="already reversed"):
        journal.post(reversal_posting(journal.get("d1"), "r2", date(2026, 7, 5)))
    with pytest.raises(Conflict, match="itself a reversal"):
        journal.post(reversal_posting(reversal, "r3", date(2026, 7, 5)))
    with pytest.raises(NotFound):
        journal.get("nope")


def test_reversing_a_settled_delivery_is_refused_until_the_settlement_is_reversed() -> None:
    journal = Journal([fuel_delivery(value="100.00"), cash("s1", "60.00")])
    with pytest.raises(RuleViolations):
        journal.post(reversal_posting(journal.get("d1"), "r1", date(2026, 8, 2)))
    journal.post(reversal_posting(journal.get("s1"), "r2", date(2026, 8, 2)))
    journal.post(reversal_posting(journal.get("d1"), "r3", date(2026, 8, 2)))
    assert journal.owed("o1", "RUB").is_zero()


def test_duplicate_refs_and_foreign_parties_are_refused() -> None:
    journal = Journal([fuel_delivery()])
    with pytest.raises(Conflict, match="already exists"):
        journal.post(fuel_delivery())
    stranger = settlement_posting(
        "s9",
        agreement=RELOS,
        order="o1",
        creditor="IN",
        debtor="RU",
        amount=rub("1.00"),
        settled_on=date(2026, 8, 1),
        method="cash",
    )
    with pytest.raises(Conflict, match="parties"):
        journal.post(stranger)


def test_post_all_is_all_or_nothing() -> None:
    journal = Journal([fuel_delivery(value="100.00")])
    with pytest.raises(RuleViolations):
        journal.post_all([cash("s1", "50.00"), cash("s2", "60.00")])
    assert len(journal) == 1
    journal.post_all([cash("s1", "50.00"), cash("s2", "50.00")])
    assert journal.owed("o1", "RUB") == Money(Decimal(0), "RUB")


@pytest.mark.parametrize(
    "posting",
    [fuel_delivery(), cash("s1", "100.00"), fuel_delivery("d0", "0.00")],
    ids=["delivery", "settlement", "zero"],
)
def test_a_partys_own_leg_is_its_entry(posting: Posting) -> None:
    # Statements take one leg per line (leg_of) instead of building both entries.
    receivable, payable = posting.entries()
    assert posting.leg_of("RU") == (receivable.account, receivable.side, receivable.amount)
    assert posting.leg_of("IN") == (payable.account, payable.side, payable.amount)
    assert str(posting.leg_of("IN")[2].amount) == str(payable.amount.amount)
