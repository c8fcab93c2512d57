"""Small builders for the pure engine's inputs: RELOS-like terms and a few facilities."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from relos.deployments.domain import (
    AgreementView,
    Aircraft,
    Element,
    FacilityView,
    Filing,
    Personnel,
    Warship,
)
from relos.deployments.timeline import Period

T0 = datetime(2026, 7, 1, tzinfo=UTC)
FILED = T0 - timedelta(days=30)

RELOS = AgreementView(
    id="in-ru-relos",
    parties=("IN", "RU"),
    caps={"warships": 5, "aircraft": 10, "personnel": 3000},
    crew_counts_as_personnel=False,
    purposes=frozenset({"joint_exercise", "training", "evacuation", "humanitarian_assistance"}),
    facility_kinds=frozenset({"port", "airfield", "training_range", "airspace"}),
    notice_days={"warship": 14},
    notice_exempt_purposes=frozenset({"evacuation", "humanitarian_assistance"}),
    in_force_from=datetime(2025, 12, 15, tzinfo=UTC),
    in_force_until=datetime(2030, 12, 15, tzinfo=UTC),
)

FACILITIES = [
    FacilityView("RUVVO", "RU", "port", max_draught_m=11.0, berths=20, accommodation=5000),
    FacilityView("UHWW", "RU", "airfield", aircraft_stands=30, accommodation=5000),
    FacilityView("INVTZ", "IN", "port", max_draught_m=10.0, berths=20, accommodation=5000),
    FacilityView("RUSMALL", "RU", "port", max_draught_m=6.0, berths=2, accommodation=100),
    FacilityView("TJAYN", "TJ", "airfield", aircraft_stands=10),
]


def days(start: int, end: int) -> Period:
    """Days after T0 as a half-open period."""
    return Period(T0 + timedelta(days=start), T0 + timedelta(days=end))


def ship(hull: str, period: Period, facility: str = "RUVVO", **kw: Any) -> Warship:
    fields: dict[str, Any] = {"crew": 250, "draught_m": 4.5, "ship_class": "talwar"}
    fields.update(kw)
    return Warship(facility=facility, period=period, name=f"Ship {hull}", hull=hull, **fields)


def plane(serial: str, period: Period, facility: str = "UHWW") -> Aircraft:
    return Aircraft(facility=facility, period=period, type="P-8I", serial=serial)


def people(count: int, period: Period, facility: str = "RUVVO") -> Personnel:
    return Personnel(facility=facility, period=period, count=count)


def filing(*elements: Element, party: str = "IN", **kw: Any) -> Filing:
    base = Filing(
        agreement="in-ru-relos",
        deploying_party=party,
        purpose="joint_exercise",
        elements=tuple(elements),
        filed_at=FILED,
    )
    return replace(base, **kw)
