"""Deployment use cases: one function per route, page and command.

Every write that could take headroom (file, amend) first takes advisory locks on the
deploying party's caps under the agreement, on each facility and on each hull or serial it
names, in one sorted order, then reads what it competes with, judges, and writes, all in
one transaction; see docs/deployments.md for why this is safe on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import may_see, require
from relos.audit.service import record
from relos.deployments import lifecycle, repository, usage
from relos.deployments.domain import (
    AgreementView,
    Element,
    Filing,
    Occupancy,
    Status,
    counted_period,
    personnel_of,
)
from relos.deployments.engine import Assessment, assess
from relos.deployments.mapping import (
    details_of,
    element_from_input,
    element_from_row,
    element_out,
    violation_out,
)
from relos.deployments.models import DeploymentRow, ElementRow, HistoryRow
from relos.deployments.rules import unit_key
from relos.deployments.schemas import AmendmentIn, ElementIn, FilingIn
from relos.deployments.timeline import Period
from relos.deployments.views import facility_views, load_agreement
from relos.kit.db import advisory_lock
from relos.kit.errors import Forbidden, InvalidInput, NotFound, RuleViolations
from relos.kit.errors import Violation as ProblemViolation
from relos.kit.etags import check_if_match, etag_of
from relos.kit.timeutil import format_instant, utcnow

# --- judging -------------------------------------------------------------------------------


def _windows(elements: tuple[Element, ...]) -> list[Period]:
    """The well-formed element periods merged into disjoint windows."""
    periods = sorted(e.period for e in elements if e.period.is_well_formed())
    merged: list[Period] = []
    for period in periods:
        if merged and period.start <= merged[-1].end:
            merged[-1] = Period(merged[-1].start, max(merged[-1].end, period.end))
        else:
            merged.append(period)
    return merged


def _unit_keys(filing: Filing) -> list[str]:
    return sorted(
        {unit_key(filing.deploying_party, e.kind, e.unit) for e in filing.elements if e.unit}
    )


def _competition(session: Session, filing: Filing) -> list[Occupancy]:
    """Stored counting elements the filing could meet: same caps, facilities or units."""
    found: dict[tuple[str, int], Occupancy] = {}
    facilities = sorted({e.facility for e in filing.elements})
    for window in _windows(filing.elements):
        batches = [
            repository.party_use(session, filing.agreement, filing.deploying_party, window),
            repository.unit_use(session, _unit_keys(filing), window),
            repository.facility_use(session, facilities, window),
        ]
        for batch in batches:
            found.update(((o.deployment, o.element), o) for o in batch)
    return list(found.values())


def _lock(session: Session, filing: Filing, extra: list[Element] | None = None) -> None:
    """Serialise every writer that competes for the same caps, facilities or units."""
    facilities = {e.facility for e in [*filing.elements, *(extra or [])]}
    keys: list[tuple[str, ...]] = [("deployments-caps", filing.agreement, filing.deploying_party)]
    keys += [("deployments-facility", f) for f in facilities]
    keys += [("deployments-unit", key) for key in _unit_keys(filing)]
    for key in sorted(set(keys)):
        advisory_lock(session, *key)


def _judge(session: Session, filing: Filing, agreement: AgreementView) -> Assessment:
    facilities = facility_views(session, (e.facility for e in filing.elements))
    return assess(filing, agreement, facilities, _competition(session, filing))


def _problem(assessment: Assessment) -> RuleViolations:
    violations = [ProblemViolation(**violation_out(v)) for v in assessment.violations]
    codes = ", ".join(sorted({v.code for v in violations}))
    return RuleViolations(f"the deployment breaks the agreement: {codes}", violations)


# --- reading -------------------------------------------------------------------------------


def describe(row: DeploymentRow, history: list[HistoryRow] | None = None) -> dict[str, Any]:
    """The public shape of a deployment (API.md "Deployments")."""
    data: dict[str, Any] = {
        "id": row.id,
        "agreement": row.agreement_id,
        "deploying_party": row.deploying_party,
        "host_party": row.host_party,
        "purpose": row.purpose,
        "title": row.title,
        "commander": row.commander,
        "request_exception": row.request_exception,
        "justification": row.justification,
        "status": row.status,
        "by_exception": row.by_exception,
        "start": format_instant(row.starts),
        "end": format_instant(row.ends),
        "actual_end": format_instant(row.actual_end) if row.actual_end else None,
        "filed_at": format_instant(row.filed_at),
        "filed_by": row.filed_by,
        "updated_at": format_instant(row.updated_at),
        "version": row.version,
        "elements": [element_out(e) for e in row.elements],
    }
    if history is not None:
        data["history"] = [
            {
                "at": format_instant(h.at),
                "actor": h.actor,
                "actor_party": h.actor_party,
                "action": h.action,
                "status_before": h.status_before,
                "status_after": h.status_after,
                "detail": h.detail,
            }
            for h in history
        ]
    return data


def etag(row: DeploymentRow) -> str:
    return etag_of({"id": row.id, "version": row.version})


def etag_for(data: dict[str, Any]) -> str:
    """The ETag of a deployment from its public shape."""
    return etag_of({"id": data["id"], "version": data["version"]})


def _visible(
    session: Session, caller: Principal, deployment_id: str, lock: bool = False
) -> DeploymentRow:
    row = repository.get(session, deployment_id, for_update=lock)
    if row is None or not may_see(caller, (row.deploying_party, row.host_party)):
        raise NotFound(f"no deployment {deployment_id!r}")
    return row


def get_deployment(
    session: Session, caller: Principal, deployment_id: str
) -> tuple[dict[str, Any], str]:
    """The deployment with its history, and its ETag."""
    require(caller, "deployments.read")
    row = _visible(session, caller, deployment_id)
    return describe(row, repository.history(session, row.id)), etag(row)


def list_deployments(
    session: Session,
    caller: Principal,
    agreement: str | None = None,
    party: str | None = None,
    status: str | None = None,
    active_at: datetime | None = None,
) -> list[dict[str, Any]]:
    require(caller, "deployments.read")
    if status is not None and status not in {s.value for s in Status}:
        raise InvalidInput(f"status: one of {', '.join(s.value for s in Status)}")
    rows = repository.listing(session, caller.party or None, agreement, party, status, active_at)
    return [describe(row) for row in rows]


# --- filing --------------------------------------------------------------------------------


def _filing(body: FilingIn, now: datetime) -> Filing:
    return Filing(
        agreement=body.agreement,
        deploying_party=body.deploying_party,
        purpose=body.purpose,
        elements=tuple(element_from_input(e) for e in body.elements),
        filed_at=now,
        request_exception=body.request_exception,
    )


def _agreement_for(session: Session, caller: Principal, agreement_id: str) -> AgreementView:
    try:
        item, view = load_agreement(session, agreement_id)
    except NotFound:
        raise InvalidInput(f"agreement: no agreement {agreement_id!r}") from None
    if not may_see(caller, item.agreement.parties):
        raise InvalidInput(f"agreement: no agreement {agreement_id!r}")
    return view


def _may_act_for(caller: Principal, party: str) -> None:
    if caller.party and caller.party != party:
        raise Forbidden(f"{caller.name} is of {caller.party} and may not act for {party}")


def validate(session: Session, caller: Principal, body: FilingIn) -> dict[str, Any]:
    """Judge a filing without storing anything."""
    require(caller, "deployments.read")
    agreement = _agreement_for(session, caller, body.agreement)
    assessment = _judge(session, _filing(body, utcnow()), agreement)
    return {
        "ok": assessment.ok,
        "status": assessment.status.value if assessment.status else None,
        "violations": [violation_out(v) for v in assessment.violations],
    }


def file(session: Session, caller: Principal, body: FilingIn) -> dict[str, Any]:
    """Store a filing as cleared or pending_host_consent, or refuse it with its violations."""
    require(caller, "deployments.file")
    _may_act_for(caller, body.deploying_party)
    agreement = _agreement_for(session, caller, body.agreement)
    now = utcnow()
    filing = _filing(body, now)
    _lock(session, filing)
    assessment = _judge(session, filing, agreement)
    if assessment.status is None:
        raise _problem(assessment)
    host = agreement.host_of(body.deploying_party)
    assert host is not None  # a filing by a non-party never passes the engine
    first, last = _span(filing.elements)
    row = DeploymentRow(
        id=f"dep_{uuid.uuid4().hex[:12]}",
        agreement_id=body.agreement,
        deploying_party=body.deploying_party,
        host_party=host,
        purpose=body.purpose,
        title=body.title,
        commander=body.commander.model_dump(),
        request_exception=body.request_exception,
        justification=body.justification,
        status=assessment.status.value,
        by_exception=assessment.status is Status.PENDING_HOST_CONSENT,
        starts=first,
        ends=last,
        actual_end=None,
        filed_at=now,
        filed_by=caller.name,
        updated_at=now,
        version=1,
    )
    row.elements = _element_rows(body.elements, filing, assessment.status)
    session.add(row)
    session.flush()
    excused = [violation_out(v) for v in assessment.violations]
    _history(session, caller, row, "filed", None, {"violations_excepted": excused})
    return {**describe(row), "violations": excused}


def _span(elements: tuple[Element, ...]) -> tuple[datetime, datetime]:
    return min(e.period.start for e in elements), max(e.period.end for e in elements)


def _element_rows(
    items: list[ElementIn], filing: Filing, status: Status, actual_end: datetime | None = None
) -> list[ElementRow]:
    rows = []
    for index, (item, element) in enumerate(zip(items, filing.elements, strict=True)):
        counted = counted_period(status, element.period, actual_end)
        unit = element.unit
        rows.append(
            ElementRow(
                position=index,
                agreement_id=filing.agreement,
                deploying_party=filing.deploying_party,
                kind=element.kind.value,
                facility_id=element.facility,
                start=element.period.start,
                end=element.period.end,
                counted_end=counted.end if counted else None,
                span_class=repository.span_class(element.period.start, element.period.end),
                unit_key=unit_key(filing.deploying_party, element.kind, unit) if unit else None,
                personnel=personnel_of(element),
                notice_given_at=filing.notice_of(index),
                details=details_of(item),
            )
        )
    return rows


def _history(
    session: Session,
    caller: Principal,
    row: DeploymentRow,
    action: str,
    before: str | None,
    detail: dict[str, Any],
) -> None:
    """Keep the state change in the deployment's history and in the audit trail."""
    session.add(
        HistoryRow(
            deployment_id=row.id,
            at=row.updated_at,
            actor=caller.name,
            actor_party=caller.party or None,
            action=action,
            status_before=before,
            status_after=row.status,
            detail=detail,
        )
    )
    record(
        session,
        caller,
        f"deployment.{action}",
        "deployment",
        row.id,
        (row.deploying_party, row.host_party),
        after=describe(row),
        detail={"status_before": before, "status_after": row.status, **detail},
    )
    session.flush()


# --- changing ------------------------------------------------------------------------------


def _domain(row: DeploymentRow) -> lifecycle.Deployment:
    return lifecycle.Deployment(
        id=row.id,
        agreement=row.agreement_id,
        deploying_party=row.deploying_party,
        host_party=row.host_party,
        purpose=row.purpose,
        elements=tuple(element_from_row(e) for e in row.elements),
        status=Status(row.status),
        by_exception=row.by_exception,
        actual_end=row.actual_end,
    )


def _changed(session: Session, row: DeploymentRow, state: lifecycle.Deployment) -> None:
    """Write a new state and what it leaves counting against caps."""
    row.status = state.status.value
    row.actual_end = state.actual_end
    row.by_exception = state.by_exception
    row.updated_at = utcnow()
    row.version += 1
    for element in row.elements:
        counted = counted_period(state.status, Period(element.start, element.end), state.actual_end)
        element.counted_end = counted.end if counted else None
    session.flush()


def amend(
    session: Session, caller: Principal, deployment_id: str, body: AmendmentIn, if_match: str | None
) -> dict[str, Any]:
    """Change a cleared or pending deployment; the result is judged against everything else."""
    require(caller, "deployments.amend")
    row = _visible(session, caller, deployment_id, lock=True)
    _may_act_for(caller, row.deploying_party)
    check_if_match(if_match, {"id": row.id, "version": row.version})
    current = _domain(row)
    lifecycle.amend(current, current.elements, current.status)  # refuses a closed deployment
    agreement = _agreement_for(session, caller, row.agreement_id)
    now = utcnow()
    items = body.elements if body.elements is not None else None
    elements = (
        tuple(element_from_input(e) for e in items) if items is not None else current.elements
    )
    request_exception = (
        body.request_exception if body.request_exception is not None else row.request_exception
    )
    notice = lifecycle.carried_notice(
        current.elements, tuple(e.notice_given_at for e in row.elements), elements, now
    )
    filing = Filing(
        agreement=row.agreement_id,
        deploying_party=row.deploying_party,
        purpose=body.purpose or row.purpose,
        elements=elements,
        filed_at=now,
        request_exception=request_exception,
        deployment=row.id,
        notice_given=notice,
    )
    _lock(session, filing, list(current.elements))
    assessment = _judge(session, filing, agreement)
    if assessment.status is None:
        raise _problem(assessment)
    before = row.status
    _apply_amendment(session, row, body, filing, assessment.status, items)
    excused = [violation_out(v) for v in assessment.violations]
    changed = sorted(body.model_dump(exclude_unset=True))
    _history(
        session,
        caller,
        row,
        "amended",
        before,
        {"changed": changed, "violations_excepted": excused},
    )
    return {**describe(row), "violations": excused}


def _apply_amendment(
    session: Session,
    row: DeploymentRow,
    body: AmendmentIn,
    filing: Filing,
    status: Status,
    items: list[ElementIn] | None,
) -> None:
    row.purpose = filing.purpose
    row.title = body.title or row.title
    row.commander = body.commander.model_dump() if body.commander else row.commander
    row.request_exception = filing.request_exception
    if "justification" in body.model_fields_set:
        row.justification = body.justification
    row.status = status.value
    row.by_exception = status is Status.PENDING_HOST_CONSENT
    if items is not None:
        row.elements.clear()
        session.flush()
        row.elements.extend(_element_rows(items, filing, status))
    else:
        for element in row.elements:
            element.counted_end = element.end
    row.starts, row.ends = _span(filing.elements)
    row.updated_at = filing.filed_at
    row.version += 1
    session.flush()


def consent(
    session: Session, caller: Principal, deployment_id: str, approve: bool, note: str | None = None
) -> dict[str, Any]:
    """The host's liaison approves (→ cleared) or declines an exception."""
    require(caller, "deployments.consent")
    row = _visible(session, caller, deployment_id, lock=True)
    before = row.status
    state = lifecycle.consent(_domain(row), approve, caller.party)
    _changed(session, row, state)
    action = "approved" if approve else "declined"
    _history(session, caller, row, action, before, {"note": note} if note else {})
    return describe(row)


def complete(
    session: Session, caller: Principal, deployment_id: str, actual_end: datetime
) -> dict[str, Any]:
    """Record the actual end: what follows it no longer counts against caps."""
    require(caller, "deployments.complete")
    row = _visible(session, caller, deployment_id, lock=True)
    _may_act_for(caller, row.deploying_party)
    before = row.status
    state = lifecycle.complete(_domain(row), actual_end)
    _changed(session, row, state)
    _history(session, caller, row, "completed", before, {"actual_end": format_instant(actual_end)})
    return describe(row)


def cancel(session: Session, caller: Principal, deployment_id: str) -> dict[str, Any]:
    """Cancel a cleared or pending deployment: all its headroom is freed."""
    require(caller, "deployments.cancel")
    row = _visible(session, caller, deployment_id, lock=True)
    _may_act_for(caller, row.deploying_party)
    before = row.status
    _changed(session, row, lifecycle.cancel(_domain(row)))
    _history(session, caller, row, "cancelled", before, {})
    return describe(row)


# --- use of the caps -----------------------------------------------------------------------


def _usage_inputs(
    session: Session,
    caller: Principal,
    agreement_id: str,
    party: str,
    start: datetime,
    end: datetime,
) -> tuple[AgreementView, Period, list[Occupancy]]:
    require(caller, "deployments.read")
    try:
        item, agreement = load_agreement(session, agreement_id)
    except NotFound:
        raise NotFound(f"no agreement {agreement_id!r}") from None
    if not may_see(caller, item.agreement.parties):
        raise NotFound(f"no agreement {agreement_id!r}")
    if party not in agreement.parties:
        raise InvalidInput(f"party: {party!r} is not a party to {agreement_id}")
    window = Period(start, end)
    if not window.is_well_formed():
        raise InvalidInput("end must be after start, both RFC 3339 UTC")
    return agreement, window, repository.party_use(session, agreement_id, party, window)


def headroom(
    session: Session,
    caller: Principal,
    agreement_id: str,
    party: str,
    start: datetime,
    end: datetime,
) -> dict[str, Any]:
    """Per category: cap, peak use in the window, what is free, and the instant that binds."""
    agreement, window, existing = _usage_inputs(session, caller, agreement_id, party, start, end)
    return {
        category.value: {
            "limit": room.limit,
            "peak": room.peak,
            "free": room.free,
            "at": format_instant(room.at),
        }
        for category, room in usage.headroom(agreement, party, window, existing).items()
    }


def utilisation(
    session: Session,
    caller: Principal,
    agreement_id: str,
    party: str,
    start: datetime,
    end: datetime,
) -> list[dict[str, Any]]:
    """Use over the window as consecutive steps."""
    agreement, window, existing = _usage_inputs(session, caller, agreement_id, party, start, end)
    return [
        {
            "start": format_instant(step.start),
            "end": format_instant(step.end),
            **{category.value: value for category, value in step.use.items()},
        }
        for step in usage.utilisation(agreement, party, window, existing)
    ]
