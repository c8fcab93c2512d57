"""One writer per fact: which party may originate each kind of event (pure).

Each fact of the agreement has exactly one party that may say it, so two nodes never
write the same fact and nothing has to be merged: the deploying party files, amends,
completes and cancels its deployments (caps bind per deploying party, so the last-slot
race stays inside that party's node and database); the host consents or declines; the
requesting party raises an order; each party signs its own signature; the supplier
records deliveries; the receiver acknowledges receipt; a settlement is recorded by the
party its method says (the debtor pays in money; the supplier records a replacement in
kind it received); a reversal of a posting by the supplying party, whose claim the ledger
keeps. Price lists and exchange rates are not facts of an agreement: they are reference
data each node imports from the published source (the supplier's price list, the bank's
rates), and a delivery or settlement priced with anything else is rejected where it is
re-judged. Everything else in an agreement's log is the node's own bookkeeping
(audit copies, acknowledgements, key rotations) and crosses as information only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class UnknownFact(LookupError):
    """An event type this table does not list: nobody may originate it across nodes."""


@dataclass(frozen=True)
class Roles:
    """The parties a fact's record names, by their role in it."""

    deploying: str | None = None
    host: str | None = None
    requesting: str | None = None
    supplying: str | None = None
    signer: str | None = None
    payer: str | None = None


# event type -> the role whose party alone may originate it.
WRITERS: Mapping[str, str] = {
    "deployment.filed": "deploying",
    "deployment.amended": "deploying",
    "deployment.completed": "deploying",
    "deployment.cancelled": "deploying",
    "deployment.approved": "host",
    "deployment.declined": "host",
    "order.raised": "requesting",
    "order.signed": "signer",
    "order.delivered": "supplying",
    "order.received": "requesting",
    "settlement.recorded": "payer",
    "ledger.reversed": "supplying",
}


def writer_of(fact: str, roles: Roles) -> str:
    """The one party that may originate `fact` about a record with these roles."""
    role = WRITERS.get(fact)
    if role is None:
        raise UnknownFact(f"{fact!r} is not a fact that crosses between nodes")
    party = getattr(roles, role)
    if not party:
        raise UnknownFact(f"{fact!r} needs the record's {role} party, which is not given")
    return str(party)


def may_write(party: str, fact: str, roles: Roles) -> bool:
    """Whether `party` (a node's party) may originate `fact`."""
    try:
        return writer_of(fact, roles) == party
    except UnknownFact:
        return False


def settlement_payer(method: str, debtor: str, creditor: str) -> str:
    """Who records a settlement: money is recorded by the debtor who pays; a replacement
    in kind by the creditor, who is the one that received it."""
    return creditor if method == "replacement_in_kind" else debtor
