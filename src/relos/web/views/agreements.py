"""Agreements: term, expiry countdown, caps, and extension consents."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from relos.access.policy import allowed
from relos.agreements import service
from relos.agreements.schemas import ConsentIn
from relos.kit.db import Database
from relos.kit.timeutil import parse_instant, utcnow
from relos.web.render import render
from relos.web.security import PageUser, check_csrf

router = APIRouter()


def with_countdown(agreement: dict[str, Any]) -> dict[str, Any]:
    """The agreement plus how long its term still runs (None when it renews automatically)."""
    until = agreement["in_force_until"]
    remaining = parse_instant(until) - utcnow() if until else None
    return {**agreement, "remaining": remaining}


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


@router.get("/agreements")
def list_page(request: Request, user: PageUser) -> Response:
    with _db(request).transaction(write=False) as session:
        items = [with_countdown(a.model_dump()) for a in service.list_agreements(session, user)]
    return render(request, "agreements/list.html", {"agreements": items})


@router.get("/agreements/{agreement_id}")
def detail_page(request: Request, user: PageUser, agreement_id: str) -> Response:
    with _db(request).transaction(write=False) as session:
        agreement = with_countdown(service.get_agreement(session, user, agreement_id).model_dump())
    may_consent = allowed(user, "agreements.consent") and user.party in agreement["parties"]
    context = {"agreement": agreement, "may_consent": may_consent}
    return render(request, "agreements/detail.html", context)


@router.post("/agreements/{agreement_id}/consents")
def record_consent(
    request: Request,
    user: PageUser,
    agreement_id: str,
    extend_years: Annotated[int, Form(ge=1, le=50)],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    with _db(request).transaction() as session:
        command = ConsentIn(party=user.party, extend_years=extend_years)
        service.record_consent(session, user, agreement_id, command)
    return RedirectResponse(f"/agreements/{agreement_id}?consented=1", status_code=303)
