"""`relos plan distance | route | reach`: the planner from the command line."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError

from relos.access.acting import acting_as
from relos.kit.clikit import print_json, print_table, transaction
from relos.kit.errors import InvalidInput
from relos.planning import service
from relos.planning.api import air_route_query, depart_of, first_error, sea_distance_query
from relos.planning.schemas import ReachIn, RouteIn

C = TypeVar("C", bound=ReachIn)

app = typer.Typer(name="plan", help="Sea distances, route plans and reach.", no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Depart = Annotated[str | None, typer.Option(help="Departure, RFC 3339 (default: now).")]
Agreements = Annotated[
    list[str] | None, typer.Option("--agreement", "-a", help="Agreement id (repeatable).")
]
Close = Annotated[list[str] | None, typer.Option("--close", help="Close a passage by name.")]
Open = Annotated[list[str] | None, typer.Option("--open", help="Open a passage closed by default.")]
Reserve = Annotated[str, typer.Option(help="Fuel kept in hand, a fraction.")]
Speed = Annotated[float | None, typer.Option(help="Planning speed in knots.")]
AsUser = Annotated[str | None, typer.Option("--as", help="Act as this user (default: operator).")]


@app.command("distance")
def distance(
    origin: str,
    destination: str,
    depart: Depart = None,
    platform: Annotated[
        str | None, typer.Option(help="Apply this platform's passage law (flag, type, hull).")
    ] = None,
    speed: Speed = None,
    close: Close = None,
    open_: Open = None,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Sea distance FROM TO (facility id, UN/LOCODE or lon,lat), with the passages used."""
    query = sea_distance_query(
        origin, destination, depart, platform, speed, open_ or [], close or []
    )
    with transaction(write=False) as session:
        found = service.sea_distance(session, acting_as(session, as_user), query)
    out = found.model_dump(mode="json", by_alias=True)
    if json_out:
        print_json(out)
        return
    via = ", ".join(out["via"]) or "open sea"
    rows = [(out["from"], out["to"], f"{out['distance_nm']:,.1f}", via)]
    print_table("Sea distance", ["from", "to", "nm", "via"], rows)
    _print_law(out)


@app.command("air")
def air(
    platform: str,
    origin: str,
    destination: str,
    depart: Depart = None,
    speed: Speed = None,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Air route of PLATFORM (an aircraft) from ORIGIN to DESTINATION around closed airspace,
    with each overflight clearance and its deadline."""
    query = air_route_query(origin, destination, platform, depart, speed)
    with transaction(write=False) as session:
        found = service.air_distance(session, acting_as(session, as_user), query)
    out = found.model_dump(mode="json", by_alias=True)
    if json_out:
        print_json(out)
        return
    avoided = ", ".join(out["avoided"]) or "none"
    rows = [
        (
            out["from"],
            out["to"],
            f"{out['distance_nm']:,.1f}",
            f"{out['great_circle_nm']:,.1f}",
            avoided,
        )
    ]
    print_table("Air route", ["from", "to", "nm", "great circle nm", "closed to flag"], rows)
    for o in out["overflights"]:
        due = f", file by {o['file_by']}" if o["file_by"] else ""
        typer.echo(
            f"  overflight: {o['name']} ({o['state']}) {o['status']}, enter {o['enter']}{due}"
        )


@app.command("route")
def route(
    platform: str,
    origin: str,
    destination: str,
    depart: Depart = None,
    agreement: Agreements = None,
    objective: Annotated[str, typer.Option(help="distance, time, cost or stops")] = "distance",
    reserve: Reserve = "0.15",
    speed: Speed = None,
    close: Close = None,
    open_: Open = None,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Plan PLATFORM from ORIGIN to DESTINATION with refuel stops, against the baseline."""
    body = _body(platform, origin, depart, agreement, reserve, speed, close, open_)
    body |= {"destination": destination, "objective": objective}
    command = _command(RouteIn, body)
    with transaction(write=False) as session:
        plan = service.plan_route(session, acting_as(session, as_user), command)
    result = plan.model_dump(mode="json", by_alias=True)
    if json_out:
        print_json(result)
        return
    _print_plan("Plan", result)
    _print_plan("Baseline (without the agreements)", result["baseline"])
    for c in result["contributions"]:
        w = c["without"]
        shown = f"{w['distance_nm']:,.0f} nm, {w['days']} days" if w["feasible"] else "not feasible"
        typer.echo(f"without {c['agreement']}: {shown}")
    for warning in result["warnings"]:
        typer.echo(f"warning: {warning}")


@app.command("reach")
def reach(
    platform: str,
    origin: str,
    depart: Depart = None,
    agreement: Agreements = None,
    reserve: Reserve = "0.15",
    speed: Speed = None,
    close: Close = None,
    open_: Open = None,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Facilities PLATFORM can reach from ORIGIN, with and without the agreements."""
    body = _body(platform, origin, depart, agreement, reserve, speed, close, open_)
    command = _command(ReachIn, body)
    with transaction(write=False) as session:
        reached = service.plan_reach(session, acting_as(session, as_user), command)
    result = reached.model_dump(mode="json", by_alias=True)
    if json_out:
        print_json(result)
        return
    gained = set(result["gained"])
    rows = [
        (
            r["facility"],
            r["name"],
            r["access"],
            f"{r['distance_nm']:,.0f}",
            r["days"],
            r["stops"],
            "yes" if r["facility"] in gained else "",
        )
        for r in result["reachable"]
    ]
    title = f"Reach of {result['platform']} from {result['origin']} ({len(rows)} facilities)"
    print_table(title, ["facility", "name", "access", "nm", "days", "stops", "gained"], rows)
    typer.echo(f"baseline without the agreements: {len(result['baseline']['reachable'])}")


def _command(schema: type[C], body: dict[str, Any]) -> C:
    """The same command the API validates; a bad field is one line, not a traceback."""
    try:
        return schema.model_validate(body)
    except ValidationError as exc:
        raise InvalidInput(first_error(exc)) from None


def _depart(depart: str | None) -> datetime:
    return depart_of(depart)


def _body(
    platform: str,
    origin: str,
    depart: str | None,
    agreement: list[str] | None,
    reserve: str,
    speed: float | None,
    close: list[str] | None,
    open_: list[str] | None,
) -> dict[str, Any]:
    try:
        fraction = Decimal(reserve)
    except InvalidOperation:
        raise InvalidInput(f"reserve: {reserve!r} is not a fraction") from None
    return {
        "platform": platform,
        "origin": origin,
        "depart": _depart(depart),
        "agreements": agreement or [],
        "reserve": fraction,
        "speed_kn": speed,
        "closed_passages": close or [],
        "open_passages": open_ or [],
    }


def _print_plan(title: str, plan: dict[str, Any]) -> None:
    if not plan["feasible"]:
        typer.echo(f"{title}: not feasible: {plan['reason']}")
        return
    rows = [
        (
            leg["from"],
            leg["to"],
            f"{leg['distance_nm']:,.0f}",
            leg["hours"],
            leg["arrive"],
            "refuel" if leg["refuel"] else "",
        )
        for leg in plan["legs"]
    ]
    print_table(title, ["from", "to", "nm", "hours", "arrive", ""], rows)
    typer.echo(
        f"{title}: {plan['distance_nm']:,.0f} nm, {plan['days']} days, {len(plan['stops'])} stops, "
        f"{plan['fuel_t']:,.0f} t fuel, "
        f"cost {plan['cost']} {plan['currency']} ({plan['cost_source']})"
    )
    _print_law(plan)


def _print_law(plan: dict[str, Any]) -> None:
    for n in plan["notices"]:
        typer.echo(
            f"  notice: {n['facility']} {n['days']} days ({n['reason']}), file by {n['file_by']}"
        )
    for c in plan.get("conditions", []):
        typer.echo(f"  condition: {c}")
    for r in plan.get("risks", []):
        typer.echo(f"  risk: {r}")


@app.command("warm")
def warm() -> None:
    """Build the sea network cache, its contraction hierarchies and the airspace (at set-up)."""
    from time import perf_counter

    start = perf_counter()
    built, approaches = service.warm()
    typer.echo(
        f"planner cache ready: {built} hierarchies, {approaches} approach legs "
        f"in {perf_counter() - start:.1f} s"
    )


apps = {"plan": app}  # the command is `relos plan`, not the folder's name
