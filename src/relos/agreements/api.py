"""HTTP routes for agreements."""

from __future__ import annotations

from fastapi import APIRouter

from relos.agreements import service
from relos.agreements.schemas import AgreementOut, ConsentIn
from relos.kit.web import Caller, Db

router = APIRouter(prefix="/agreements", tags=["agreements"])


@router.get("", response_model=list[AgreementOut])
def list_agreements(db: Db, caller: Caller) -> list[AgreementOut]:
    with db.transaction(write=False) as session:
        return service.list_agreements(session, caller)


@router.get("/{agreement_id}", response_model=AgreementOut)
def get_agreement(agreement_id: str, db: Db, caller: Caller) -> AgreementOut:
    with db.transaction(write=False) as session:
        return service.get_agreement(session, caller, agreement_id)


@router.post("/{agreement_id}/consents", response_model=AgreementOut, status_code=201)
def record_consent(agreement_id: str, body: ConsentIn, db: Db, caller: Caller) -> AgreementOut:
    with db.transaction() as session:
        return service.record_consent(session, caller, agreement_id, body)
