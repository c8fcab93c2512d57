"""Between the API's shapes, the stored rows and the pure engine's values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter

from relos.deployments.domain import Aircraft, Breach, Element, Personnel, Warship
from relos.deployments.models import ElementRow
from relos.deployments.schemas import AircraftIn, ElementIn, ElementOut, WarshipIn
from relos.deployments.timeline import Period
from relos.kit.timeutil import format_instant

PLACEMENT = ("kind", "facility", "start", "end")


def _utc(value: datetime) -> datetime:
    """Aware times to UTC; naive ones are left for the engine to refuse as invalid_period."""
    return value if value.tzinfo is None else value.astimezone(UTC)


def element_from_input(item: ElementIn) -> Element:
    period = Period(_utc(item.start), _utc(item.end))
    if isinstance(item, WarshipIn):
        return Warship(
            facility=item.facility,
            period=period,
            name=item.name,
            hull=item.hull,
            ship_class=item.ship_class,
            crew=item.crew,
            displacement_t=item.displacement_t,
            length_m=item.length_m,
            beam_m=item.beam_m,
            draught_m=item.draught_m,
        )
    if isinstance(item, AircraftIn):
        return Aircraft(
            facility=item.facility,
            period=period,
            type=item.type,
            serial=item.serial,
            call_sign=item.call_sign,
        )
    return Personnel(facility=item.facility, period=period, count=item.count)


def details_of(item: ElementIn) -> dict[str, Any]:
    """What an element row keeps beside its placement, in the API's own field names."""
    data = item.model_dump(by_alias=True, mode="json")
    return {key: value for key, value in data.items() if key not in PLACEMENT}


def element_from_row(row: ElementRow) -> Element:
    period = Period(row.start, row.end)
    d = row.details
    if row.kind == "warship":
        return Warship(
            facility=row.facility_id,
            period=period,
            name=d["name"],
            hull=d["hull"],
            ship_class=d.get("class", ""),
            crew=d.get("crew", 0),
            displacement_t=d.get("displacement_t"),
            length_m=d.get("length_m"),
            beam_m=d.get("beam_m"),
            draught_m=d.get("draught_m"),
        )
    if row.kind == "aircraft":
        return Aircraft(
            facility=row.facility_id,
            period=period,
            type=d["type"],
            serial=d["serial"],
            call_sign=d.get("call_sign", ""),
        )
    return Personnel(facility=row.facility_id, period=period, count=d["count"])


ELEMENT_OUT: TypeAdapter[ElementOut] = TypeAdapter(ElementOut)


def element_fields(row: Any) -> dict[str, Any]:
    """An element row (ORM or plain: kind, details, facility_id, start, end) as ElementOut's
    input: the details as filed, the placement from the columns."""
    return {
        "kind": row.kind,
        **row.details,
        "facility": row.facility_id,
        "start": format_instant(row.start),
        "end": format_instant(row.end),
    }


def element_out(row: ElementRow) -> ElementOut:
    return ELEMENT_OUT.validate_python(element_fields(row))


def violation_out(violation: Breach) -> dict[str, Any]:
    """The problem+json shape: fields that do not apply are left out."""
    data: dict[str, Any] = {"code": violation.code, "message": violation.message}
    if violation.element is not None:
        data["element"] = violation.element
    if violation.category is not None:
        data["category"] = violation.category
    if violation.at is not None:
        data["at"] = format_instant(violation.at)
    if violation.limit is not None:
        data["limit"] = violation.limit
    if violation.would_be is not None:
        data["would_be"] = violation.would_be
    return data
