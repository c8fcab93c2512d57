"""The audit trail for auditors and admins: entries about their party, and the chain check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from relos.access.policy import allowed, require
from relos.audit import service, verify
from relos.kit.db import Database
from relos.kit.timeutil import parse_instant
from relos.web.render import render
from relos.web.security import PageUser

router = APIRouter()
PAGE = 100


@router.get("/audit")
def audit_page(request: Request, user: PageUser, since: str = "", after_id: int = 0) -> Response:
    require(user, "audit.read")
    start = parse_instant(since, "since") if since else None
    db: Database = request.app.state.db
    with db.transaction(write=False) as session:
        entries = service.list_entries(session, user, start, max(0, after_id), PAGE)
        verdict = (
            verify.describe(verify.verify(session, user)) if allowed(user, "audit.verify") else None
        )
    context = {
        "entries": entries,
        "verdict": verdict,
        "since": since,
        "next_after": entries[-1].id if len(entries) == PAGE else None,
    }
    return render(request, "audit/list.html", context)
