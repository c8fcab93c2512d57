"""Facts that cross between nodes: a deployment's state after one change, and how the
receiving node re-judges and applies it.

A fact carries the record's complete state after the change (every column the receiving
node stores, element by element, times to the microsecond), so both nodes hold the same
rows with the same ids. The receiver never trusts the claimed outcome: it re-runs the
same pure rules (the engine for a filing or amendment, the lifecycle for consent,
completion and cancellation) against its own database and applies the state only when
its own verdict is the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.deployments import lifecycle, records, screening
from relos.deployments.domain import Filing, Status
from relos.deployments.mapping import element_from_row, violation_out
from relos.deployments.models import DeploymentRow, ElementRow
from relos.deployments.views import load_agreement
from relos.federation.writers import Roles
from relos.kit.errors import RelosError

FACT = "federation.fact"
ELEMENT_FIELDS = (
    "position",
    "agreement_id",
    "deploying_party",
    "kind",
    "facility_id",
    "span_class",
    "unit_key",
    "personnel",
    "details",
)
ELEMENT_TIMES = ("start", "end", "counted_end", "notice_given_at")
ROW_FIELDS = (
    "id",
    "agreement_id",
    "deploying_party",
    "host_party",
    "purpose",
    "title",
    "commander",
    "request_exception",
    "justification",
    "status",
    "by_exception",
    "filed_by",
    "version",
)
ROW_TIMES = ("starts", "ends", "actual_end", "filed_at", "updated_at")


class Refused(Exception):
    """The receiving node's own judgement differs: the fact is rejected, with reasons."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _parse_time(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value)).astimezone(UTC)


def deployment_state(row: DeploymentRow) -> dict[str, Any]:
    """Every stored column of a deployment and its elements, as JSON."""
    state: dict[str, Any] = {name: getattr(row, name) for name in ROW_FIELDS}
    state.update({name: _time(getattr(row, name)) for name in ROW_TIMES})
    state["elements"] = [
        {
            **{name: getattr(e, name) for name in ELEMENT_FIELDS},
            **{name: _time(getattr(e, name)) for name in ELEMENT_TIMES},
        }
        for e in row.elements
    ]
    return state


def deployment_fact(row: DeploymentRow, action: str, actor: str, party: str) -> dict[str, Any]:
    return {
        "type": FACT,
        "v": 1,
        "fact": f"deployment.{action}",
        "party": party,
        "actor": actor,
        "record": {"type": "deployment", "id": row.id},
        "agreement": row.agreement_id,
        "state": deployment_state(row),
    }


def roles_of(fact: dict[str, Any]) -> Roles:
    state = fact.get("state") or {}
    return Roles(deploying=state.get("deploying_party"), host=state.get("host_party"))


def _element_rows(state: dict[str, Any]) -> list[ElementRow]:
    rows = []
    for item in state["elements"]:
        values = {name: item[name] for name in ELEMENT_FIELDS}
        values.update({name: _parse_time(item[name]) for name in ELEMENT_TIMES})
        rows.append(ElementRow(**values))
    return rows


def _write(session: Session, row: DeploymentRow | None, state: dict[str, Any]) -> DeploymentRow:
    if row is None:
        row = DeploymentRow(id=state["id"])
        session.add(row)
    for name in ROW_FIELDS:
        setattr(row, name, state[name])
    for name in ROW_TIMES:
        setattr(row, name, _parse_time(state[name]))
    row.elements.clear()
    session.flush()
    row.elements.extend(_element_rows(state))
    session.flush()
    return row


@dataclass(frozen=True)
class Claim:
    action: str
    state: dict[str, Any]
    before: DeploymentRow | None


def _judge_filing(session: Session, claim: Claim) -> Status:
    state = claim.state
    elements = tuple(element_from_row(e) for e in _element_rows(state))
    filed_at = _parse_time(state["updated_at"])
    assert filed_at is not None
    filing = Filing(
        agreement=state["agreement_id"],
        deploying_party=state["deploying_party"],
        purpose=state["purpose"],
        elements=elements,
        filed_at=filed_at,
        request_exception=bool(state["request_exception"]),
        deployment=state["id"] if claim.action == "amended" else None,
        notice_given=tuple(
            _parse_time(e["notice_given_at"]) or filed_at for e in state["elements"]
        ),
    )
    extra = [] if claim.before is None else [element_from_row(e) for e in claim.before.elements]
    screening.lock(session, filing, extra)
    _, agreement = load_agreement(session, state["agreement_id"])
    assessment = screening.judge(session, filing, agreement)
    if assessment.status is None:
        codes = sorted({violation_out(v)["code"] for v in assessment.violations})
        raise Refused([f"the filing breaks the agreement here: {', '.join(codes)}"])
    return assessment.status


def rejudge(session: Session, claim: Claim, party: str) -> Status:
    """This node's own verdict on the claimed change (Refused when it cannot hold)."""
    action, before = claim.action, claim.before
    try:
        if action == "filed":
            if before is not None:
                raise Refused([f"deployment {claim.state['id']} already exists here"])
            status = _judge_filing(session, claim)
        else:
            if before is None:
                raise Refused([f"no deployment {claim.state['id']} here to {action}"])
            current = records.domain_of(before)
            if action == "amended":
                lifecycle.amend(current, current.elements, current.status)
                status = _judge_filing(session, claim)
            elif action in ("approved", "declined"):
                status = lifecycle.consent(current, action == "approved", party).status
            elif action == "completed":
                end = _parse_time(claim.state["actual_end"])
                if end is None:
                    raise Refused(["a completion names its actual end"])
                status = lifecycle.complete(current, end).status
            elif action == "cancelled":
                status = lifecycle.cancel(current).status
            else:
                raise Refused([f"unknown deployment change {action!r}"])
    except RelosError as exc:
        raise Refused([str(exc)]) from exc
    if status.value != claim.state["status"]:
        raise Refused([f"judged {status.value} here, claimed {claim.state['status']}"])
    return status


def apply_deployment(session: Session, fact: dict[str, Any], party: str) -> str:
    """Re-judge and apply one deployment fact from `party`'s node; returns the record id."""
    state = fact["state"]
    action = str(fact["fact"]).removeprefix("deployment.")
    if state.get("agreement_id") != fact.get("agreement"):
        raise Refused(["the fact's agreement and its record's differ"])
    before = session.get(DeploymentRow, state["id"], with_for_update=True)
    before_status = before.status if before is not None else None
    rejudge(session, Claim(action, state, before), party)
    row = _write(session, before, state)
    actor = Principal(
        user_id=0, name=f"{party}:{fact.get('actor', '')}", party=party, roles=frozenset()
    )
    records.keep_history(session, actor, row, action, before_status, {"from_node": party})
    return row.id
