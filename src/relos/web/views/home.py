"""The dashboard: map of facilities and deployments, cap gauges now, and the year ahead."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.agreements import service as agreements
from relos.deployments import service as deployments
from relos.kit.db import Database
from relos.kit.timeutil import utcnow
from relos.web import charts
from relos.web.render import render
from relos.web.security import PageUser

router = APIRouter()
YEAR = timedelta(days=365)
# "Now" is a one-minute window: the peak in it is the use at this instant.
NOW_WINDOW = timedelta(minutes=1)


def party_panels(
    session: Session, user: Principal, agreement: dict[str, Any]
) -> list[dict[str, Any]]:
    """For each party of an agreement with caps: gauges now and the next 12 months."""
    now = utcnow().replace(second=0, microsecond=0)
    panels = []
    for party in agreement["parties"]:
        room = deployments.headroom(session, user, agreement["id"], party, now, now + NOW_WINDOW)
        steps = deployments.utilisation(session, user, agreement["id"], party, now, now + YEAR)
        host = next(p for p in agreement["parties"] if p != party)
        panels.append(
            {
                "party": party,
                "host": host,
                "gauges": charts.gauges(room.model_dump()),
                "timeline": charts.timeline(
                    [s.model_dump() for s in steps], agreement["caps"], now, now + YEAR
                ),
            }
        )
    return panels


@router.get("/")
def dashboard(request: Request, user: PageUser) -> Response:
    db: Database = request.app.state.db
    with db.transaction(write=False) as session:
        visible = [a.model_dump() for a in agreements.list_agreements(session, user) if a.caps]
        panels = [(a, party_panels(session, user, a)) for a in visible]
    context = {"agreements": visible, "panels": panels, "deployments_url": "/api/v1/deployments"}
    return render(request, "dashboard.html", context)
