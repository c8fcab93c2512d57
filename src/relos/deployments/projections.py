"""Deployments, their elements and their history, as projected from their events."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table
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
    StateChangeEvent,
)
from relos.deployments.models import DeploymentRow, ElementRow, HistoryRow
from relos.events import RecordedEvent, projection_tables, projector
from relos.kit.errors import NotFound
from relos.kit.inserts import write_rows

projection_tables("deployments", "deployments", "deployment_elements", "deployment_history")


def _history_values(recorded: RecordedEvent[Any]) -> dict[str, Any]:
    e: DeploymentEvent = recorded.event
    return {
        "id": recorded.id,  # the event's id: the same on every replay
        "deployment_id": e.deployment_id,
        "at": e.updated_at,
        "actor": recorded.envelope.actor,
        "actor_party": recorded.envelope.actor_party,
        "action": ACTIONS[type(e)],
        "status_before": e.status_before,
        "status_after": e.status,
        "detail": e.history_detail(),
    }


def _history(session: Session, recorded: RecordedEvent[Any]) -> None:
    session.add(HistoryRow(**_history_values(recorded)))


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


DEPLOYMENTS: Table = DeploymentRow.__table__  # type: ignore[assignment]
ELEMENTS: Table = ElementRow.__table__  # type: ignore[assignment]
HISTORY: Table = HistoryRow.__table__  # type: ignore[assignment]


def filed_values(e: DeploymentFiled) -> dict[str, Any]:
    """The deployment's row as a filing writes it (column values)."""
    return {
        "id": e.deployment_id,
        "reference": e.reference or f"DEP-{e.deployment_id}"[:40],
        "agreement_id": e.agreement,
        "deploying_party": e.deploying_party,
        "host_party": e.host_party,
        "purpose": e.purpose,
        "title": e.title,
        "commander": dict(e.commander),
        "request_exception": e.request_exception,
        "justification": e.justification,
        "status": e.status,
        "by_exception": e.by_exception,
        "starts": e.starts,
        "ends": e.ends,
        "actual_end": None,
        "filed_at": e.updated_at,
        "filed_by": e.filed_by,
        "updated_at": e.updated_at,
        "version": e.version,
    }


def element_values(e: ContentEvent) -> list[dict[str, Any]]:
    """The element rows of a filing (column values, in position order)."""
    return [
        {
            "deployment_id": e.deployment_id,
            "position": position,
            "agreement_id": e.agreement,
            "deploying_party": e.deploying_party,
            "kind": item.kind,
            "facility_id": item.facility_id,
            "start": item.start,
            "end": item.end,
            "counted_end": item.counted_end,
            "span_class": item.span_class,
            "unit_key": item.unit_key,
            "personnel": item.personnel,
            "notice_given_at": item.notice_given_at,
            "details": dict(item.details),
        }
        for position, item in enumerate(e.elements)
    ]


def filed_rows(e: DeploymentFiled) -> tuple[SimpleNamespace, list[SimpleNamespace]]:
    """The deployment's and its elements' rows as `_filed` writes them, as plain values
    (attributes, as `records.listed` reads them): a filing is described without reading
    back what was just inserted, and without ORM objects made only to be read."""
    return SimpleNamespace(**filed_values(e)), [SimpleNamespace(**v) for v in element_values(e)]


@projector(DeploymentFiled)
def _filed(session: Session, recorded: RecordedEvent[DeploymentFiled]) -> None:
    # Core inserts on the session's connection: the ORM's unit of work for three new rows
    # cost more CPU than everything else in the append (and ran under the log's lock).
    e = recorded.event
    deployment, elements = filed_values(e), element_values(e)
    history = _history_values(recorded)
    # On PostgreSQL one statement with the event's own row (relos.kit.inserts.write_rows).
    write_rows(session, [(DEPLOYMENTS, [deployment]), (ELEMENTS, elements), (HISTORY, [history])])


@projector(DeploymentAmended)
def _amended(session: Session, recorded: RecordedEvent[DeploymentAmended]) -> None:
    e = recorded.event
    row = _row(session, e.deployment_id)
    _set_content(row, e)
    row.elements.clear()
    session.flush()
    row.elements.extend(ElementRow(**values) for values in element_values(e))
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
