"""Filing bodies and callers shared by the deployments integration and end-to-end tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from relos.access.domain import Principal

START = datetime(2027, 7, 1, tzinfo=UTC)

IN_PLANNER = Principal(101, "in-planner", "IN", frozenset({"planner"}))
RU_PLANNER = Principal(102, "ru-planner", "RU", frozenset({"planner"}))
RU_LIAISON = Principal(103, "ru-liaison", "RU", frozenset({"host_liaison"}))
IN_LIAISON = Principal(104, "in-liaison", "IN", frozenset({"host_liaison"}))
US_PLANNER = Principal(105, "us-planner", "US", frozenset({"planner"}))


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def day(n: float) -> str:
    return iso(START + timedelta(days=n))


def warship(
    hull: str, start: float = 0, end: float = 14, facility: str = "RUVVO"
) -> dict[str, Any]:
    return {
        "kind": "warship",
        "name": f"INS {hull}",
        "hull": hull,
        "class": "talwar",
        "crew": 250,
        "displacement_t": 4035,
        "length_m": 124.8,
        "beam_m": 15.2,
        "draught_m": 4.5,
        "facility": facility,
        "start": day(start),
        "end": day(end),
    }


def aircraft(
    serial: str, start: float = 1, end: float = 9, facility: str = "UHWW"
) -> dict[str, Any]:
    return {
        "kind": "aircraft",
        "type": "P-8I",
        "serial": serial,
        "call_sign": f"INDIA{serial}",
        "facility": facility,
        "start": day(start),
        "end": day(end),
    }


def personnel(
    count: int, start: float = 0, end: float = 14, facility: str = "RUVVO"
) -> dict[str, Any]:
    return {
        "kind": "personnel",
        "count": count,
        "facility": facility,
        "start": day(start),
        "end": day(end),
    }


def filing(*elements: dict[str, Any], party: str = "IN", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agreement": "in-ru-relos",
        "deploying_party": party,
        "purpose": "joint_exercise",
        "title": "INDRA-26 naval phase",
        "commander": {"name": "A. Kumar", "rank": "Captain"},
        "request_exception": False,
        "justification": None,
        "elements": list(elements),
    }
    body.update(extra)
    return body
