"""Reciprocal fuel prices from the logistics price lists, converted to the planner's currency.

Under a reciprocal pact the supplier charges its own forces' price, which is what the price
lists hold. A stop without a listed price in force, or without an exchange rate, keeps the
illustrative default (prices.py) and says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from relos.planning.access import Site
from relos.planning.craft import AIRCRAFT_GRADES, SHIP_GRADES
from relos.planning.prices import Price

TONNE_UNITS = ("t", "tonne", "tonnes", "mt")


def listed_prices(
    session: Session, sites: Iterable[Site], currency: str, on: datetime
) -> dict[tuple[str, str], Price]:
    from relos.logistics.prices.repository import prices
    from relos.logistics.prices.table import PriceLine, PriceTable
    from relos.logistics.rates.domain import MissingRate, Rate, RateTable
    from relos.logistics.rates.repository import rates

    rows = prices(session)
    if not rows:
        return {}
    book = PriceTable(
        PriceLine(
            r.supplying_party,
            r.facility,
            r.item,
            r.category,
            r.unit,
            r.unit_price,
            r.currency,
            r.valid_from,
            r.valid_to,
        )
        for r in rows
        if r.unit.lower() in TONNE_UNITS
    )
    table = RateTable(Rate(r.base, r.quote, r.on, r.rate, r.source) for r in rates(session))
    day = on.date()
    out: dict[tuple[str, str], Price] = {}
    for site in sites:
        for grade in set(site.fuel_grades) & set(SHIP_GRADES + AIRCRAFT_GRADES):
            for supplier in (*site.operators, site.country):
                line = book.in_force(supplier, grade, site.id, day)
                if line is None:
                    continue
                try:
                    rate = table.rate(line.currency, currency, day)
                except MissingRate:
                    break
                source = (
                    f"price list {supplier} from {line.valid_from} ({line.currency}; {line.source})"
                )
                out[(site.id, grade)] = Price(float(line.unit_price * rate), currency, source)
                break
    return out
