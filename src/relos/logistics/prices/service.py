"""Price list use cases: import a list (JSON lines or CSV rows) and read the stored prices."""

from __future__ import annotations

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require
from relos.events import record
from relos.kit.errors import Forbidden
from relos.kit.timeutil import utcnow
from relos.logistics.commands import ImportPrices
from relos.logistics.events import PriceRecord, PricesImported
from relos.logistics.models import PriceRow
from relos.logistics.prices import repository
from relos.logistics.prices.parse import parse_lines
from relos.logistics.prices.table import PriceLine, PriceTable
from relos.logistics.results import ImportOut, PriceOut


def price_line(row: PriceRow) -> PriceLine:
    return PriceLine(
        row.supplying_party,
        row.facility,
        row.item,
        row.category,
        row.unit,
        row.unit_price,
        row.currency,
        row.valid_from,
        row.valid_to,
        row.source,
    )


def price_table(session: Session, supplier: str | None = None) -> PriceTable:
    return PriceTable(price_line(row) for row in repository.prices(session, supplier))


def import_prices(session: Session, caller: Principal, command: ImportPrices) -> ImportOut:
    """Validate and store price lines; identical lines already stored are left as they are."""
    require(caller, "prices.import")
    stored = [price_line(row) for row in repository.prices(session)]
    rows = [line.model_dump() for line in command.lines]
    lines = parse_lines(rows, stored)
    known = set(stored)
    fresh = [line for line in lines if line not in known]
    for line in fresh:
        # Even an admin publishes only their own party's prices (they price the partner's
        # debts); only the operator at the console (no party) loads any party's list.
        if caller.party and line.supplying_party != caller.party:
            raise Forbidden(f"{caller.name} may publish only {caller.party}'s prices")
    if fresh:
        event = PricesImported(
            lines=[PriceRecord(**vars(line)) for line in fresh],
            imported_at=utcnow(),
            imported_by=caller.name,
        )
        record(session, caller, event, event.imported_at)
    return ImportOut(imported=len(fresh), unchanged=len(lines) - len(fresh))


def list_prices(session: Session, caller: Principal, supplier: str | None) -> list[PriceOut]:
    require(caller, "logistics.read")
    return [
        PriceOut(
            id=row.id,
            supplying_party=row.supplying_party,
            facility=row.facility,
            item=row.item,
            category=row.category,
            unit=row.unit,
            unit_price=str(row.unit_price),
            currency=row.currency,
            valid_from=row.valid_from.isoformat(),
            valid_to=row.valid_to.isoformat() if row.valid_to else None,
            source=row.source,
        )
        for row in repository.prices(session, supplier)
    ]
