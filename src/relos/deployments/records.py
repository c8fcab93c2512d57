"""Deployment rows: their public shape, their element rows, their state and their history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from relos.deployments import repository, transitions
from relos.deployments.domain import Element, Filing, Status, counted_period, personnel_of
from relos.deployments.events import ElementState, StateChangeEvent
from relos.deployments.mapping import details_of, element_fields, element_from_row, element_out
from relos.deployments.models import DeploymentRow, HistoryRow
from relos.deployments.rules import unit_key
from relos.deployments.schemas import (
    CommanderOut,
    DeploymentOut,
    ElementIn,
    HistoryOut,
    ViolationOut,
)
from relos.deployments.timeline import Period
from relos.kit.etags import etag_of
from relos.kit.timeutil import format_instant

S = TypeVar("S", bound=StateChangeEvent)


def describe(
    row: DeploymentRow,
    history: list[HistoryRow] | None = None,
    violations: list[ViolationOut] | None = None,
) -> DeploymentOut:
    """The one output shape of a deployment (docs/api.md "Deployments")."""
    return DeploymentOut(
        id=row.id,
        reference=row.reference,
        agreement=row.agreement_id,
        deploying_party=row.deploying_party,
        host_party=row.host_party,
        purpose=row.purpose,
        title=row.title,
        commander=CommanderOut.model_validate(row.commander),
        request_exception=row.request_exception,
        justification=row.justification,
        status=row.status,
        by_exception=row.by_exception,
        start=format_instant(row.starts),
        end=format_instant(row.ends),
        actual_end=format_instant(row.actual_end) if row.actual_end else None,
        filed_at=format_instant(row.filed_at),
        filed_by=row.filed_by,
        updated_at=format_instant(row.updated_at),
        version=row.version,
        elements=[element_out(e) for e in row.elements],
        violations=violations or [],
        history=None if history is None else [history_out(h) for h in history],
    )


def listed(row: Any, elements: list[Any]) -> dict[str, Any]:
    """A listed deployment (repository.listing's row and element rows) in the shape of
    DeploymentOut, for one validation of the whole page."""
    return {
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
        "elements": [element_fields(e) for e in elements],
    }


def history_out(h: HistoryRow) -> HistoryOut:
    return HistoryOut(
        at=format_instant(h.at),
        actor=h.actor,
        actor_party=h.actor_party,
        action=h.action,
        status_before=h.status_before,
        status_after=h.status_after,
        detail=h.detail,
    )


def etag(row: DeploymentRow) -> str:
    return etag_of({"id": row.id, "version": row.version})


def etag_for(data: DeploymentOut) -> str:
    """The ETag of a deployment from its public shape."""
    return etag_of({"id": data.id, "version": data.version})


def span(elements: tuple[Element, ...]) -> tuple[datetime, datetime]:
    return min(e.period.start for e in elements), max(e.period.end for e in elements)


def element_states(
    items: list[ElementIn], filing: Filing, status: Status, actual_end: datetime | None = None
) -> tuple[ElementState, ...]:
    """The elements of a filing as they will be stored, with what each counts against caps."""
    states = []
    for index, (item, element) in enumerate(zip(items, filing.elements, strict=True)):
        counted = counted_period(status, element.period, actual_end)
        unit = element.unit
        states.append(
            ElementState(
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
    return tuple(states)


def kept_states(row: DeploymentRow) -> tuple[ElementState, ...]:
    """The stored elements unchanged, counting in full again (an amendment that keeps them)."""
    return tuple(
        ElementState(
            kind=e.kind,
            facility_id=e.facility_id,
            start=e.start,
            end=e.end,
            counted_end=e.end,
            span_class=e.span_class,
            unit_key=e.unit_key,
            personnel=e.personnel,
            notice_given_at=e.notice_given_at,
            details=e.details,
        )
        for e in row.elements
    )


def state_change(
    change: type[S],
    row: DeploymentRow,
    state: transitions.Deployment,
    at: datetime,
    **extra: Any,
) -> S:
    """The event that moves `row` to `state`, with what each element leaves counting."""
    counted_ends = []
    for element in row.elements:
        counted = counted_period(state.status, Period(element.start, element.end), state.actual_end)
        counted_ends.append(counted.end if counted else None)
    return change(
        deployment_id=row.id,
        agreement=row.agreement_id,
        deploying_party=row.deploying_party,
        host_party=row.host_party,
        status_before=row.status,
        status=state.status.value,
        updated_at=at,
        version=row.version + 1,
        by_exception=state.by_exception,
        actual_end=state.actual_end,
        counted_ends=tuple(counted_ends),
        **extra,
    )


def domain_of(row: DeploymentRow) -> transitions.Deployment:
    return transitions.Deployment(
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
