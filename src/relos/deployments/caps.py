"""Rules over time: caps per deploying party and facility capacity, at every instant.

Blame goes to the elements that push use over the limit: element i is judged against the
stored use plus elements 0..i of the same filing. Dropping every element named in a
violation therefore always leaves a filing that fits, and a filing of six warships under a
cap of five names only the sixth.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from relos.deployments.domain import (
    AgreementView,
    Breach,
    Category,
    Element,
    ElementKind,
    FacilityView,
    Filing,
    Occupancy,
    use_of,
)
from relos.deployments.timeline import Period, StepFunction
from relos.kit.timeutil import format_instant

Weighted = tuple[Period, int]


def peak_with_prefix(
    stored: StepFunction, new: Sequence[Weighted], index: int
) -> tuple[int, datetime]:
    """Peak over new[index]'s period of the stored use plus new[0..index]."""
    own = new[index][0]
    prefix = [(period, amount) for period, amount in new[: index + 1] if period.overlaps(own)]
    # A sum of steps peaks at the window start or where one of its terms rises.
    candidates = set(stored.breakpoints(own))
    candidates.update(period.start for period, _ in prefix if own.contains(period.start))
    best, at = -1, own.start
    for instant in sorted(candidates):
        value = stored.value_at(instant)
        value += sum(amount for period, amount in prefix if period.contains(instant))
        if value > best:
            best, at = value, instant
    return best, at


def _over_limit(
    stored: StepFunction, new: Sequence[Weighted], limit: int
) -> list[tuple[int, int, datetime]]:
    """(element, would_be, at) for each new element that takes use above the limit."""
    found = []
    for index, (_, amount) in enumerate(new):
        if amount > 0:
            peak, at = peak_with_prefix(stored, new, index)
            if peak > limit:
                found.append((index, peak, at))
    return found


def cap_violations(
    filing: Filing, agreement: AgreementView, existing: Sequence[Occupancy], valid: set[int]
) -> list[Breach]:
    """cap_exceeded: the deploying party's use on the host's territory, per category."""
    crews = agreement.crew_counts_as_personnel
    same_party = [
        occupancy
        for occupancy in existing
        if occupancy.agreement == filing.agreement
        and occupancy.deploying_party == filing.deploying_party
        and occupancy.deployment != filing.deployment
    ]
    violations = []
    for category in Category:
        limit = agreement.cap(category)
        if limit is None:
            continue
        new = _weights(filing.elements, valid, partial(_use, category=category, crews=crews))
        stored = StepFunction((o.period, use_of(o, category, crews)) for o in same_party)
        for index, would_be, at in _over_limit(stored, new, limit):
            violations.append(
                Breach(
                    code="cap_exceeded",
                    message=(
                        f"{category.value}: {filing.deploying_party} would have {would_be} on "
                        f"the host's territory at {format_instant(at)}; the cap is {limit}"
                    ),
                    element=index,
                    category=category.value,
                    at=at,
                    limit=limit,
                    would_be=would_be,
                )
            )
    return violations


def _use(element: Element, category: Category, crews: bool) -> int:
    return use_of(element, category, crews)


# Which elements fill which capacity of a facility. Ship crews live aboard, so only
# personnel elements take accommodation.
CAPACITIES: dict[str, ElementKind] = {
    "berths": ElementKind.WARSHIP,
    "aircraft_stands": ElementKind.AIRCRAFT,
    "accommodation": ElementKind.PERSONNEL,
}


def _capacity_use(element: Element | Occupancy, capacity: str) -> int:
    if element.kind is not CAPACITIES[capacity]:
        return 0
    return use_of(element, Category.PERSONNEL, False) if capacity == "accommodation" else 1


def capacity_violations(
    filing: Filing,
    facilities: dict[str, FacilityView],
    existing: Sequence[Occupancy],
    valid: set[int],
) -> list[Breach]:
    """facility_capacity_exceeded: berths, stands and accommodation used by anyone at once."""
    violations = []
    for facility_id in sorted({filing.elements[i].facility for i in valid}):
        facility = facilities.get(facility_id)
        if facility is None:
            continue
        here = {i for i in valid if filing.elements[i].facility == facility_id}
        others = [
            o for o in existing if o.facility == facility_id and o.deployment != filing.deployment
        ]
        for capacity in CAPACITIES:
            limit: int | None = getattr(facility, capacity)
            if limit is None:
                continue
            violations += _capacity_breaches(filing, facility_id, capacity, limit, here, others)
    return sorted(violations, key=lambda v: v.element or 0)


def _capacity_breaches(
    filing: Filing,
    facility_id: str,
    capacity: str,
    limit: int,
    here: set[int],
    others: Sequence[Occupancy],
) -> list[Breach]:
    new = _weights(filing.elements, here, lambda e: _capacity_use(e, capacity))
    stored = StepFunction((o.period, _capacity_use(o, capacity)) for o in others)
    return [
        Breach(
            code="facility_capacity_exceeded",
            message=(
                f"{facility_id}: {capacity.replace('_', ' ')} would be {would_be} at "
                f"{format_instant(at)}; the facility has {limit}"
            ),
            element=index,
            category=capacity,
            at=at,
            limit=limit,
            would_be=would_be,
        )
        for index, would_be, at in _over_limit(stored, new, limit)
    ]


def _weights(
    elements: Sequence[Element], included: set[int], weight: Callable[[Element], int]
) -> list[Weighted]:
    """Each element's period and weight; elements not included weigh nothing."""
    return [
        (element.period, weight(element) if index in included else 0)
        for index, element in enumerate(elements)
    ]
