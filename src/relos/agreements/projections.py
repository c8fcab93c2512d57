"""Agreements and their consents, as projected from their events."""

from __future__ import annotations

from sqlalchemy.orm import Session

from relos.agreements import repository
from relos.agreements.events import AgreementLoaded, ConsentRecorded
from relos.agreements.models import AgreementRow, ConsentRow
from relos.agreements.service import IN_FORCE_MEMO
from relos.events import RecordedEvent, projection_tables, projector

projection_tables("agreements", "agreements", "agreement_consents")


def _changed(session: Session) -> None:
    """This transaction changed an agreement: its memo of agreements in force is stale."""
    session.info.pop(IN_FORCE_MEMO, None)


@projector(AgreementLoaded)
def _loaded(session: Session, recorded: RecordedEvent[AgreementLoaded]) -> None:
    e = recorded.event
    _changed(session)
    row = repository.get(session, e.agreement_id)
    if row is None:
        row = AgreementRow(id=e.agreement_id)
        session.add(row)
    row.title = e.title
    row.party_a, row.party_b = e.parties
    row.signed = e.signed
    row.entry_into_force = e.entry_into_force
    row.definition = dict(e.definition)
    row.loaded_at = e.loaded_at


@projector(ConsentRecorded)
def _consent(session: Session, recorded: RecordedEvent[ConsentRecorded]) -> None:
    e = recorded.event
    _changed(session)
    session.add(
        ConsentRow(
            agreement_id=e.agreement_id,
            party=e.party,
            extend_years=e.extend_years,
            recorded_at=e.recorded_at,
            recorded_by=e.recorded_by,
        )
    )
