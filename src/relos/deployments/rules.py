"""The rules of docs/deployments.md that need no step function, each returning its violations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from relos.deployments.domain import (
    AgreementView,
    Breach,
    ElementKind,
    FacilityView,
    Filing,
    Occupancy,
    Warship,
)
from relos.kit.timeutil import format_instant


def period_violations(filing: Filing) -> list[Breach]:
    """invalid_period: at least one element, each ending after it starts, times in UTC."""
    if not filing.elements:
        return [Breach("invalid_period", "a deployment needs at least one element")]
    return [
        Breach("invalid_period", "the period must end after it starts, in UTC", element=index)
        for index, element in enumerate(filing.elements)
        if not element.period.is_well_formed()
    ]


def party_violations(filing: Filing, agreement: AgreementView) -> list[Breach]:
    """party_not_in_agreement."""
    if agreement.host_of(filing.deploying_party) is not None:
        return []
    message = f"{filing.deploying_party} is not a party to {agreement.id}"
    return [Breach("party_not_in_agreement", message)]


def purpose_violations(filing: Filing, agreement: AgreementView) -> list[Breach]:
    """purpose_not_permitted."""
    if filing.purpose in agreement.purposes:
        return []
    permitted = ", ".join(sorted(agreement.purposes)) or "none"
    message = f"{agreement.id} does not permit {filing.purpose!r} (permitted: {permitted})"
    return [Breach("purpose_not_permitted", message)]


def term_violations(filing: Filing, agreement: AgreementView, valid: set[int]) -> list[Breach]:
    """agreement_not_in_force: every element inside the term in force (extensions counted)."""
    violations = []
    start, until = agreement.in_force_from, agreement.in_force_until
    for index in sorted(valid):
        period = filing.elements[index].period
        if start is None:
            at, why = period.start, f"{agreement.id} is not in force"
        elif period.start < start:
            at, why = period.start, f"{agreement.id} enters into force {format_instant(start)}"
        elif until is not None and period.end > until:
            at, why = until, f"{agreement.id} is in force until {format_instant(until)}"
        else:
            continue
        violations.append(Breach("agreement_not_in_force", why, element=index, at=at))
    return violations


def facility_violations(
    filing: Filing, agreement: AgreementView, facilities: dict[str, FacilityView]
) -> list[Breach]:
    """facility_unknown / _not_in_host_territory / _kind_not_covered / facility_unsuitable."""
    host = agreement.host_of(filing.deploying_party)
    violations = []
    for index, element in enumerate(filing.elements):
        facility = facilities.get(element.facility)
        if facility is None:
            message = f"no facility {element.facility!r}"
            violations.append(Breach("facility_unknown", message, element=index))
            continue
        if host is not None and facility.country != host:
            message = f"{facility.id} is in {facility.country}, not on {host}'s territory"
            violations.append(Breach("facility_not_in_host_territory", message, element=index))
        if facility.kind not in agreement.facility_kinds:
            message = f"{agreement.id} does not cover facilities of kind {facility.kind!r}"
            violations.append(Breach("facility_kind_not_covered", message, element=index))
        unsuitable = _unsuitability(element.kind, element, facility)
        if unsuitable:
            violations.append(Breach("facility_unsuitable", unsuitable, element=index))
    return violations


def _unsuitability(kind: ElementKind, element: object, facility: FacilityView) -> str | None:
    """Why a facility cannot take the element, or None."""
    if kind is ElementKind.WARSHIP:
        if facility.kind != "port":
            return f"a warship needs a port; {facility.id} is a {facility.kind}"
        assert isinstance(element, Warship)
        draught, limit = element.draught_m, facility.max_draught_m
        if draught is not None and limit is not None and draught > limit:
            return f"draught {draught} m exceeds {facility.id}'s maximum of {limit} m"
    if kind is ElementKind.AIRCRAFT and facility.kind != "airfield":
        return f"an aircraft needs an airfield; {facility.id} is a {facility.kind}"
    return None


def double_booking_violations(
    filing: Filing, existing: Sequence[Occupancy], valid: set[int]
) -> list[Breach]:
    """unit_double_booked: a hull or serial is never in two overlapping periods."""
    violations = []
    for index in sorted(valid):
        element = filing.elements[index]
        if element.unit is None:
            continue
        clash = _first_clash(filing, index, existing, valid)
        if clash is not None:
            message = f"{element.kind.value} {element.unit} is already booked {clash}"
            at = element.period.start
            violations.append(Breach("unit_double_booked", message, element=index, at=at))
    return violations


def unit_key(party: str, kind: ElementKind, unit: str) -> str:
    """Hulls and serials are unique within one party's forces; compared case-insensitively."""
    return f"{party}:{kind.value}:{unit.strip().upper()}"


def _first_clash(
    filing: Filing, index: int, existing: Sequence[Occupancy], valid: set[int]
) -> str | None:
    element = filing.elements[index]
    assert element.unit is not None
    key = unit_key(filing.deploying_party, element.kind, element.unit)
    for earlier in sorted(valid):
        other = filing.elements[earlier]
        if earlier >= index or other.unit is None:
            continue
        if unit_key(filing.deploying_party, other.kind, other.unit) == key and (
            other.period.overlaps(element.period)
        ):
            return f"by element {earlier} of this filing"
    for occupancy in existing:
        if occupancy.unit is None or occupancy.deployment == filing.deployment:
            continue
        same = unit_key(occupancy.deploying_party, occupancy.kind, occupancy.unit) == key
        if same and occupancy.period.overlaps(element.period):
            return f"by deployment {occupancy.deployment}"
    return None


def notice_violations(filing: Filing, agreement: AgreementView, valid: set[int]) -> list[Breach]:
    """notice_too_short: notice given the agreement's days ahead, unless the purpose is exempt."""
    if filing.purpose in agreement.notice_exempt_purposes:
        return []
    violations = []
    for index in sorted(valid):
        element = filing.elements[index]
        days = agreement.notice_days.get(element.kind.value, 0)
        given = filing.notice_of(index)
        if days and element.period.start - given < timedelta(days=days):
            violations.append(_short_notice(index, element.period.start, given, days))
    return violations


def _short_notice(index: int, start: datetime, given: datetime, days: int) -> Breach:
    given_days = max((start - given) // timedelta(days=1), 0)
    message = (
        f"{days} days' notice needed before {format_instant(start)}; "
        f"notice given {format_instant(given)} ({given_days} whole days)"
    )
    return Breach(
        "notice_too_short", message, element=index, at=start, limit=days, would_be=given_days
    )
