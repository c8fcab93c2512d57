"""`relos facilities ...`"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from relos.access.acting import acting_as
from relos.facilities import service
from relos.facilities.schemas import CapacityOut, FacilityOut
from relos.kit.clikit import print_json, print_table, transaction

app = typer.Typer(
    name="facilities",
    help="Ports, airfields, training ranges and airspace the agreements open.",
    no_args_is_help=True,
)


@app.command("list")
def list_facilities(
    country: Annotated[str | None, typer.Option(help="Host country, e.g. RU.")] = None,
    kind: Annotated[
        str | None, typer.Option(help="port, airfield, training_range or airspace.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
    geojson_out: Annotated[bool, typer.Option("--geojson", help="RFC 7946 GeoJSON.")] = False,
) -> None:
    """List facilities as a table (or JSON / GeoJSON)."""
    if json_out and geojson_out:
        raise typer.BadParameter("choose one of --json and --geojson")
    with transaction(write=False) as session:
        caller = acting_as(session, None)
        if geojson_out:
            print_json(service.feature_collection(session, caller, country, kind))
            return
        items = service.list_facilities(session, caller, country, kind)
    if json_out:
        print_json(items)
        return
    columns = ["id", "name", "kind", "host", "command", "capacity", "fuel", "open", "agreements"]
    print_table(f"Facilities ({len(items)})", columns, [_row(item) for item in items])


def _row(item: FacilityOut) -> tuple[Any, ...]:
    return (
        item.id,
        item.name,
        item.kind,
        item.country + (f"/{item.territory}" if item.territory else ""),
        item.command,
        _capacity(item.capacity),
        " ".join(item.fuel_grades),
        ", ".join(f"{s.opens}..{s.closes}" for s in item.seasons) or "all year",
        _agreements(item),
    )


def _capacity(capacity: CapacityOut) -> str:
    parts = []
    if capacity.berths is not None:
        parts.append(f"{capacity.berths} berths ≤{capacity.max_draught_m or 0:g} m")
    if capacity.aircraft_stands is not None:
        parts.append(f"{capacity.aircraft_stands} stands")
    if capacity.accommodation is not None:
        parts.append(f"{capacity.accommodation} beds")
    return ", ".join(parts)


def _agreements(item: FacilityOut) -> str:
    if item.third_country:
        return f"third country: {item.clearance_lead_days} d clearance"
    return " ".join(item.designated_by) or "-"


@app.command("show")
def show(facility_id: str) -> None:
    """Everything about one facility, as JSON."""
    with transaction(write=False) as session:
        print_json(service.get_facility(session, acting_as(session, None), facility_id))
