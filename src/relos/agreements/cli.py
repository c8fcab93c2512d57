"""`relos agreements ...`"""

from __future__ import annotations

from typing import Annotated

import typer

from relos.access.acting import acting_as
from relos.agreements import service
from relos.agreements.schemas import ConsentIn
from relos.kit.clikit import print_json, print_table, transaction

app = typer.Typer(
    name="agreements", help="Agreements, their terms and extension consents.", no_args_is_help=True
)
AsUser = Annotated[str | None, typer.Option("--as", help="Act as this user (default: operator).")]


@app.command("list")
def list_agreements(
    as_user: AsUser = None, json_out: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """List the agreements with parties, dates and caps."""
    with transaction(write=False) as session:
        items = service.list_agreements(session, acting_as(session, as_user))
    if json_out:
        print_json(items)
        return
    rows = [
        (
            a.id,
            a.short_name,
            "–".join(a.parties),
            a.signed,
            a.entry_into_force,
            a.in_force_until or "renews automatically",
            "/".join(str(v) for v in a.caps.values()) if a.caps else "no access",
        )
        for a in items
    ]
    print_table(
        "Agreements", ["id", "name", "parties", "signed", "in force", "until", "caps"], rows
    )


@app.command("show")
def show(agreement_id: str, as_user: AsUser = None) -> None:
    """Everything about one agreement, as JSON."""
    with transaction(write=False) as session:
        print_json(service.get_agreement(session, acting_as(session, as_user), agreement_id))


@app.command("consent")
def consent(
    agreement_id: str,
    party: Annotated[str, typer.Option(help="The consenting party, e.g. IN.")],
    extend_years: Annotated[int, typer.Option(help="Years to extend by.")],
    as_user: AsUser = None,
) -> None:
    """Record one party's consent to extend the term."""
    command = ConsentIn(party=party, extend_years=extend_years)
    with transaction() as session:
        result = service.record_consent(session, acting_as(session, as_user), agreement_id, command)
    typer.echo(f"{agreement_id}: in force until {result.in_force_until}")
