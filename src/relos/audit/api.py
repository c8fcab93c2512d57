"""HTTP routes for the audit trail (auditors and admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from relos.audit import service, verify
from relos.audit.schemas import AuditEntryOut, VerdictOut
from relos.kit.listing import ApiFilter
from relos.kit.pagination import Page, trim
from relos.kit.timeutil import parse_instant
from relos.kit.web import Caller, Db

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=list[AuditEntryOut])
def list_entries(
    db: Db,
    caller: Caller,
    request: Request,
    response: Response,
    filters: ApiFilter,
    since: Annotated[
        str | None, Query(description="RFC 3339 time; entries at or after it.")
    ] = None,
    after_id: Annotated[int, Query(ge=0, le=2**31 - 1, description="Entries after this id.")] = 0,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = service.MAX_PAGE,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    party: Annotated[str | None, Query(description="Entries concerning this party.")] = None,
) -> list[AuditEntryOut]:
    """Entries about the caller's party's records, oldest first; `q` searches the event
    type, actor, record type and id; `sort` by id, at, action, actor or record_type."""
    start = None if since is None else parse_instant(since, "since")
    with db.transaction(write=False) as session:
        found = service.list_entries(
            session, caller, start, after_id, limit + 1, filters, party, offset
        )
    return trim(found, Page(limit, offset), request, response)


@router.get("/verify", response_model=VerdictOut)
def verify_chain(db: Db, caller: Caller) -> VerdictOut:
    """Verify the whole chain: entries, head, and the first broken entry if any."""
    with db.transaction(write=False) as session:
        return verify.describe(verify.verify(session, caller))
