"""Load or refresh the shipped agreement files into the database (run by `db upgrade`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from relos.access.domain import SYSTEM
from relos.agreements import repository
from relos.agreements.events import AgreementLoaded
from relos.agreements.loader import load_agreement_files, shipped_agreements_dir
from relos.events import record
from relos.kit.timeutil import utcnow


def refresh(session: Session) -> int:
    """Record every shipped agreement that is new or changed; returns how many. Idempotent."""
    changed = 0
    for data in load_agreement_files(shipped_agreements_dir()):
        definition = data.model_dump(mode="json")
        row = repository.get(session, data.id)
        if row is not None and row.definition == definition:
            continue
        now = utcnow()
        loaded = AgreementLoaded(
            agreement_id=data.id,
            parties=data.parties,
            title=data.title,
            signed=data.signed,
            entry_into_force=data.entry_into_force,
            definition=definition,
            loaded_at=now,
        )
        record(session, SYSTEM, loaded, now)
        changed += 1
    return changed
