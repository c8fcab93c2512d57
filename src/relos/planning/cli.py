"""`relos plan distance | route | reach`: the planner from the command line."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from relos.kit.clikit import acting_as, print_json, print_table, transaction
from relos.kit.timeutil import parse_instant, utcnow
from relos.planning import service

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
    kind: Annotated[str, typer.Option(help="warship or merchant")] = "warship",
    speed: Speed = None,
    close: Close = None,
    open_: Open = None,
    json_out: Json = False,
) -> None:
    """Sea distance FROM TO (facility id, UN/LOCODE or lon,lat), with the passages used."""
    when = parse_instant(depart, "depart") if depart else utcnow()
    with transaction(write=False) as session:
        caller = acting_as(session, None)
    found = service.sea_distance(
        caller, origin, destination, when, kind, speed, tuple(open_ or ()), tuple(close or ())
    )
    if json_out:
        print_json(found)
        return
    via = ", ".join(found["via"]) or "open sea"
    rows = [(found["from"], found["to"], f"{found['distance_nm']:,.1f}", via)]
    print_table("Sea distance", ["from", "to", "nm", "via"], rows)


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
    with transaction(write=False) as session:
        result = service.plan_route(session, acting_as(session, as_user), body)
    if json_out:
        print_json(result)
        return
    _print_plan("Plan", result)
    _print_plan("Baseline (without the agreements)", result["baseline"])
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
    with transaction(write=False) as session:
        result = service.plan_reach(session, acting_as(session, as_user), body)
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
        fraction = float(reserve)
    except ValueError:
        fraction = -1.0  # the service refuses it with the usual message
    return {
        "platform": platform,
        "origin": origin,
        "depart": parse_instant(depart, "depart") if depart else utcnow(),
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
    for n in plan["notices"]:
        typer.echo(
            f"  notice: {n['facility']} {n['days']} days ({n['reason']}), file by {n['file_by']}"
        )


apps = {"plan": app}  # the command is `relos plan`, not the folder's name
