"""Judging a filing against what it competes with: locks, indexed fetch, the pure engine."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from relos.deployments import contention, repository
from relos.deployments.domain import AgreementView, Element, FacilityView, Filing, Occupancy
from relos.deployments.engine import Assessment, assess
from relos.deployments.inputs import facility_views
from relos.deployments.mapping import element_from_input, violation_out
from relos.deployments.rules import unit_key
from relos.deployments.schemas import FilingIn
from relos.deployments.timeline import Period
from relos.kit.db import advisory_locks
from relos.kit.errors import RuleViolations, Violation


def filing_of(body: FilingIn, now: datetime) -> Filing:
    return Filing(
        agreement=body.agreement,
        deploying_party=body.deploying_party,
        purpose=body.purpose,
        elements=tuple(element_from_input(e) for e in body.elements),
        filed_at=now,
        request_exception=body.request_exception,
    )


def windows(elements: tuple[Element, ...]) -> list[Period]:
    """The well-formed element periods merged into disjoint windows."""
    periods = sorted(e.period for e in elements if e.period.is_well_formed())
    merged: list[Period] = []
    for period in periods:
        if merged and period.start <= merged[-1].end:
            merged[-1] = Period(merged[-1].start, max(merged[-1].end, period.end))
        else:
            merged.append(period)
    return merged


def unit_keys(filing: Filing) -> list[str]:
    return sorted(
        {unit_key(filing.deploying_party, e.kind, e.unit) for e in filing.elements if e.unit}
    )


def competition(session: Session, filing: Filing) -> list[Occupancy]:
    """Stored counting elements the filing could meet: same caps, facilities or units."""
    found: dict[tuple[str, int], Occupancy] = {}
    facilities = sorted({e.facility for e in filing.elements})
    units = unit_keys(filing)
    for window in windows(filing.elements):
        batch = repository.competing_use(
            session, filing.agreement, filing.deploying_party, facilities, units, window
        )
        found.update(((o.deployment, o.element), o) for o in batch)
    return list(found.values())


def lock(session: Session, filing: Filing, extra: list[Element] | None = None) -> None:
    """Serialise every writer that competes for the same caps, facilities or units at the
    same time (by calendar month; see contention.py). `extra`: elements being replaced."""
    elements = (*filing.elements, *(extra or []))
    scopes: list[tuple[str, ...]] = [("deployments-caps", filing.agreement, filing.deploying_party)]
    scopes += [("deployments-facility", f) for f in {e.facility for e in elements}]
    scopes += [("deployments-unit", key) for key in unit_keys(filing)]
    keys = contention.plan(scopes, windows(elements))
    advisory_locks(session, keys.exclusive, shared=keys.shared)  # one round trip


def facilities_of(session: Session, filing: Filing) -> list[FacilityView]:
    """The facilities the filing names (reference data: no lock protects or needs them)."""
    return facility_views(session, (e.facility for e in filing.elements))


def judge(
    session: Session,
    filing: Filing,
    agreement: AgreementView,
    facilities: list[FacilityView] | None = None,
) -> Assessment:
    """Assess the filing against what it competes with, read now (under the locks, when
    the caller took them); `facilities` may be read before the locks."""
    if facilities is None:
        facilities = facilities_of(session, filing)
    return assess(filing, agreement, facilities, competition(session, filing))


def problem(assessment: Assessment) -> RuleViolations:
    violations = [Violation(**violation_out(v)) for v in assessment.violations]
    codes = ", ".join(sorted({v.code for v in violations}))
    return RuleViolations(f"the deployment breaks the agreement: {codes}", violations)
