"""Agreements as data: the validated document and the pure rules of its term.

An agreement file says who the parties are, what access it grants (caps, purposes,
facility kinds, notice) and what logistics support it covers. Nothing here touches a
database; the loader turns a TOML file into a frozen Agreement or a one-line error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from relos.kit.timeutil import midnight

CAP_CATEGORIES = ("warships", "aircraft", "personnel")
ELEMENT_KINDS = ("warship", "aircraft", "personnel")
FACILITY_KINDS = ("port", "airfield", "training_range", "airspace")
SETTLEMENT_METHODS = ("cash", "replacement_in_kind", "equal_value_exchange")
Renewal = Literal["mutual_consent", "automatic", "none"]


@dataclass(frozen=True)
class AccessGrant:
    """The standing framework for deployments on the other party's territory."""

    caps: dict[str, int]
    crew_counts_as_personnel: bool
    purposes: tuple[str, ...]
    facility_kinds: tuple[str, ...]
    notice_days: dict[str, int]
    notice_exempt_purposes: tuple[str, ...]
    exceptions_by_consent: bool


@dataclass(frozen=True)
class Logistics:
    """Reciprocal support: what may be supplied and how it is paid back."""

    categories: tuple[str, ...]
    excluded_categories: tuple[str, ...]
    settlement_methods: tuple[str, ...]
    settle_days: dict[str, int]
    pricing: str


@dataclass(frozen=True)
class Term:
    initial_years: int
    renewal: Renewal
    extension_years: int | None


@dataclass(frozen=True)
class Agreement:
    id: str
    title: str
    short_name: str
    parties: tuple[str, str]
    signed: date
    entry_into_force: date
    term: Term
    access: AccessGrant | None
    logistics: Logistics | None
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()
    illustrative: tuple[str, ...] = field(default=())

    @property
    def caps(self) -> dict[str, int] | None:
        return dict(self.access.caps) if self.access else None

    def other_party(self, party: str) -> str:
        """The host when `party` deploys: the agreement's other party."""
        first, second = self.parties
        return second if party == first else first

    def has_party(self, party: str) -> bool:
        return party in self.parties


@dataclass(frozen=True)
class Consent:
    """One party's recorded consent to extend the term by some years."""

    party: str
    extend_years: int
    recorded_at: datetime


@dataclass(frozen=True)
class TermInForce:
    start: datetime
    end: datetime | None  # None: renews automatically with no end in view
    extensions: int

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant and (self.end is None or instant < self.end)


def add_years(day: date, years: int) -> date:
    """Anniversary arithmetic; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def term_in_force(agreement: Agreement, consents: list[Consent]) -> TermInForce:
    """The term after every extension both parties consented to before the then expiry.

    Under `mutual_consent` an extension takes effect only once each party has recorded a
    consent for the same number of years before the term then in force expires; consents
    are used up in the order they were recorded, one per party per extension.
    """
    start = midnight(agreement.entry_into_force)
    if agreement.term.renewal == "automatic":
        return TermInForce(start, None, 0)
    end_day = add_years(agreement.entry_into_force, agreement.term.initial_years)
    if agreement.term.renewal == "none":
        return TermInForce(start, midnight(end_day), 0)
    end_day, extensions, _ = _apply_consents(agreement.parties, end_day, consents)
    return TermInForce(start, midnight(end_day), extensions)


def pending_consents(agreement: Agreement, consents: list[Consent]) -> list[Consent]:
    """Consents recorded but not (yet) matched into an extension."""
    if agreement.term.renewal != "mutual_consent":
        return []
    end_day = add_years(agreement.entry_into_force, agreement.term.initial_years)
    return _apply_consents(agreement.parties, end_day, consents)[2]


def _apply_consents(
    parties: tuple[str, str], end_day: date, consents: list[Consent]
) -> tuple[date, int, list[Consent]]:
    remaining = sorted(consents, key=lambda c: c.recorded_at)
    extensions = 0
    while True:
        usable = [c for c in remaining if c.recorded_at < midnight(end_day)]
        pair = _matching_pair(usable, parties)
        if pair is None:
            return end_day, extensions, remaining
        for consent in pair:
            remaining.remove(consent)
        end_day = add_years(end_day, pair[0].extend_years)
        extensions += 1


def _matching_pair(
    consents: list[Consent], parties: tuple[str, str]
) -> tuple[Consent, Consent] | None:
    """The earliest consent of each party agreeing on the same number of years."""
    for first in (c for c in consents if c.party == parties[0]):
        for second in (c for c in consents if c.party == parties[1]):
            if second.extend_years == first.extend_years:
                return first, second
    return None
