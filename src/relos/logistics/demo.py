"""Demo logistics: illustrative price lists of both RELOS parties, rates, and a season of orders.

No public source gives RELOS prices, so every price and rate here is marked illustrative.
The orders tell the story an auditor wants to see: fuel delivered and paid on time,
provisions delivered and left unpaid past the deadline (one overdue item), maintenance
partly settled, and Russian fuel taken at Mumbai paid back partly in kind. Dates are set
relative to the day the demo is loaded so that "overdue" stays true whenever it is loaded.
The order not yet delivered is tied to the next demo deployment of India in Russia (at the
same airfield when there is one), when the deployments demo has loaded it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.deployments.models import DeploymentRow, ElementRow
from relos.kit.timeutil import utcnow
from relos.logistics.commands import (
    ImportPrices,
    ImportRates,
    RaiseOrder,
    RecordDelivery,
    RecordSettlement,
    SignOrder,
    build,
)
from relos.logistics.deliveries.service import record_delivery
from relos.logistics.models import OrderRow
from relos.logistics.orders.service import raise_order, sign_order
from relos.logistics.prices.parse import csv_rows
from relos.logistics.prices.service import import_prices
from relos.logistics.rates.domain import rate_rows
from relos.logistics.rates.service import import_rates
from relos.logistics.settlement.service import record_settlement

DEMO = Principal(user_id=0, name="demo", party="", roles=frozenset({"admin"}))
NOTE = "illustrative: no public source gives RELOS prices"
PRICES = "\n".join(
    [
        "supplying_party,facility,item,category,unit,unit_price,currency,valid_from,valid_to,source",
        f"RU,RUVVO,F-76,fuel,t,68500.00,RUB,2025-01-01,,{NOTE}",
        f"RU,,F-76,fuel,t,70000.00,RUB,2025-01-01,,{NOTE}",
        f"RU,,F-44,fuel,t,82000.00,RUB,2025-01-01,,{NOTE}",
        f"RU,,ration-pack,provisions,pack,850.50,RUB,2025-01-01,,{NOTE}",
        f"RU,,fresh-water,water,t,95.00,RUB,2025-01-01,,{NOTE}",
        f"RU,,hull-maintenance,maintenance,h,6400.00,RUB,2025-01-01,,{NOTE}",
        f"IN,INBOM,F-76,fuel,t,82000.00,INR,2025-01-01,,{NOTE}",
        f"IN,,F-76,fuel,t,84000.00,INR,2025-01-01,,{NOTE}",
        f"IN,,F-44,fuel,t,98000.00,INR,2025-01-01,,{NOTE}",
        f"IN,,ration-pack,provisions,pack,780.00,INR,2025-01-01,,{NOTE}",
        f"IN,,hull-maintenance,maintenance,h,5200.00,INR,2025-01-01,,{NOTE}",
    ]
)
RATES = "\n".join(
    [
        "base,quote,on,rate,source",
        "RUB,INR,2025-01-01,0.98,illustrative",
        "RUB,INR,2026-01-01,1.02,illustrative",
        "USD,INR,2025-01-01,85.50,illustrative",
        "USD,RUB,2025-01-01,98.00,illustrative",
    ]
)


def _deployment(session: Session, deploying: str, host: str, facility: str) -> str | None:
    """An upcoming demo deployment of `deploying` hosted by `host`, preferably at `facility`."""
    query = (
        select(DeploymentRow.id)
        .join(ElementRow, ElementRow.deployment_id == DeploymentRow.id)
        .where(
            DeploymentRow.agreement_id == "in-ru-relos",
            DeploymentRow.deploying_party == deploying,
            DeploymentRow.host_party == host,
            DeploymentRow.status == "cleared",
        )
        .order_by((ElementRow.facility_id != facility), DeploymentRow.starts)
    )
    return session.scalar(query.limit(1))


def _order(
    session: Session,
    requesting: str,
    supplying: str,
    facility: str,
    settlement: str,
    lines: list[tuple[str, str, str, str]],
    for_deployment: bool = False,
) -> str:
    body: dict[str, Any] = {
        "agreement": "in-ru-relos",
        "requesting_party": requesting,
        "supplying_party": supplying,
        "facility": facility,
        "settlement": settlement,
        "deployment": _deployment(session, requesting, supplying, facility)
        if for_deployment
        else None,
        "lines": [
            dict(zip(("category", "item", "quantity", "unit"), line, strict=True)) for line in lines
        ],
    }
    order_id = raise_order(session, DEMO, build(RaiseOrder, body)).id
    sign_order(session, DEMO, SignOrder(order=order_id, party=requesting))
    sign_order(session, DEMO, SignOrder(order=order_id, party=supplying))
    return order_id


def _deliver(session: Session, order_id: str, at: datetime, *quantities: tuple[int, str]) -> None:
    lines = [{"line": line, "quantity": quantity} for line, quantity in quantities]
    body = {
        "order": order_id,
        "lines": lines,
        "delivered_at": at,
        "received_by": "duty officer (demo)",
    }
    record_delivery(session, DEMO, build(RecordDelivery, body))


def _settle(session: Session, order_id: str, at: datetime, **body: Any) -> None:
    command = {"order": order_id, "settled_at": at, "reference": "demo", **body}
    record_settlement(session, DEMO, build(RecordSettlement, command))


def load(session: Session) -> int:
    """Load the demo set once; a second call finds the demo orders and adds nothing."""
    if session.scalar(select(OrderRow.id).where(OrderRow.created_by == DEMO.name).limit(1)):
        return 0
    import_prices(session, DEMO, build(ImportPrices, {"lines": csv_rows(PRICES)}))
    import_rates(session, DEMO, build(ImportRates, {"lines": rate_rows(RATES)}))
    day = utcnow().replace(hour=9, minute=0, second=0, microsecond=0, tzinfo=UTC)

    fuel = _order(session, "IN", "RU", "RUVVO", "cash", [("fuel", "F-76", "420", "t")])
    _deliver(session, fuel, day - timedelta(days=120), (0, "200"))
    _deliver(session, fuel, day - timedelta(days=113), (0, "220"))
    _settle(
        session, fuel, day - timedelta(days=40), method="cash", amount="28770000.00", currency="RUB"
    )

    provisions = _order(
        session,
        "IN",
        "RU",
        "RUVVO",
        "cash",
        [
            ("provisions", "ration-pack", "3000", "pack"),
            ("water", "fresh-water", "600", "t"),
        ],
    )
    _deliver(session, provisions, day - timedelta(days=118), (0, "3000"), (1, "600"))  # overdue

    upkeep = _order(
        session, "IN", "RU", "RUMMK", "cash", [("maintenance", "hull-maintenance", "120", "h")]
    )
    _deliver(session, upkeep, day - timedelta(days=30), (0, "120"))
    _settle(
        session, upkeep, day - timedelta(days=5), method="cash", amount="300000.00", currency="RUB"
    )

    mumbai = _order(
        session, "RU", "IN", "INBOM", "replacement_in_kind", [("fuel", "F-76", "300", "t")]
    )
    _deliver(session, mumbai, day - timedelta(days=60), (0, "300"))
    _settle(
        session,
        mumbai,
        day - timedelta(days=20),
        method="replacement_in_kind",
        lines=[{"line": 0, "quantity": "120"}],
    )

    # Agreed, not yet delivered: jet fuel for the next Indian deployment at Vladivostok.
    jet_fuel = [("fuel", "F-44", "80", "t")]
    _order(session, "IN", "RU", "UHWW", "cash", jet_fuel, for_deployment=True)
    return 5
