"""Queries on agreements and consents."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from relos.agreements.models import AgreementRow, ConsentRow


def get(session: Session, agreement_id: str) -> AgreementRow | None:
    return session.get(AgreementRow, agreement_id)


def list_for_party(session: Session, party: str | None) -> list[AgreementRow]:
    """All agreements, or those the party is a party to (filtered in the query)."""
    query = select(AgreementRow).order_by(AgreementRow.signed)
    if party:
        query = query.where(or_(AgreementRow.party_a == party, AgreementRow.party_b == party))
    return list(session.scalars(query))


def consents(session: Session, agreement_id: str) -> list[ConsentRow]:
    query = (
        select(ConsentRow).where(ConsentRow.agreement_id == agreement_id).order_by(ConsentRow.id)
    )
    return list(session.scalars(query))
