"""HTTP routes for deployments, headroom and utilisation (docs/api.md "Deployments")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from relos.deployments import records, service
from relos.deployments.schemas import (
    AmendmentIn,
    CompletionIn,
    ConsentIn,
    DeploymentOut,
    FilingIn,
    HeadroomOut,
    UseStepOut,
    ValidationOut,
)
from relos.kit.idempotency import run_once
from relos.kit.listing import ApiFilter
from relos.kit.pagination import ApiPage, trim
from relos.kit.timeutil import parse_instant
from relos.kit.web import Caller, Claimed, Db

router = APIRouter(tags=["deployments"])
Instant = Annotated[str, Query(description="RFC 3339 UTC", examples=["2026-07-01T00:00:00Z"])]


@router.post("/deployments/validate", response_model=ValidationOut)
def validate(body: FilingIn, db: Db, claim: Claimed) -> ValidationOut:
    """Judge a filing against every rule; nothing is stored."""
    # Reads only (no locks): outside a transaction on PostgreSQL (Database.reads), the
    # token checked on the same connection.
    with db.reads() as session:
        return service.validate(session, claim.caller(session), body)


@router.post(
    "/deployments",
    response_model=DeploymentOut,
    status_code=201,
    responses={422: {"description": "Rule violations (problem+json with `violations`)"}},
)
def file(
    body: FilingIn,
    db: Db,
    claim: Claimed,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """File a deployment: cleared at once, pending the host's consent, or refused (422)."""
    payload = body.model_dump(mode="json", by_alias=True)
    with db.transaction() as session:
        caller = claim.caller(session)  # the token checked on the write's own connection

        def create() -> tuple[int, dict[str, Any]]:
            # Stored as JSON: a retry with the same key answers these exact bytes again.
            return 201, service.file(session, caller, body).model_dump(mode="json")

        status, result = run_once(
            session, caller, idempotency_key, "deployments.file", payload, create
        )
    return JSONResponse(
        result, status_code=status, headers={"Location": f"deployments/{result['id']}"}
    )


@router.get("/deployments", response_model=list[DeploymentOut])
def list_deployments(
    db: Db,
    claim: Claimed,
    request: Request,
    response: Response,
    page: ApiPage,
    filters: ApiFilter,
    agreement: str | None = None,
    party: str | None = None,
    status: str | None = None,
    active_at: Annotated[str | None, Query(description="RFC 3339 UTC")] = None,
) -> list[DeploymentOut]:
    """Deployments; `q` searches reference, title, facility, hull and serial; `sort` by
    reference, title, agreement, party, host, status, start, end or filed_at."""
    with db.reads() as session:
        caller = claim.caller(session)  # first: an unknown caller learns nothing more
        at = parse_instant(active_at, "active_at") if active_at else None
        items = service.list_deployments(
            session, caller, agreement, party, status, at, page.probe(), filters
        )
    return trim(items, page, request, response)


@router.get("/deployments/{deployment_id}", response_model=DeploymentOut)
def get_deployment(deployment_id: str, db: Db, caller: Caller, response: Response) -> DeploymentOut:
    """One deployment with its history; the ETag goes back in If-Match to amend it."""
    with db.transaction(write=False) as session:
        data, tag = service.get_deployment(session, caller, deployment_id)
    response.headers["ETag"] = tag
    return data


@router.patch("/deployments/{deployment_id}", response_model=DeploymentOut)
def amend(
    deployment_id: str,
    body: AmendmentIn,
    db: Db,
    caller: Caller,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> DeploymentOut:
    """Amend a cleared or pending deployment (If-Match required; stale → 412)."""
    with db.transaction() as session:
        data = service.amend(session, caller, deployment_id, body, if_match)
    response.headers["ETag"] = records.etag_for(data)
    return data


@router.post("/deployments/{deployment_id}/consent", response_model=DeploymentOut)
def consent(deployment_id: str, body: ConsentIn, db: Db, caller: Caller) -> DeploymentOut:
    """The host's liaison approves or declines a deployment waiting for consent."""
    with db.transaction() as session:
        return service.consent(session, caller, deployment_id, body)


@router.post("/deployments/{deployment_id}/complete", response_model=DeploymentOut)
def complete(deployment_id: str, body: CompletionIn, db: Db, caller: Caller) -> DeploymentOut:
    with db.transaction() as session:
        return service.complete(session, caller, deployment_id, body)


@router.post("/deployments/{deployment_id}/cancel", response_model=DeploymentOut)
def cancel(deployment_id: str, db: Db, caller: Caller) -> DeploymentOut:
    with db.transaction() as session:
        return service.cancel(session, caller, deployment_id)


@router.get("/agreements/{agreement_id}/headroom", response_model=HeadroomOut)
def headroom(
    agreement_id: str, party: str, start: Instant, end: Instant, db: Db, claim: Claimed
) -> HeadroomOut:
    """Cap minus peak use over the window, per category, with the binding instant."""
    with db.reads() as session:
        caller = claim.caller(session)  # first: an unknown caller learns nothing more
        window = parse_instant(start, "start"), parse_instant(end, "end")
        return service.headroom(session, caller, agreement_id, party, *window)


@router.get("/agreements/{agreement_id}/utilisation", response_model=list[UseStepOut])
def utilisation(
    agreement_id: str, party: str, start: Instant, end: Instant, db: Db, claim: Claimed
) -> list[UseStepOut]:
    """Use over the window as consecutive steps."""
    with db.reads() as session:
        caller = claim.caller(session)  # first: an unknown caller learns nothing more
        window = parse_instant(start, "start"), parse_instant(end, "end")
        return service.utilisation(session, caller, agreement_id, party, *window)
