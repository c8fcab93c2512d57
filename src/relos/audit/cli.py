"""`relos audit ...`: read and verify the audit trail."""

from __future__ import annotations

from typing import Annotated

import typer

from relos.access.acting import acting_as
from relos.audit import service, verify
from relos.kit import cli_listing as listing
from relos.kit.clikit import print_json, print_table, transaction
from relos.kit.errors import InvalidInput
from relos.kit.timeutil import parse_instant

app = typer.Typer(name="audit", help="The hash-chained audit trail.", no_args_is_help=True)
AsUser = Annotated[str | None, typer.Option("--as", help="Act as this user (default: operator).")]


def _anchor(text: str | None) -> verify.Anchor | None:
    if text is None:
        return None
    try:
        return verify.Anchor.parse(text)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc


@app.command("verify")
def verify_command(
    anchor: Annotated[
        str | None,
        typer.Option(help="ID:HASH printed by an earlier run; that entry must still be there."),
    ] = None,
    as_user: AsUser = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check every link of the chain; exit 1 and name the first broken entry if any."""
    expected = _anchor(anchor)
    with transaction(write=False) as session:
        verdict = verify.verify(session, acting_as(session, as_user), expected)
    if json_out:
        print_json(verify.describe(verdict))
    elif verdict.broken is not None:
        at = "" if verdict.broken.entry_id is None else f" at entry {verdict.broken.entry_id}"
        typer.echo(f"broken{at}: {verdict.broken.reason}")
        typer.echo(f"the {verdict.entries} entries before it are whole")
    else:
        head = f"{verdict.head.id}:{verdict.head.hash}" if verdict.head else "none (empty)"
        typer.echo(f"audit chain whole: {verdict.entries} entries; head {head}")
        typer.echo("signed logs whole: every entry signed by the node key, every checkpoint holds")
    if not verdict.whole:
        raise typer.Exit(1)


@app.command("list")
def list_entries(
    since: Annotated[str | None, typer.Option(help="RFC 3339 time.")] = None,
    party: Annotated[str | None, typer.Option(help="Entries concerning this party.")] = None,
    q: listing.Q = None,
    sort: listing.Sort = None,
    start: listing.From = None,
    end: listing.To = None,
    limit: Annotated[int, typer.Option(help="At most this many entries.")] = service.MAX_PAGE,
    offset: listing.Offset = 0,
    as_user: AsUser = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Entries, oldest first (a party's auditor sees their party's records only): the
    filters of the web list (`--q` searches the event type, actor, record type and id)."""
    begin = None if since is None else parse_instant(since, "since")
    filters = listing.list_filter(q, sort, None, start, end)
    with transaction(write=False) as session:
        items = service.list_entries(
            session,
            acting_as(session, as_user),
            begin,
            limit=limit,
            filters=filters,
            party=party,
            offset=offset,
        )
    if json_out:
        print_json(items)
        return
    rows = [(e.id, e.at, e.actor, e.action, f"{e.record_type} {e.record_id}") for e in items]
    print_table("Audit trail", ["id", "at", "actor", "action", "record"], rows)
