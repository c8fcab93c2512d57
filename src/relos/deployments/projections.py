"""Deployments, their elements and their history, as projected from their events."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from relos.deployments import repository
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
from relos.deployments.models import DeploymentRow, ElementRow, HistoryRow
from relos.events import RecordedEvent, projection_tables, projector
from relos.kit.errors import NotFound

projection_tables("deployments", "deployments", "deployment_elements", "deployment_history")


def _element_rows(e: ContentEvent) -> list[ElementRow]:
    return [_element_row(e, position, item) for position, item in enumerate(e.elements)]


def _element_row(e: ContentEvent, position: int, item: ElementState) -> ElementRow:
    return ElementRow(
        position=position,
        agreement_id=e.agreement,
        deploying_party=e.deploying_party,
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


def _history(session: Session, recorded: RecordedEvent[Any]) -> None:
    e: DeploymentEvent = recorded.event
    session.add(
        HistoryRow(
            id=recorded.id,  # the event's id: the same on every replay
            deployment_id=e.deployment_id,
            at=e.updated_at,
            actor=recorded.envelope.actor,
            actor_party=recorded.envelope.actor_party,
            action=ACTIONS[type(e)],
            status_before=e.status_before,
            status_after=e.status,
            detail=e.history_detail(),
        )
    )


def _row(session: Session, deployment_id: str) -> DeploymentRow:
    row = repository.get(session, deployment_id)
    if row is None:
        raise NotFound(f"no deployment {deployment_id!r}")
    return row


def _set_content(row: DeploymentRow, e: ContentEvent) -> None:
    row.purpose = e.purpose
    row.title = e.title
    row.commander = dict(e.commander)
    row.request_exception = e.request_exception
    row.justification = e.justification
    row.status = e.status
    row.by_exception = e.by_exception
    row.starts, row.ends = e.starts, e.ends
    row.updated_at = e.updated_at
    row.version = e.version


@projector(DeploymentFiled)
def _filed(session: Session, recorded: RecordedEvent[DeploymentFiled]) -> None:
    e = recorded.event
    row = DeploymentRow(
        id=e.deployment_id,
        agreement_id=e.agreement,
        deploying_party=e.deploying_party,
        host_party=e.host_party,
        actual_end=None,
        filed_at=e.updated_at,
        filed_by=e.filed_by,
    )
    _set_content(row, e)
    row.elements = _element_rows(e)
    session.add(row)
    session.flush()
    _history(session, recorded)


@projector(DeploymentAmended)
def _amended(session: Session, recorded: RecordedEvent[DeploymentAmended]) -> None:
    e = recorded.event
    row = _row(session, e.deployment_id)
    _set_content(row, e)
    row.elements.clear()
    session.flush()
    row.elements.extend(_element_rows(e))
    session.flush()
    _history(session, recorded)


def _change_state(session: Session, recorded: RecordedEvent[Any]) -> None:
    e: StateChangeEvent = recorded.event
    row = _row(session, e.deployment_id)
    row.status = e.status
    row.actual_end = e.actual_end
    row.by_exception = e.by_exception
    row.updated_at = e.updated_at
    row.version = e.version
    for element, counted_end in zip(row.elements, e.counted_ends, strict=True):
        element.counted_end = counted_end
    session.flush()
    _history(session, recorded)


for _change in (DeploymentApproved, DeploymentDeclined, DeploymentCompleted, DeploymentCancelled):
    projector(_change)(_change_state)
