"""What happens to an agreement, as events of its own log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from relos.events import DomainEvent, Route, event


class AgreementEvent(DomainEvent):
    agreement_id: str
    parties: tuple[str, str]

    def route(self) -> Route:
        return Route(self.agreement_id, "agreement", self.agreement_id, self.parties)


@event
class AgreementLoaded(AgreementEvent):
    """The agreement file as shipped (new or changed): caps and terms decide what is cleared."""

    event_type = "agreement.loaded.v1"

    title: str
    signed: date
    entry_into_force: date
    definition: dict[str, Any]
    loaded_at: datetime


@event
class ConsentRecorded(AgreementEvent):
    """One party's consent to extend the term; the term moves once both have consented."""

    event_type = "agreement.consent_recorded.v1"

    party: str
    extend_years: int
    recorded_at: datetime
    recorded_by: str
    in_force_until: datetime | None  # the term's end once this consent counts
