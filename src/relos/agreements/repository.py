"""Queries on agreements and consents."""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from relos.agreements.models import AgreementRow, ConsentRow
from relos.events.models import EventRow
from relos.kit.db import connection_of


def get(session: Session, agreement_id: str) -> AgreementRow | None:
    return session.get(AgreementRow, agreement_id)


def version(session: Session, agreement_id: str) -> str | None:
    """The hash of the agreement's latest event (load or consent), or None when it has none.

    It names the agreement's rows exactly: each event's hash chains over every earlier
    event of the agreement's log (docs/events.md).
    """
    found = connection_of(session).execute(_VERSION, {"agreement": agreement_id}).scalar()
    return None if found is None else str(found)


# Asked on every filing, validation and headroom: built once, run on the connection.
_VERSION = (
    select(EventRow.hash)
    .where(EventRow.record_type == "agreement", EventRow.record_id == bindparam("agreement"))
    .order_by(EventRow.id.desc())
    .limit(1)
)


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
