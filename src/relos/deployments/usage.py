"""What a party has used and has left of an agreement's caps over a window."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from relos.deployments.domain import AgreementView, Category, Occupancy, use_of
from relos.deployments.timeline import Period, StepFunction


@dataclass(frozen=True)
class Headroom:
    """Cap minus peak use over a window, with the instant that binds.

    `limit` and `free` are None for a category the agreement does not cap.
    """

    limit: int | None
    peak: int
    free: int | None
    at: datetime


@dataclass(frozen=True)
class UseStep:
    """One stretch of constant use in every category."""

    start: datetime
    end: datetime
    use: dict[Category, int]


def _party_use(
    agreement: AgreementView, party: str, existing: Sequence[Occupancy], category: Category
) -> StepFunction:
    crews = agreement.crew_counts_as_personnel
    return StepFunction(
        (occupancy.period, use_of(occupancy, category, crews))
        for occupancy in existing
        if occupancy.agreement == agreement.id and occupancy.deploying_party == party
    )


def headroom(
    agreement: AgreementView, party: str, window: Period, existing: Sequence[Occupancy]
) -> dict[Category, Headroom]:
    """Per category: limit, peak use in the window, what is free, and the binding instant."""
    result = {}
    for category in Category:
        peak, at = _party_use(agreement, party, existing, category).peak(window)
        limit = agreement.cap(category)
        free = None if limit is None else limit - peak
        result[category] = Headroom(limit=limit, peak=peak, free=free, at=at)
    return result


def utilisation(
    agreement: AgreementView, party: str, window: Period, existing: Sequence[Occupancy]
) -> list[UseStep]:
    """Use over the window as consecutive steps; a new step starts only where use changes."""
    functions = {c: _party_use(agreement, party, existing, c) for c in Category}
    instants = sorted({t for f in functions.values() for t in f.breakpoints(window)})
    steps: list[UseStep] = []
    for start, end in zip(instants, [*instants[1:], window.end], strict=True):
        use = {category: f.value_at(start) for category, f in functions.items()}
        if steps and steps[-1].use == use:
            steps[-1] = UseStep(steps[-1].start, end, use)
        else:
            steps.append(UseStep(start, end, use))
    return steps
