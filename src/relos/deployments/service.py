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
from relos.deployments import lifecycle, records, repository, screening, usage
from relos.deployments.domain import AgreementView, Filing, Occupancy, Status
from relos.deployments.mapping import element_from_input, violation_out
from relos.deployments.models import DeploymentRow
from relos.deployments.schemas import AmendmentIn, ElementIn, FilingIn
from relos.deployments.timeline import Period
from relos.deployments.views import load_agreement
from relos.kit.errors import Forbidden, InvalidInput, NotFound
from relos.kit.etags import check_if_match
from relos.kit.listing import ListFilter
from relos.kit.pagination import Page
from relos.kit.timeutil import format_instant, utcnow
from relos.references.numbering import deployment_reference

# --- reading -------------------------------------------------------------------------------


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
    return records.describe(row, repository.history(session, row.id)), records.etag(row)


def list_deployments(
    session: Session,
    caller: Principal,
    agreement: str | None = None,
    party: str | None = None,
    status: str | None = None,
    active_at: datetime | None = None,
    page: Page = Page(),
    filters: ListFilter = ListFilter(),
) -> list[dict[str, Any]]:
    require(caller, "deployments.read")
    if status is not None and status not in {s.value for s in Status}:
        raise InvalidInput(f"status: one of {', '.join(s.value for s in Status)}")
    rows = repository.listing(
        session, caller.party or None, agreement, party, status, active_at, page, filters
    )
    return [records.describe(row) for row in rows]


# --- filing --------------------------------------------------------------------------------


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
    assessment = screening.judge(session, screening.filing_of(body, utcnow()), agreement)
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
    filing = screening.filing_of(body, now)
    screening.lock(session, filing)
    assessment = screening.judge(session, filing, agreement)
    if assessment.status is None:
        raise screening.problem(assessment)
    host = agreement.host_of(body.deploying_party)
    assert host is not None  # a filing by a non-party never passes the engine
    first, last = records.span(filing.elements)
    row = DeploymentRow(
        id=f"dep_{uuid.uuid4().hex[:12]}",
        reference=deployment_reference(session, body.agreement, body.deploying_party, first),
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
    row.elements = records.element_rows(body.elements, filing, assessment.status)
    session.add(row)
    session.flush()
    excused = [violation_out(v) for v in assessment.violations]
    records.keep_history(session, caller, row, "filed", None, {"violations_excepted": excused})
    return {**records.describe(row), "violations": excused}


# --- changing ------------------------------------------------------------------------------


def amend(
    session: Session, caller: Principal, deployment_id: str, body: AmendmentIn, if_match: str | None
) -> dict[str, Any]:
    """Change a cleared or pending deployment; the result is judged against everything else."""
    require(caller, "deployments.amend")
    row = _visible(session, caller, deployment_id, lock=True)
    _may_act_for(caller, row.deploying_party)
    check_if_match(if_match, {"id": row.id, "version": row.version})
    current = records.domain_of(row)
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
    screening.lock(session, filing, list(current.elements))
    assessment = screening.judge(session, filing, agreement)
    if assessment.status is None:
        raise screening.problem(assessment)
    before = row.status
    _apply_amendment(session, row, body, filing, assessment.status, items)
    excused = [violation_out(v) for v in assessment.violations]
    changed = sorted(body.model_dump(exclude_unset=True))
    records.keep_history(
        session,
        caller,
        row,
        "amended",
        before,
        {"changed": changed, "violations_excepted": excused},
    )
    return {**records.describe(row), "violations": excused}


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
        row.elements.extend(records.element_rows(items, filing, status))
    else:
        for element in row.elements:
            element.counted_end = element.end
    row.starts, row.ends = records.span(filing.elements)
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
    state = lifecycle.consent(records.domain_of(row), approve, caller.party)
    records.write_state(session, row, state)
    action = "approved" if approve else "declined"
    records.keep_history(session, caller, row, action, before, {"note": note} if note else {})
    return records.describe(row)


def complete(
    session: Session, caller: Principal, deployment_id: str, actual_end: datetime
) -> dict[str, Any]:
    """Record the actual end: what follows it no longer counts against caps."""
    require(caller, "deployments.complete")
    row = _visible(session, caller, deployment_id, lock=True)
    _may_act_for(caller, row.deploying_party)
    before = row.status
    state = lifecycle.complete(records.domain_of(row), actual_end)
    records.write_state(session, row, state)
    records.keep_history(
        session, caller, row, "completed", before, {"actual_end": format_instant(actual_end)}
    )
    return records.describe(row)


def cancel(session: Session, caller: Principal, deployment_id: str) -> dict[str, Any]:
    """Cancel a cleared or pending deployment: all its headroom is freed."""
    require(caller, "deployments.cancel")
    row = _visible(session, caller, deployment_id, lock=True)
    _may_act_for(caller, row.deploying_party)
    before = row.status
    records.write_state(session, row, lifecycle.cancel(records.domain_of(row)))
    records.keep_history(session, caller, row, "cancelled", before, {})
    return records.describe(row)


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
