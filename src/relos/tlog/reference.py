"""Run by `relos db upgrade`: events recorded before this database had signed logs are signed.

A database migrated from before the signed logs (migration 0007_tlog) keeps its old event
log, including the old audit chain that 0006_events moved into it. Its events become the
first leaves of their logs, in recording order, before anything else is appended; the
first append does the same if the upgrade did not (see `relos.tlog.events`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from relos.tlog.events import sign_unsigned


def refresh(session: Session) -> int:
    """How many earlier events were signed now (0 once the logs exist)."""
    return sign_unsigned(session)
