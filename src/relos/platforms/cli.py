"""`relos platforms ...`"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from relos.access.acting import acting_as
from relos.kit.clikit import print_json, print_table, transaction
from relos.platforms import service
from relos.platforms.schemas import PlatformOut

app = typer.Typer(
    name="platforms",
    help="Ship classes and aircraft types the planner moves.",
    no_args_is_help=True,
)


@app.command("list")
def list_platforms(
    party: Annotated[str | None, typer.Option(help="Operating party, e.g. IN.")] = None,
    kind: Annotated[str | None, typer.Option(help="warship or aircraft.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """List platforms with their range and speed figures."""
    with transaction(write=False) as session:
        items = service.list_platforms(session, acting_as(session, None), party, kind)
    if json_out:
        print_json(items)
        return
    columns = ["id", "name", "kind", "party", "range", "max kn", "draught m", "crew", "guessed"]
    print_table(f"Platforms ({len(items)})", columns, [_row(item) for item in items])


def _row(item: PlatformOut) -> tuple[Any, ...]:
    return (
        item.id,
        item.name,
        item.kind,
        item.party,
        _range(item),
        _number(item.max_speed_kn),
        _number(item.draught_m),
        item.crew,
        ", ".join(item.illustrative),
    )


def _range(item: PlatformOut) -> str:
    if item.range_points:
        return "; ".join(f"{p.range_nm:,.0f} nm @ {p.speed_kn:g} kn" for p in item.range_points)
    return f"{item.ferry_range_km or 0:,.0f} km ferry @ {item.cruise_speed_kn or 0:g} kn"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@app.command("show")
def show(platform_id: str) -> None:
    """Everything about one platform, as JSON."""
    with transaction(write=False) as session:
        print_json(service.get_platform(session, acting_as(session, None), platform_id))
