"""The journal, pure: the rules that guard the ledger, and balances from its double entries.

The `Journal` makes over-settlement impossible: after every posting, what is owed on each
order in each currency is zero or more. A reversal cancels one earlier posting exactly and
only once. Balances add up the creditors' receivable legs (debits minus credits).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from relos.kit.errors import Conflict, NotFound, RuleViolations, Violation
from relos.kit.money import Money
from relos.logistics.ledger.postings import Account, Entry, Posting, PostingKind, Side


def over_settlement(order: str, owed: Money, change: Money) -> RuleViolations:
    return RuleViolations(
        f"order {order}: only {owed} is owed; {abs(change)} would over-settle it",
        [
            Violation(
                "over_settlement",
                f"only {owed} is owed on order {order}",
                limit=str(owed.amount),
                would_be=str(abs(change).amount),
                extra={"currency": owed.currency, "order": order},
            )
        ],
    )


class Journal:
    """An append-only sequence of postings that refuses anything breaking the ledger's rules."""

    def __init__(self, postings: Iterable[Posting] = ()) -> None:
        self._postings: list[Posting] = []
        self._by_ref: dict[str, Posting] = {}
        self._reversed: set[str] = set()
        self._owed: dict[tuple[str, str], Money] = {}
        self._first: dict[str, Posting] = {}
        for posting in postings:
            self._apply(posting)

    def __iter__(self) -> Iterator[Posting]:
        return iter(self._postings)

    def __len__(self) -> int:
        return len(self._postings)

    def copy(self) -> Journal:
        """An independent journal with the same postings (to try a batch on)."""
        twin = Journal()
        twin._postings = list(self._postings)
        twin._by_ref = dict(self._by_ref)
        twin._reversed = set(self._reversed)
        twin._owed = dict(self._owed)
        twin._first = dict(self._first)
        return twin

    def get(self, ref: str) -> Posting:
        try:
            return self._by_ref[ref]
        except KeyError:
            raise NotFound(f"no ledger posting {ref}") from None

    def is_reversed(self, ref: str) -> bool:
        return ref in self._reversed

    def owed(self, order: str, currency: str) -> Money:
        """What the order's debtor still owes its creditor in `currency`."""
        return self._owed.get((order, currency), Money.zero(currency))

    def owes_nothing(self, order: str) -> bool:
        """True when nothing is owed on the order in any currency."""
        return all(owed.is_zero() for (of, _), owed in self._owed.items() if of == order)

    def post(self, posting: Posting) -> None:
        """Append one posting after checking it against every rule."""
        self.check(posting)
        self._apply(posting)

    def post_all(self, postings: Iterable[Posting]) -> None:
        """Append several postings only if all of them pass, in order (all or nothing)."""
        trial = self.copy()
        batch = list(postings)
        for posting in batch:
            trial.post(posting)
        for posting in batch:
            self._apply(posting)

    def check(self, posting: Posting) -> None:
        """Raise the domain error `posting` would cause; return quietly when it may be booked."""
        if posting.ref in self._by_ref:
            raise Conflict(f"ledger posting {posting.ref} already exists")
        self._check_parties(posting)
        if posting.kind is PostingKind.DELIVERY and posting.amount.amount < 0:
            raise Conflict("a delivery cannot lower what is owed")
        if posting.kind is PostingKind.SETTLEMENT and posting.amount.amount >= 0:
            raise Conflict("a settlement must be a positive amount")
        if posting.kind is PostingKind.REVERSAL:
            self._check_reversal(posting)
        owed = self.owed(posting.order, posting.currency)
        if (owed + posting.amount).amount < 0:
            raise over_settlement(posting.order, owed, posting.amount)

    def _check_parties(self, posting: Posting) -> None:
        first = self._first.get(posting.order)
        if first is None:
            return
        if (first.agreement, first.creditor, first.debtor) != (
            posting.agreement,
            posting.creditor,
            posting.debtor,
        ):
            raise Conflict(
                f"posting {posting.ref} does not match the parties of order {posting.order}"
            )

    def _check_reversal(self, posting: Posting) -> None:
        original = self.get(posting.reverses or "")
        if original.kind is PostingKind.REVERSAL:
            raise Conflict(f"{original.ref} is itself a reversal; post a new entry instead")
        if original.ref in self._reversed:
            raise Conflict(f"posting {original.ref} is already reversed")
        if posting.amount != -original.amount or posting.order != original.order:
            raise Conflict(f"a reversal must cancel {original.ref} exactly")

    def _apply(self, posting: Posting) -> None:
        self._postings.append(posting)
        self._by_ref[posting.ref] = posting
        self._first.setdefault(posting.order, posting)
        if posting.reverses is not None:
            self._reversed.add(posting.reverses)
        key = (posting.order, posting.currency)
        self._owed[key] = self.owed(*key) + posting.amount


def entries(postings: Iterable[Posting]) -> Iterator[Entry]:
    """Every leg of every posting, in order."""
    for posting in postings:
        yield from posting.entries()


def trial_balance(legs: Iterable[Entry]) -> dict[str, tuple[Money, Money]]:
    """Total debits and credits per currency; the two are equal in a sound ledger."""
    totals: dict[str, list[Money]] = {}
    for leg in legs:
        pair = totals.setdefault(leg.amount.currency, [Money.zero(leg.amount.currency)] * 2)
        index = 0 if leg.side is Side.DEBIT else 1
        pair[index] = pair[index] + leg.amount
    return {currency: (pair[0], pair[1]) for currency, pair in totals.items()}


@dataclass(frozen=True)
class Balance:
    """What `debtor` owes `creditor` under `agreement`, in one currency."""

    agreement: str
    creditor: str
    debtor: str
    amount: Money


def balances(legs: Iterable[Entry], postings_agreement: dict[str, str]) -> list[Balance]:
    """Balances from the receivable accounts (debits minus credits), non-zero ones only.

    `postings_agreement` maps each posting ref to its agreement (the legs do not repeat it).
    """
    sums: dict[tuple[str, str, str, str], Money] = {}
    for leg in legs:
        if leg.account is not Account.RECEIVABLE:
            continue
        key = (postings_agreement[leg.posting], leg.holder, leg.counterparty, leg.amount.currency)
        signed = leg.amount if leg.side is Side.DEBIT else -leg.amount
        sums[key] = sums[key] + signed if key in sums else signed
    return [
        Balance(agreement, creditor, debtor, amount)
        for (agreement, creditor, debtor, _), amount in sorted(sums.items())
        if not amount.is_zero()
    ]


def ledger_balances(postings: Iterable[Posting], agreement: str | None = None) -> list[Balance]:
    """Balances of the ledger (optionally of one agreement), computed from its double entries."""
    chosen = [p for p in postings if agreement is None or p.agreement == agreement]
    return balances(entries(chosen), {p.ref: p.agreement for p in chosen})
