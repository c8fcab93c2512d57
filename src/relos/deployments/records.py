"""Deployment rows: their public shape, their element rows, their state and their history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.audit.service import record
from relos.deployments import lifecycle, repository
from relos.deployments.domain import Element, Filing, Status, counted_period, personnel_of
from relos.deployments.mapping import details_of, element_from_row, element_out
from relos.deployments.models import DeploymentRow, ElementRow, HistoryRow
from relos.deployments.rules import unit_key
from relos.deployments.schemas import ElementIn
from relos.deployments.timeline import Period
from relos.kit.etags import etag_of
from relos.kit.timeutil import format_instant, utcnow


def describe(row: DeploymentRow, history: list[HistoryRow] | None = None) -> dict[str, Any]:
    """The public shape of a deployment (API.md "Deployments")."""
    data: dict[str, Any] = {
        "id": row.id,
        "reference": row.reference,
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


def span(elements: tuple[Element, ...]) -> tuple[datetime, datetime]:
    return min(e.period.start for e in elements), max(e.period.end for e in elements)


def element_rows(
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


def keep_history(
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


def domain_of(row: DeploymentRow) -> lifecycle.Deployment:
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


def write_state(session: Session, row: DeploymentRow, state: lifecycle.Deployment) -> None:
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
