"""Deployments, their elements and their history, as projected from their events."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, TextClause, bindparam, insert, text
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
from relos.kit.db import check_values, connection_of
from relos.kit.errors import NotFound

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
_INSERT_DEPLOYMENT = insert(DEPLOYMENTS)
_INSERT_ELEMENTS = insert(ELEMENTS)
_INSERT_HISTORY = insert(HISTORY)


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


# The columns each builder fills (every column but an element's own serial id).
_DEPLOYMENT_KEYS = tuple(column.key for column in DEPLOYMENTS.c)
_ELEMENT_KEYS = tuple(column.key for column in ELEMENTS.c if column.key != "id")
_HISTORY_KEYS = tuple(column.key for column in HISTORY.c)


def filed_row(e: DeploymentFiled) -> DeploymentRow:
    """The row `_filed` writes, built in memory (in no session) to describe a filing
    without reading back what was just inserted."""
    row = DeploymentRow(**filed_values(e))
    row.elements = [ElementRow(**values) for values in element_values(e)]
    return row


@projector(DeploymentFiled)
def _filed(session: Session, recorded: RecordedEvent[DeploymentFiled]) -> None:
    # Core inserts on the session's connection: the ORM's unit of work for three new rows
    # cost more CPU than everything else in the append (and ran under the log's lock).
    e = recorded.event
    deployment, elements = filed_values(e), element_values(e)
    history = _history_values(recorded)
    check_values(DEPLOYMENTS, deployment)
    for values in elements:
        check_values(ELEMENTS, values)
    check_values(HISTORY, history)
    connection = connection_of(session)
    if connection.dialect.name == "postgresql":
        # One statement, one round trip under the log's lock (foreign keys are checked at
        # the end of the statement, when the deployment's row is there).
        params = _prefixed("d_", deployment) | _prefixed("h_", history)
        for position, values in enumerate(elements):
            params |= _prefixed(f"e{position}_", values)
        connection.execute(_filed_in_one(len(elements)), params)
        return
    connection.execute(_INSERT_DEPLOYMENT, deployment)
    if elements:
        connection.execute(_INSERT_ELEMENTS, elements)
    connection.execute(_INSERT_HISTORY, history)


def _prefixed(prefix: str, values: dict[str, Any]) -> dict[str, Any]:
    return {prefix + key: value for key, value in values.items()}


def _values_clause(table: Table, prefix: str, keys: Sequence[str]) -> tuple[str, list[Any]]:
    binds = [bindparam(prefix + key, type_=table.c[key].type) for key in keys]
    return ", ".join(f":{prefix}{key}" for key in keys), binds


def _columns(keys: Sequence[str]) -> str:
    # Every name quoted ("end" is a reserved word); all are lower case, as created.
    return ", ".join(f'"{key}"' for key in keys)


@functools.cache
def _filed_in_one(elements: int) -> TextClause:
    """A filing's rows as one PostgreSQL statement (data-modifying WITH clauses), built once
    per number of elements: the deployment, its elements, then its history row. Text with
    typed parameters: SQLAlchemy does not cache the compiled form of a Core INSERT with
    INSERT clauses in WITH, and compiling it on every filing cost more than it saved."""
    deployment, binds = _values_clause(DEPLOYMENTS, "d_", _DEPLOYMENT_KEYS)
    history, history_binds = _values_clause(HISTORY, "h_", _HISTORY_KEYS)
    # Only column names and placeholders are interpolated; every value is a parameter.
    clauses = [
        f"filed_deployment AS (INSERT INTO deployments ({_columns(_DEPLOYMENT_KEYS)}) "  # noqa: S608
        f"VALUES ({deployment}))"
    ]
    if elements:
        rows = []
        for n in range(elements):
            row, row_binds = _values_clause(ELEMENTS, f"e{n}_", _ELEMENT_KEYS)
            rows.append(f"({row})")
            binds += row_binds
        clauses.append(
            f"filed_elements AS (INSERT INTO deployment_elements ({_columns(_ELEMENT_KEYS)}) "  # noqa: S608
            f"VALUES {', '.join(rows)})"
        )
    sql = (
        f"WITH {', '.join(clauses)} "  # noqa: S608
        f"INSERT INTO deployment_history ({_columns(_HISTORY_KEYS)}) VALUES ({history})"
    )
    return text(sql).bindparams(*binds, *history_binds)


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
