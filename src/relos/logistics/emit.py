"""Recording a logistics change: its event, projected into the read tables, and audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.audit.service import record
from relos.logistics.events import Event
from relos.logistics.projectors import project


def emit(
    session: Session,
    caller: Principal,
    event: Event,
    action: str,
    record_type: str,
    record_id: str,
    parties: Iterable[str],
    detail: dict[str, Any] | None = None,
) -> None:
    """Project `event` into the tables and append it to the audit trail, in one transaction."""
    project(session, event)
    after = {"type": event.type_name, **event.model_dump(mode="json")}
    record(session, caller, action, record_type, record_id, parties, after=after, detail=detail)
