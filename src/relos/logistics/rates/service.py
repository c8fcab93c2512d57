"""Exchange rate use cases: import rates with their provenance, and the table of them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require
from relos.events import record
from relos.logistics.commands import ImportRates
from relos.logistics.events import RateRecord, RatesImported
from relos.logistics.rates import repository
from relos.logistics.rates.domain import Rate, RateTable, parse_rate_rows
from relos.logistics.results import ImportOut


def rate_table(session: Session) -> RateTable:
    return RateTable(
        Rate(r.base, r.quote, r.on, r.rate, r.source) for r in repository.rates(session)
    )


def import_rates(session: Session, caller: Principal, command: ImportRates) -> ImportOut:
    """Store exchange rates with their provenance; a rate already stored is replaced."""
    require(caller, "rates.import")
    parsed = parse_rate_rows(line.model_dump() for line in command.lines)
    event = RatesImported(rates=[RateRecord(**vars(rate)) for rate in parsed])
    record(session, caller, event)
    return ImportOut(imported=len(parsed))
