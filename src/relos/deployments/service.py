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

from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import may_see, require
from relos.deployments import records, repository, screening, transitions, usage
from relos.deployments.domain import AgreementView, Filing, Occupancy, Status
from relos.deployments.events import (
    DeploymentAmended,
    DeploymentApproved,
    DeploymentCancelled,
    DeploymentCompleted,
    DeploymentDeclined,
    DeploymentFiled,
)
from relos.deployments.inputs import load_agreement
from relos.deployments.mapping import element_from_input, violation_out
from relos.deployments.models import DeploymentRow
from relos.deployments.projections import filed_rows
from relos.deployments.schemas import (
    AmendmentIn,
    CategoryHeadroom,
    CompletionIn,
    ConsentIn,
    DeploymentOut,
    FilingIn,
    HeadroomOut,
    UseStepOut,
    ValidationOut,
    ViolationOut,
)
from relos.deployments.timeline import Period
from relos.events import record
from relos.events.store import lock_log
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
) -> tuple[DeploymentOut, str]:
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
) -> list[DeploymentOut]:
    require(caller, "deployments.read")
    if status is not None and status not in {s.value for s in Status}:
        raise InvalidInput(f"status: one of {', '.join(s.value for s in Status)}")
    rows = repository.listing(
        session, caller.party or None, agreement, party, status, active_at, page, filters
    )
    # One validation of the whole page (pydantic-core), not a model built field by field.
    return _LISTED.validate_python([records.listed(row, elements) for row, elements in rows])


_LISTED: TypeAdapter[list[DeploymentOut]] = TypeAdapter(list[DeploymentOut])


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


def validate(session: Session, caller: Principal, body: FilingIn) -> ValidationOut:
    """Judge a filing without storing anything."""
    require(caller, "deployments.read")
    agreement = _agreement_for(session, caller, body.agreement)
    assessment = screening.judge(session, screening.filing_of(body, utcnow()), agreement)
    return ValidationOut(
        ok=assessment.ok,
        status=assessment.status.value if assessment.status else None,
        violations=_outs([violation_out(v) for v in assessment.violations]),
    )


def file(session: Session, caller: Principal, body: FilingIn) -> DeploymentOut:
    """Store a filing as cleared or pending_host_consent, or refuse it with its violations."""
    require(caller, "deployments.file")
    _may_act_for(caller, body.deploying_party)
    agreement = _agreement_for(session, caller, body.agreement)
    now = utcnow()
    filing = screening.filing_of(body, now)
    facilities = screening.facilities_of(session, filing)
    # From here to the commit this party's caps under the agreement (and the facilities
    # and units named) are held: only what depends on them is done inside.
    screening.lock(session, filing)
    assessment = screening.judge(session, filing, agreement, facilities)
    if assessment.status is None:
        raise screening.problem(assessment)
    host = agreement.host_of(body.deploying_party)
    assert host is not None  # a filing by a non-party never passes the engine
    first, last = records.span(filing.elements)
    excused = [violation_out(v) for v in assessment.violations]
    # The agreement's log lock before the number: the counter's row (held to the commit)
    # is then only ever taken by the log's one writer, so no filing holds it while it
    # queues for the log, and filings of other months (see contention.py) do not queue on
    # a filing that does.
    lock_log(session, body.agreement)
    filed = DeploymentFiled(
        deployment_id=f"dep_{uuid.uuid4().hex[:12]}",
        # Numbered inside this transaction; the event carries it so replay reproduces it.
        reference=deployment_reference(session, body.agreement, body.deploying_party, first),
        agreement=body.agreement,
        deploying_party=body.deploying_party,
        host_party=host,
        status_before=None,
        status=assessment.status.value,
        updated_at=now,
        version=1,
        purpose=body.purpose,
        title=body.title,
        commander=body.commander.model_dump(),
        request_exception=body.request_exception,
        justification=body.justification,
        by_exception=assessment.status is Status.PENDING_HOST_CONSENT,
        starts=first,
        ends=last,
        elements=records.element_states(body.elements, filing, assessment.status),
        violations_excepted=tuple(excused),
        filed_by=caller.name,
    )
    stored = record(session, caller, filed, now).event
    # The rows the projector wrote, from the event as stored (nothing is read back) and as
    # plain values (no ORM objects), validated once as the answer.
    return _FILED.validate_python(
        {**records.listed(*filed_rows(stored)), "violations": excused, "history": None}
    )


_FILED: TypeAdapter[DeploymentOut] = TypeAdapter(DeploymentOut)


def _outs(violations: list[dict[str, Any]]) -> list[ViolationOut]:
    return [ViolationOut.model_validate(v) for v in violations]


# --- changing ------------------------------------------------------------------------------


def amend(
    session: Session, caller: Principal, deployment_id: str, body: AmendmentIn, if_match: str | None
) -> DeploymentOut:
    """Change a cleared or pending deployment; the result is judged against everything else."""
    require(caller, "deployments.amend")
    row = _visible(session, caller, deployment_id, lock=True)
    _may_act_for(caller, row.deploying_party)
    check_if_match(if_match, {"id": row.id, "version": row.version})
    current = records.domain_of(row)
    transitions.amend(current, current.elements, current.status)  # refuses a closed deployment
    agreement = _agreement_for(session, caller, row.agreement_id)
    now = utcnow()
    items = body.elements if body.elements is not None else None
    elements = (
        tuple(element_from_input(e) for e in items) if items is not None else current.elements
    )
    request_exception = (
        body.request_exception if body.request_exception is not None else row.request_exception
    )
    notice = transitions.carried_notice(
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
    status = assessment.status
    excused = [violation_out(v) for v in assessment.violations]
    first, last = records.span(filing.elements)
    amended = DeploymentAmended(
        deployment_id=row.id,
        agreement=row.agreement_id,
        deploying_party=row.deploying_party,
        host_party=row.host_party,
        status_before=row.status,
        status=status.value,
        updated_at=now,
        version=row.version + 1,
        purpose=filing.purpose,
        title=body.title or row.title,
        commander=body.commander.model_dump() if body.commander else row.commander,
        request_exception=filing.request_exception,
        justification=(
            body.justification if "justification" in body.model_fields_set else row.justification
        ),
        by_exception=status is Status.PENDING_HOST_CONSENT,
        starts=first,
        ends=last,
        elements=(
            records.element_states(items, filing, status)
            if items is not None
            else records.kept_states(row)
        ),
        violations_excepted=tuple(excused),
        changed=tuple(sorted(body.model_dump(exclude_unset=True))),
    )
    record(session, caller, amended, now)
    return records.describe(row, violations=_outs(excused))


def consent(
    session: Session, caller: Principal, deployment_id: str, decision: ConsentIn
) -> DeploymentOut:
    """The host's liaison approves (→ cleared) or declines an exception."""
    approve, note = decision.decision == "approve", decision.note
    require(caller, "deployments.consent")
    row = _visible(session, caller, deployment_id, lock=True)
    state = transitions.consent(records.domain_of(row), approve, caller.party)
    change = DeploymentApproved if approve else DeploymentDeclined
    now = utcnow()
    record(session, caller, records.state_change(change, row, state, now, note=note), now)
    return records.describe(row)


def complete(
    session: Session, caller: Principal, deployment_id: str, completion: CompletionIn
) -> DeploymentOut:
    """Record the actual end: what follows it no longer counts against caps."""
    actual_end = completion.actual_end
    require(caller, "deployments.complete")
    row = _visible(session, caller, deployment_id, lock=True)
    _may_act_for(caller, row.deploying_party)
    state = transitions.complete(records.domain_of(row), actual_end)
    now = utcnow()
    record(session, caller, records.state_change(DeploymentCompleted, row, state, now), now)
    return records.describe(row)


def cancel(session: Session, caller: Principal, deployment_id: str) -> DeploymentOut:
    """Cancel a cleared or pending deployment: all its headroom is freed."""
    require(caller, "deployments.cancel")
    row = _visible(session, caller, deployment_id, lock=True)
    _may_act_for(caller, row.deploying_party)
    state = transitions.cancel(records.domain_of(row))
    now = utcnow()
    record(session, caller, records.state_change(DeploymentCancelled, row, state, now), now)
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
) -> HeadroomOut:
    """Per category: cap, peak use in the window, what is free, and the instant that binds."""
    agreement, window, existing = _usage_inputs(session, caller, agreement_id, party, start, end)
    return HeadroomOut.model_validate(
        {
            category.value: CategoryHeadroom(
                limit=room.limit, peak=room.peak, free=room.free, at=format_instant(room.at)
            )
            for category, room in usage.headroom(agreement, party, window, existing).items()
        }
    )


def utilisation(
    session: Session,
    caller: Principal,
    agreement_id: str,
    party: str,
    start: datetime,
    end: datetime,
) -> list[UseStepOut]:
    """Use over the window as consecutive steps."""
    agreement, window, existing = _usage_inputs(session, caller, agreement_id, party, start, end)
    return [
        UseStepOut.model_validate(
            {
                "start": format_instant(step.start),
                "end": format_instant(step.end),
                **{category.value: value for category, value in step.use.items()},
            }
        )
        for step in usage.utilisation(agreement, party, window, existing)
    ]
