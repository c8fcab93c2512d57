"""The dashboard: map of facilities and deployments, cap gauges now, and the year ahead."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from relos.agreements import service as agreements
from relos.kit.db import Database
from relos.web.render import render
from relos.web.security import PageUser

router = APIRouter()


@router.get("/")
def dashboard(request: Request, user: PageUser) -> Response:
    db: Database = request.app.state.db
    with db.transaction(write=False) as session:
        visible = [a for a in agreements.list_agreements(session, user) if a["caps"]]
    return render(request, "dashboard.html", {"agreements": visible})
