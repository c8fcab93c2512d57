"""Load or refresh the shipped agreement files into the database (run by `db upgrade`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from relos.access.domain import SYSTEM
from relos.agreements import repository
from relos.agreements.loader import load_agreement_files, shipped_agreements_dir
from relos.agreements.models import AgreementRow
from relos.audit.service import record
from relos.kit.timeutil import utcnow


def refresh(session: Session) -> int:
    """Upsert every shipped agreement; returns how many rows changed. Idempotent."""
    changed = 0
    for data in load_agreement_files(shipped_agreements_dir()):
        definition = data.model_dump(mode="json")
        row = repository.get(session, data.id)
        if row is not None and row.definition == definition:
            continue
        before = row.definition if row is not None else None
        if row is None:
            row = AgreementRow(id=data.id)
            session.add(row)
        row.title = data.title
        row.party_a, row.party_b = data.parties
        row.signed = data.signed
        row.entry_into_force = data.entry_into_force
        row.definition = definition
        row.loaded_at = utcnow()
        # Caps and terms decide what is cleared: a changed file is a change of the record.
        record(
            session,
            SYSTEM,
            "agreement.load",
            "agreement",
            data.id,
            data.parties,
            before=before,
            after=definition,
        )
        changed += 1
    session.flush()
    return changed
