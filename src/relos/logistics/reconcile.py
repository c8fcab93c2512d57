"""Bilateral reconciliation, pure: each party exports its ledger; relos compares two exports.

An export lists every posting that involves the exporting party, keyed by the posting's
reference, which both sides share because it is minted once, when the support is recorded.
When the two exports come from different parties only the postings between those two
parties are compared: India's export also holds its French orders, which Russia cannot know.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from relos.kit.errors import InvalidInput
from relos.kit.money import Money
from relos.logistics.ledger.postings import Posting

EXPORT_FORMAT = "relos-ledger-export/1"
COMPARED = ("amount", "currency", "date", "kind", "order", "agreement", "creditor", "debtor")


@dataclass(frozen=True)
class Record:
    """One posting as it travels in an export."""

    ref: str
    kind: str
    agreement: str
    order: str
    creditor: str
    debtor: str
    amount: Decimal
    currency: str
    date: date

    def to_dict(self) -> dict[str, str]:
        return {
            "ref": self.ref,
            "kind": self.kind,
            "agreement": self.agreement,
            "order": self.order,
            "creditor": self.creditor,
            "debtor": self.debtor,
            "amount": str(self.amount),
            "currency": self.currency,
            "date": self.date.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        try:
            currency = str(data["currency"])
            return cls(
                str(data["ref"]),
                str(data["kind"]),
                str(data["agreement"]),
                str(data["order"]),
                str(data["creditor"]),
                str(data["debtor"]),
                Money.exact(str(data["amount"]), currency).amount,
                currency,
                date.fromisoformat(str(data["date"])),
            )
        except (KeyError, ValueError) as error:
            raise InvalidInput(f"malformed export record {data!r}: {error}") from None

    def involves(self, party: str) -> bool:
        return party in (self.creditor, self.debtor)


def record_of(posting: Posting) -> Record:
    return Record(
        posting.ref,
        posting.kind.value,
        posting.agreement,
        posting.order,
        posting.creditor,
        posting.debtor,
        posting.amount.amount,
        posting.currency,
        posting.booked_on,
    )


@dataclass(frozen=True)
class Export:
    party: str
    generated_at: datetime
    records: list[Record]

    def to_json(self) -> str:
        body = {
            "format": EXPORT_FORMAT,
            "party": self.party,
            "generated_at": self.generated_at.isoformat().replace("+00:00", "Z"),
            "records": [r.to_dict() for r in self.records],
        }
        return json.dumps(body, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Export:
        try:
            body = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidInput(f"not a ledger export: {error}") from None
        if not isinstance(body, dict) or body.get("format") != EXPORT_FORMAT:
            raise InvalidInput(f"not a ledger export (expected format {EXPORT_FORMAT})")
        records = [Record.from_dict(r) for r in body.get("records", [])]
        stamp = datetime.fromisoformat(str(body.get("generated_at", "1970-01-01T00:00:00Z")))
        return cls(str(body.get("party", "")), stamp, records)


def export(postings: Iterable[Posting], party: str, now: datetime | None = None) -> Export:
    """The party's export: every posting in which it is creditor or debtor."""
    records = [record_of(p) for p in postings if party in (p.creditor, p.debtor)]
    return Export(party, now or datetime.now(UTC), sorted(records, key=lambda r: r.ref))


@dataclass(frozen=True)
class Mismatch:
    ref: str
    fields: tuple[str, ...]
    ours: Record
    theirs: Record


@dataclass
class Reconciliation:
    matched: list[str] = field(default_factory=list)
    missing_on_ours: list[Record] = field(default_factory=list)
    missing_on_theirs: list[Record] = field(default_factory=list)
    mismatched: list[Mismatch] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """True when the two exports agree on every shared posting."""
        return not (self.missing_on_ours or self.missing_on_theirs or self.mismatched)


def _differences(ours: Record, theirs: Record) -> tuple[str, ...]:
    left, right = ours.to_dict(), theirs.to_dict()
    left["amount"], right["amount"] = str(ours.amount.normalize()), str(theirs.amount.normalize())
    return tuple(name for name in COMPARED if left[name] != right[name])


def _shared(export_: Export, other_party: str) -> dict[str, Record]:
    if other_party in ("", export_.party):
        return {r.ref: r for r in export_.records}
    return {r.ref: r for r in export_.records if r.involves(other_party)}


def reconcile(ours: Export, theirs: Export) -> Reconciliation:
    """Compare two exports: matched, missing on either side, and mismatched fields."""
    mine, yours = _shared(ours, theirs.party), _shared(theirs, ours.party)
    result = Reconciliation()
    for ref in sorted(mine.keys() | yours.keys()):
        if ref not in yours:
            result.missing_on_theirs.append(mine[ref])
        elif ref not in mine:
            result.missing_on_ours.append(yours[ref])
        elif fields := _differences(mine[ref], yours[ref]):
            result.mismatched.append(Mismatch(ref, fields, mine[ref], yours[ref]))
        else:
            result.matched.append(ref)
    return result
