"""Judge a filing against every rule at once and decide what becomes of it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from relos.deployments import caps, rules
from relos.deployments.domain import (
    AgreementView,
    Breach,
    FacilityView,
    Filing,
    Occupancy,
    Status,
)

# "Unless otherwise agreed": only these may be waived by the host's consent.
EXCEPTIONABLE = frozenset({"cap_exceeded", "notice_too_short"})

# The rules table of docs/deployments.md, in order: violations are reported in this
# order, then by element.
RULE_CODES = (
    "invalid_period",
    "party_not_in_agreement",
    "agreement_not_in_force",
    "purpose_not_permitted",
    "facility_unknown",
    "facility_not_in_host_territory",
    "facility_kind_not_covered",
    "facility_unsuitable",
    "facility_capacity_exceeded",
    "cap_exceeded",
    "unit_double_booked",
    "notice_too_short",
)


@dataclass(frozen=True)
class Assessment:
    """The violations of a filing and the status it would take (None: refused)."""

    violations: tuple[Breach, ...]
    status: Status | None

    @property
    def ok(self) -> bool:
        return not self.violations


def validate(
    filing: Filing,
    agreement: AgreementView,
    facilities: Iterable[FacilityView],
    existing: Sequence[Occupancy],
) -> list[Breach]:
    """Every violation of the filing, in the order of the rules table in docs/deployments.md.

    `existing` holds the counted elements of stored deployments the filing could meet: the
    same agreement and deploying party, the same facilities, or the same hulls and serials.
    Extra occupancies are harmless; missing ones make the check blind to them.
    """
    by_id = {facility.id: facility for facility in facilities}
    well_formed = rules.period_violations(filing)
    valid = set(range(len(filing.elements))) - {
        v.element for v in well_formed if v.element is not None
    }
    party = rules.party_violations(filing, agreement)
    violations = [
        *well_formed,
        *party,
        *rules.term_violations(filing, agreement, valid),
        *rules.purpose_violations(filing, agreement),
        *rules.facility_violations(filing, agreement, by_id),
        *caps.capacity_violations(filing, by_id, existing, valid),
    ]
    if not party:
        violations += caps.cap_violations(filing, agreement, existing, valid)
    violations += rules.double_booking_violations(filing, existing, valid)
    violations += rules.notice_violations(filing, agreement, valid)
    return sorted(violations, key=_table_order)


def _table_order(violation: Breach) -> tuple[int, int]:
    return RULE_CODES.index(violation.code), -1 if violation.element is None else violation.element


def decide(violations: Sequence[Breach], request_exception: bool) -> Status | None:
    """Cleared when nothing is broken; pending when only caps or notice are and an exception
    is asked for; otherwise refused (None)."""
    if not violations:
        return Status.CLEARED
    if request_exception and {v.code for v in violations} <= EXCEPTIONABLE:
        return Status.PENDING_HOST_CONSENT
    return None


def assess(
    filing: Filing,
    agreement: AgreementView,
    facilities: Iterable[FacilityView],
    existing: Sequence[Occupancy],
) -> Assessment:
    """validate then decide."""
    violations = validate(filing, agreement, facilities, existing)
    may_ask = filing.request_exception and agreement.exceptions_by_consent
    return Assessment(tuple(violations), decide(violations, may_ask))
