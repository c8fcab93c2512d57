"""Recording a logistics change: its event, projected into the read tables, and audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.audit.service import record
from relos.logistics.events import Event
from relos.logistics.projectors import project


def emit(
    session: Session, caller: Principal, event: Event, detail: dict[str, Any] | None = None
) -> None:
    """Project `event` into the tables and append it to the audit trail, in one transaction."""
    project(session, event)
    where = event.route()
    after = {"type": event.type_name, **event.model_dump(mode="json")}
    record(
        session,
        caller,
        event.action,
        where.record_type,
        where.record_id,
        where.parties,
        after=after,
        detail=detail,
    )
