"""The planner service against the database: agreements in force, visibility, price lists."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from relos.access.domain import Principal
from relos.kit.db import Database
from relos.kit.errors import InvalidInput
from relos.logistics.models import PriceRow, RateRow
from relos.planning import service
from relos.planning.schemas import ReachIn, RouteIn

IN_PLANNER = Principal(1, "in-planner", "IN", frozenset({"planner"}))
US_PLANNER = Principal(2, "us-planner", "US", frozenset({"planner"}))
SUMMER = datetime(2026, 7, 15, tzinfo=UTC)


def body(**extra: Any) -> RouteIn:
    base: dict[str, Any] = {
        "platform": "talwar",
        "origin": "INBOM",
        "destination": "RUMMK",
        "depart": SUMMER,
        "agreements": ["in-ru-relos"],
    }
    return RouteIn.model_validate(base | extra)


def reach_body() -> ReachIn:
    return ReachIn.model_validate(body().model_dump(exclude={"destination", "objective"}))


def test_an_agreement_not_yet_in_force_opens_nothing(database: Database) -> None:
    before = datetime(2025, 7, 15, tzinfo=UTC)  # signed, not yet in force (illustrative date)
    with database.transaction(write=False) as session:
        plan = service.plan_route(session, IN_PLANNER, body(depart=before))
    assert plan.agreements == []
    assert any("not in force" in w for w in plan.warnings)
    assert plan.feasible is False and plan.baseline.feasible is False


def test_another_party_cannot_plan_under_relos(database: Database) -> None:
    with database.transaction(write=False) as session, pytest.raises(InvalidInput):
        service.plan_route(session, US_PLANNER, body())


def test_a_reciprocal_price_list_prices_the_partner_stops(database: Database) -> None:
    with database.transaction(write=False) as session:
        illustrative = service.plan_route(session, IN_PLANNER, body())
    assert illustrative.cost_source == "illustrative"
    with database.transaction() as session:
        session.add(
            PriceRow(
                supplying_party="RU",
                facility=None,
                item="F-76",
                category="fuel",
                unit="t",
                unit_price=Decimal("45000"),
                currency="RUB",
                valid_from=date(2026, 1, 1),
                valid_to=None,
                source="test list",
                imported_at=SUMMER,
                imported_by="test",
            )
        )
        session.add(
            RateRow(base="USD", quote="RUB", on=date(2026, 1, 1), rate=Decimal("90"), source="test")
        )
    with database.transaction(write=False) as session:
        listed = service.plan_route(session, IN_PLANNER, body())
    partner = [s for s in listed.stops if s.access == "agreement in-ru-relos"]
    assert partner and all(s.price_source.startswith("price list RU") for s in partner)
    assert all(s.price_per_t == "500.00" for s in partner)  # 45,000 RUB at 90 RUB/USD
    assert listed.cost is not None and illustrative.cost is not None
    assert Decimal(listed.cost) < Decimal(illustrative.cost)


def test_reach_reports_what_the_agreement_adds(database: Database) -> None:
    with database.transaction(write=False) as session:
        reach = service.plan_reach(session, IN_PLANNER, reach_body())
    assert "RUMMK" in reach.gained
    assert len(reach.reachable) > len(reach.baseline.reachable)
