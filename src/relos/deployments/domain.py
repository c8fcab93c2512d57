"""The vocabulary of deployments under an access agreement: pure, no database, no web.

A deployment is filed by the deploying party under one agreement; the host is the other
party. Its elements (warships, aircraft, personnel) each sit at one facility of the host for
one half-open UTC period. The rules that judge a filing live in rules.py and caps.py; the
lifecycle in transitions.py; headroom and utilisation in usage.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from relos.deployments.timeline import Period


class ElementKind(StrEnum):
    WARSHIP = "warship"
    AIRCRAFT = "aircraft"
    PERSONNEL = "personnel"


class Category(StrEnum):
    """What a cap limits, in the treaty's words."""

    WARSHIPS = "warships"
    AIRCRAFT = "aircraft"
    PERSONNEL = "personnel"


class Status(StrEnum):
    CLEARED = "cleared"
    PENDING_HOST_CONSENT = "pending_host_consent"
    DECLINED = "declined"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


# Cleared and pending deployments hold their headroom; completed ones hold it up to their
# actual end; declined and cancelled ones hold nothing.
COUNTING_STATUSES = frozenset({Status.CLEARED, Status.PENDING_HOST_CONSENT, Status.COMPLETED})
OPEN_STATUSES = frozenset({Status.CLEARED, Status.PENDING_HOST_CONSENT})


@dataclass(frozen=True, kw_only=True)
class Warship:
    """A ship visit, with the notice content RELOS requires."""

    facility: str
    period: Period
    name: str
    hull: str
    ship_class: str = ""
    crew: int = 0
    displacement_t: float | None = None
    length_m: float | None = None
    beam_m: float | None = None
    draught_m: float | None = None
    kind: ElementKind = field(default=ElementKind.WARSHIP, init=False)

    @property
    def unit(self) -> str:
        return self.hull


@dataclass(frozen=True, kw_only=True)
class Aircraft:
    facility: str
    period: Period
    type: str
    serial: str
    call_sign: str = ""
    kind: ElementKind = field(default=ElementKind.AIRCRAFT, init=False)

    @property
    def unit(self) -> str:
        return self.serial


@dataclass(frozen=True, kw_only=True)
class Personnel:
    facility: str
    period: Period
    count: int
    kind: ElementKind = field(default=ElementKind.PERSONNEL, init=False)

    @property
    def unit(self) -> None:
        return None


Element = Warship | Aircraft | Personnel


@dataclass(frozen=True)
class AgreementView:
    """What the engine needs of an agreement's access part.

    `caps` None means the agreement grants no access (LEMOA-type); a category missing from
    `caps` is not capped. `in_force_from` None means the agreement is not in force;
    `in_force_until` None means the term has no end.
    """

    id: str
    parties: tuple[str, ...]
    caps: Mapping[str, int] | None
    crew_counts_as_personnel: bool
    purposes: frozenset[str]
    facility_kinds: frozenset[str]
    notice_days: Mapping[str, int]
    notice_exempt_purposes: frozenset[str]
    in_force_from: datetime | None
    in_force_until: datetime | None
    exceptions_by_consent: bool = True  # "unless otherwise agreed"

    def host_of(self, deploying_party: str) -> str | None:
        """The other party, or None when the deploying party is not a party."""
        if deploying_party not in self.parties:
            return None
        others = [party for party in self.parties if party != deploying_party]
        return others[0] if others else None

    def cap(self, category: Category) -> int | None:
        return None if self.caps is None else self.caps.get(category.value)


@dataclass(frozen=True)
class FacilityView:
    """What the engine needs of a facility; capacities None are unknown and not checked."""

    id: str
    country: str
    kind: str
    max_draught_m: float | None = None
    berths: int | None = None
    aircraft_stands: int | None = None
    accommodation: int | None = None


@dataclass(frozen=True)
class Occupancy:
    """One element of a stored deployment as it counts: its counted period only."""

    deployment: str
    element: int
    agreement: str
    deploying_party: str
    kind: ElementKind
    facility: str
    period: Period
    unit: str | None = None
    personnel: int = 0  # the personnel count, or the crew of a warship


@dataclass(frozen=True)
class Filing:
    """A deployment as filed or amended, judged at `filed_at`.

    `deployment` names the stored deployment an amendment replaces (its own use is not
    counted against it). `notice_given` holds, per element, when notice of it was given;
    an element an amendment leaves unchanged keeps its original notice.
    """

    agreement: str
    deploying_party: str
    purpose: str
    elements: tuple[Element, ...]
    filed_at: datetime
    request_exception: bool = False
    deployment: str | None = None
    notice_given: tuple[datetime, ...] | None = None

    def notice_of(self, index: int) -> datetime:
        return self.filed_at if self.notice_given is None else self.notice_given[index]


@dataclass(frozen=True)
class Breach:
    """One broken rule: a stable code, a message, and where and by how much."""

    code: str
    message: str
    element: int | None = None
    category: str | None = None
    at: datetime | None = None
    limit: int | None = None
    would_be: int | None = None


def use_of(element: Element | Occupancy, category: Category, crews_count: bool) -> int:
    """How much one element uses of a category (a ship's crew counts if the agreement says so)."""
    kind = element.kind
    if category is Category.WARSHIPS:
        return 1 if kind is ElementKind.WARSHIP else 0
    if category is Category.AIRCRAFT:
        return 1 if kind is ElementKind.AIRCRAFT else 0
    if kind is ElementKind.PERSONNEL:
        return personnel_of(element)
    if kind is ElementKind.WARSHIP and crews_count:
        return personnel_of(element)
    return 0


def personnel_of(element: Element | Occupancy) -> int:
    """Heads: the personnel count, or a warship's crew."""
    if isinstance(element, Occupancy):
        return element.personnel
    if isinstance(element, Personnel):
        return element.count
    if isinstance(element, Warship):
        return element.crew
    return 0


def counted_period(status: Status, period: Period, actual_end: datetime | None) -> Period | None:
    """The part of an element's period that counts against caps, given its deployment's state."""
    if status not in COUNTING_STATUSES:
        return None
    if status is Status.COMPLETED and actual_end is not None:
        return period.clipped(actual_end)
    return period


def occupancy_of(
    deployment: str,
    agreement: str,
    deploying_party: str,
    index: int,
    element: Element,
    counted: Period,
) -> Occupancy:
    """An element of a stored deployment, as the engine counts it."""
    return Occupancy(
        deployment=deployment,
        element=index,
        agreement=agreement,
        deploying_party=deploying_party,
        kind=element.kind,
        facility=element.facility,
        period=counted,
        unit=element.unit,
        personnel=personnel_of(element),
    )
