"""HTTP routes for the audit trail (auditors and admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from relos.audit import service, verify
from relos.audit.schemas import AuditEntryOut, VerdictOut
from relos.kit.timeutil import parse_instant
from relos.kit.web import Caller, Db

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=list[AuditEntryOut])
def list_entries(
    db: Db,
    caller: Caller,
    since: Annotated[
        str | None, Query(description="RFC 3339 time; entries at or after it.")
    ] = None,
    after_id: Annotated[int, Query(ge=0, le=2**31 - 1, description="Entries after this id.")] = 0,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = service.MAX_PAGE,
) -> list[AuditEntryOut]:
    """Entries about the caller's party's records, oldest first."""
    start = None if since is None else parse_instant(since, "since")
    with db.transaction(write=False) as session:
        return service.list_entries(session, caller, start, after_id, limit)


@router.get("/verify", response_model=VerdictOut)
def verify_chain(db: Db, caller: Caller) -> VerdictOut:
    """Verify the whole chain: entries, head, and the first broken entry if any."""
    with db.transaction(write=False) as session:
        return verify.describe(verify.verify(session, caller))
