"""Sync and integrity: per partner node what `relos peer status` shows, and each
incident's evidence as a JSON file (for auditors and admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from relos.access.policy import require
from relos.federation import service
from relos.federation.outbox import node_party
from relos.kit.db import Database
from relos.web.render import render
from relos.web.security import PageUser

router = APIRouter()
IncidentId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/sync")
def sync_page(request: Request, user: PageUser) -> Response:
    require(user, "logs.verify")
    db: Database = request.app.state.db
    with db.transaction(write=False) as session:
        peers = service.status(session, user)
        party = node_party(session)
    context = {"peers": peers, "party": party, "open": service.any_open(peers)}
    return render(request, "sync/status.html", context)


@router.get("/sync/incidents/{incident_id}/evidence.json")
def incident_evidence(request: Request, user: PageUser, incident_id: IncidentId) -> Response:
    db: Database = request.app.state.db
    with db.transaction(write=False) as session:
        text = service.incident_evidence(session, user, incident_id)
    disposition = f'attachment; filename="incident-{incident_id}-evidence.json"'
    return Response(
        text, media_type="application/json", headers={"Content-Disposition": disposition}
    )
