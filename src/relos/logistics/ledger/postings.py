"""The reimbursement ledger, pure: postings and their double entries.

Every posting records one change in what a debtor (the requesting party of a support
order) owes a creditor (the supplying party) under one agreement, in one currency. It is
booked as two entries that always balance: the creditor's *receivable* from the debtor and
the debtor's *payable* to the creditor move together, so debits equal credits by
construction, in every currency.

- A delivery raises the amount owed (debit receivable, credit payable) and carries the
  date by which it must be settled.
- A settlement lowers it (debit payable, credit receivable).
- A reversal undoes one earlier posting with the opposite sign. Postings are never changed
  or removed: a correction is a reversal plus a new posting.

The rules that guard the postings live in `journal.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from relos.kit.money import Money


class Account(StrEnum):
    RECEIVABLE = "receivable"
    PAYABLE = "payable"


class Side(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


class PostingKind(StrEnum):
    DELIVERY = "delivery"
    SETTLEMENT = "settlement"
    REVERSAL = "reversal"


@dataclass(frozen=True)
class OrderAccount:
    """A support order as the ledger sees it: who owes whom, under which agreement."""

    agreement: str
    order: str
    creditor: str  # the supplying party
    debtor: str  # the requesting party


@dataclass(frozen=True)
class Entry:
    """One leg of a posting: a debit or credit of one party's account with another."""

    posting: str
    account: Account
    holder: str
    counterparty: str
    side: Side
    amount: Money


@dataclass(frozen=True)
class Posting:
    """One balanced change in what `debtor` owes `creditor` on one support order.

    `amount` is signed from the creditor's side: positive when more is owed (a delivery),
    negative when less (a settlement). Charges (deliveries and their reversals) carry
    `due_on`; payments (settlements and their reversals) do not.
    """

    ref: str
    kind: PostingKind
    agreement: str
    order: str
    creditor: str
    debtor: str
    amount: Money
    booked_on: date
    due_on: date | None = None
    reverses: str | None = None
    method: str | None = None
    memo: str = ""

    @property
    def currency(self) -> str:
        return self.amount.currency

    @property
    def is_charge(self) -> bool:
        return self.due_on is not None

    def leg_of(self, party: str) -> tuple[Account, Side, Money]:
        """The account, side and amount of the party's own leg (what `entries` gives the
        creditor or the debtor), without building both entries (statements of thousands)."""
        raises = self.amount.amount >= 0
        size = self.amount if self.amount.amount > 0 else abs(self.amount)
        if party == self.creditor:
            return Account.RECEIVABLE, Side.DEBIT if raises else Side.CREDIT, size
        return Account.PAYABLE, Side.CREDIT if raises else Side.DEBIT, size

    def entries(self) -> tuple[Entry, Entry]:
        """The two legs: receivable of the creditor, payable of the debtor."""
        raises = self.amount.amount >= 0
        size = abs(self.amount)
        receivable = Entry(
            self.ref,
            Account.RECEIVABLE,
            self.creditor,
            self.debtor,
            Side.DEBIT if raises else Side.CREDIT,
            size,
        )
        payable = Entry(
            self.ref,
            Account.PAYABLE,
            self.debtor,
            self.creditor,
            Side.CREDIT if raises else Side.DEBIT,
            size,
        )
        return receivable, payable


def delivery_posting(
    ref: str,
    *,
    agreement: str,
    order: str,
    supplier: str,
    requester: str,
    value: Money,
    delivered_on: date,
    days_to_settle: int,
    memo: str = "",
) -> Posting:
    """The posting a delivery makes: the requester owes `value`, due after the method's days."""
    return Posting(
        ref,
        PostingKind.DELIVERY,
        agreement,
        order,
        supplier,
        requester,
        value,
        delivered_on,
        due_on=delivered_on + timedelta(days=days_to_settle),
        memo=memo,
    )


def settlement_posting(
    ref: str,
    *,
    agreement: str,
    order: str,
    creditor: str,
    debtor: str,
    amount: Money,
    settled_on: date,
    method: str,
    memo: str = "",
) -> Posting:
    """The posting a settlement makes: what is owed drops by `amount` (given positive)."""
    return Posting(
        ref,
        PostingKind.SETTLEMENT,
        agreement,
        order,
        creditor,
        debtor,
        -amount,
        settled_on,
        method=method,
        memo=memo,
    )


def reversal_posting(original: Posting, ref: str, booked_on: date, memo: str = "") -> Posting:
    """The posting that cancels `original` exactly (same due date, opposite sign)."""
    return replace(
        original,
        ref=ref,
        kind=PostingKind.REVERSAL,
        amount=-original.amount,
        booked_on=booked_on,
        reverses=original.ref,
        memo=memo,
    )
