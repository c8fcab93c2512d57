"""A partner's deployment facts: how the receiving node re-judges and records them.

A fact is the typed `Deployment*` event the originating node recorded, read back from its
signed entry (its type and canonical content: the deployment's complete state after the
change, element by element, times to the microsecond), so both nodes hold the same rows
with the same ids.
The receiver never trusts the claimed outcome: it re-runs the same pure rules (the engine
for a filing or amendment, the transitions for consent, completion and cancellation)
against its own database and, only when its own verdict is the same, records the very
same event through `relos.events.record`: the deployments' projectors write the rows, and
`relos db replay` rebuilds them like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.deployments import records, repository, screening, transitions
from relos.deployments.domain import Filing, Status
from relos.deployments.events import (
    ACTIONS,
    ContentEvent,
    DeploymentAmended,
    DeploymentApproved,
    DeploymentCancelled,
    DeploymentCompleted,
    DeploymentDeclined,
    DeploymentEvent,
    DeploymentFiled,
    ElementState,
    StateChangeEvent,
)
from relos.deployments.inputs import load_agreement
from relos.deployments.mapping import element_from_row, violation_out
from relos.deployments.models import DeploymentRow, ElementRow
from relos.events import record
from relos.kit.errors import RelosError

# Entries of this type were written by earlier versions (each deployment event travelled
# a second time inside one); the event's own entry is now the fact, so these are noted only.
FACT = "federation.fact"


class Refused(Exception):
    """The receiving node's own judgement differs: the fact is rejected, with reasons."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _element(item: ElementState) -> ElementRow:
    # A transient row (never added to the session), so the engine reads it like a stored one.
    return ElementRow(
        kind=item.kind,
        facility_id=item.facility_id,
        start=item.start,
        end=item.end,
        counted_end=item.counted_end,
        span_class=item.span_class,
        unit_key=item.unit_key,
        personnel=item.personnel,
        notice_given_at=item.notice_given_at,
        details=dict(item.details),
    )


@dataclass(frozen=True)
class Claim:
    event: DeploymentEvent
    before: DeploymentRow | None


def _judge_filing(session: Session, event: ContentEvent, before: DeploymentRow | None) -> Status:
    elements = tuple(element_from_row(_element(e)) for e in event.elements)
    filing = Filing(
        agreement=event.agreement,
        deploying_party=event.deploying_party,
        purpose=event.purpose,
        elements=elements,
        filed_at=event.updated_at,
        request_exception=event.request_exception,
        deployment=event.deployment_id if isinstance(event, DeploymentAmended) else None,
        notice_given=tuple(e.notice_given_at for e in event.elements),
    )
    extra = [] if before is None else [element_from_row(e) for e in before.elements]
    screening.lock(session, filing, extra)
    _, agreement = load_agreement(session, event.agreement)
    if agreement.host_of(event.deploying_party) != event.host_party:
        raise Refused([f"{event.host_party} is not the host of {event.deploying_party} here"])
    assessment = screening.judge(session, filing, agreement)
    if assessment.status is None:
        codes = sorted({violation_out(v)["code"] for v in assessment.violations})
        raise Refused([f"the filing breaks the agreement here: {', '.join(codes)}"])
    return assessment.status


def _judge_change(before: DeploymentRow, event: StateChangeEvent, party: str) -> Status:
    current = records.domain_of(before)
    if isinstance(event, DeploymentApproved | DeploymentDeclined):
        state = transitions.consent(current, isinstance(event, DeploymentApproved), party)
        extra: dict[str, Any] = {"note": event.note}
    elif isinstance(event, DeploymentCompleted):
        if event.actual_end is None:
            raise Refused(["a completion names its actual end"])
        state = transitions.complete(current, event.actual_end)
        extra = {}
    elif isinstance(event, DeploymentCancelled):
        state = transitions.cancel(current)
        extra = {}
    else:
        raise Refused([f"unknown deployment change {event.event_type!r}"])
    # The whole event must be what this node derives from its own row: status, what each
    # element leaves counting, the exception flag, the version.
    expected = records.state_change(type(event), before, state, event.updated_at, **extra)
    if expected.model_dump(mode="json") != event.model_dump(mode="json"):
        raise Refused([f"judged {state.status.value} here, claimed {event.status}"])
    return state.status


def rejudge(session: Session, claim: Claim, party: str) -> Status:
    """This node's own verdict on the claimed change (Refused when it cannot hold)."""
    event, before = claim.event, claim.before
    action = ACTIONS[type(event)]
    try:
        if isinstance(event, DeploymentFiled):
            if before is not None:
                raise Refused([f"deployment {event.deployment_id} already exists here"])
            status = _judge_filing(session, event, None)
        else:
            if before is None:
                raise Refused([f"no deployment {event.deployment_id} here to {action}"])
            if (event.status_before, event.version) != (before.status, before.version + 1):
                raise Refused([f"deployment {event.deployment_id} is not where the fact starts"])
            if isinstance(event, DeploymentAmended):
                current = records.domain_of(before)
                transitions.amend(current, current.elements, current.status)
                status = _judge_filing(session, event, before)
            else:
                assert isinstance(event, StateChangeEvent)
                status = _judge_change(before, event, party)
    except RelosError as exc:
        raise Refused([str(exc)]) from exc
    if status.value != event.status:
        raise Refused([f"judged {status.value} here, claimed {event.status}"])
    return status


def apply_deployment(session: Session, event: DeploymentEvent, actor: Principal) -> str:
    """Re-judge one deployment event from `actor.party`'s node and record it; returns the id."""
    before = repository.get(session, event.deployment_id, for_update=True)
    rejudge(session, Claim(event, before), actor.party or "")
    # The projectors write the rows (and the history, the audit trail, this node's signed
    # log); the session is marked as applying, so nothing is refused as not ours to write.
    record(session, actor, event, event.updated_at)
    return event.deployment_id
