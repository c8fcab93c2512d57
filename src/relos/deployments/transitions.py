"""A stored deployment's state and the moves between states.

filed ──> cleared ───────────> completed (actual end)
      └─> pending_host_consent ─> cleared (host approves) | declined
cleared or pending ─> cancelled;  cleared or pending ─> amended (re-judged)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from relos.deployments.domain import (
    OPEN_STATUSES,
    Element,
    Occupancy,
    Status,
    counted_period,
    occupancy_of,
)
from relos.kit.errors import Conflict, Forbidden, InvalidInput


@dataclass(frozen=True)
class Deployment:
    """A deployment as stored. `by_exception`: the host's consent was asked for."""

    id: str
    agreement: str
    deploying_party: str
    host_party: str
    purpose: str
    elements: tuple[Element, ...]
    status: Status
    by_exception: bool = False
    actual_end: datetime | None = None

    @property
    def period(self) -> tuple[datetime, datetime]:
        """From the first element's start to the last element's end."""
        return (
            min(element.period.start for element in self.elements),
            max(element.period.end for element in self.elements),
        )


def occupancies(deployment: Deployment) -> list[Occupancy]:
    """The elements of a deployment that still count, each over its counted period."""
    result = []
    for index, element in enumerate(deployment.elements):
        counted = counted_period(deployment.status, element.period, deployment.actual_end)
        if counted is not None:
            result.append(
                occupancy_of(
                    deployment.id,
                    deployment.agreement,
                    deployment.deploying_party,
                    index,
                    element,
                    counted,
                )
            )
    return result


def _require(deployment: Deployment, allowed: frozenset[Status], action: str) -> None:
    if deployment.status not in allowed:
        raise Conflict(f"cannot {action} deployment {deployment.id}: it is {deployment.status}")


def consent(deployment: Deployment, approve: bool, party: str) -> Deployment:
    """The host's decision on an exception: only the host party may take it."""
    if party != deployment.host_party:
        raise Forbidden(f"only the host party {deployment.host_party} may decide on consent")
    _require(deployment, frozenset({Status.PENDING_HOST_CONSENT}), "decide on")
    return replace(deployment, status=Status.CLEARED if approve else Status.DECLINED)


def complete(deployment: Deployment, actual_end: datetime) -> Deployment:
    """Record the actual end: what follows it no longer counts; an overstay needs an amendment."""
    _require(deployment, frozenset({Status.CLEARED}), "complete")
    first, last = deployment.period
    if actual_end.tzinfo is None or not first < actual_end <= last:
        raise InvalidInput(
            "actual_end must lie after the deployment's start and no later than its planned end"
        )
    return replace(deployment, status=Status.COMPLETED, actual_end=actual_end)


def cancel(deployment: Deployment) -> Deployment:
    """Cancelling frees all the deployment's headroom."""
    _require(deployment, OPEN_STATUSES, "cancel")
    return replace(deployment, status=Status.CANCELLED)


def amend(deployment: Deployment, elements: tuple[Element, ...], status: Status) -> Deployment:
    """Replace the elements once the amendment has been judged (status from engine.decide)."""
    _require(deployment, OPEN_STATUSES, "amend")
    by_exception = status is Status.PENDING_HOST_CONSENT
    return replace(deployment, elements=elements, status=status, by_exception=by_exception)


def carried_notice(
    previous: tuple[Element, ...],
    notice_given: tuple[datetime, ...],
    new: tuple[Element, ...],
    now: datetime,
) -> tuple[datetime, ...]:
    """Notice per amended element.

    Notice announces an arrival: the same unit (or personnel) at the same facility from the
    same instant. An element whose arrival is unchanged keeps the notice given for it, even
    if its end, crew or count changed; any other element gives notice now.
    """
    earlier: dict[tuple[str, str, datetime, str | None], datetime] = {}
    for element, given in zip(previous, notice_given, strict=True):
        earlier.setdefault(_arrival(element), given)
    return tuple(earlier.get(_arrival(element), now) for element in new)


def _arrival(element: Element) -> tuple[str, str, datetime, str | None]:
    unit = element.unit.strip().upper() if element.unit else None
    return element.kind.value, element.facility, element.period.start, unit
