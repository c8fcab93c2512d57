"""Every CLI command, found from the command tree, can act as a user through the policy.

A command that reads or changes a party's records takes `--as USER` and hands the service
that user's principal, so the console is held to the same rules as the API. Commands that
touch no party's records are listed below with the reason; a new command missing from both
fails this test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from typer.main import get_command

from relos import cli

NO_PARTY_RECORDS = {
    "serve": "starts the server",
    "db upgrade": "schema and shipped reference data",
    "db replay": "rebuilds the read tables from the event log, as the operator",
    "db backup": "the whole database, as the operator",
    "db restore": "the whole database, as the operator",
    "plan warm": "builds the sea network cache, no records",
    "demo load": "the demo data set, as the operator",
    "users permissions": "prints the policy table",
    "facilities list": "public reference data",
    "facilities show": "public reference data",
    "platforms list": "public reference data",
    "platforms show": "public reference data",
    "prices list": "published price lists",
    "plan distance": "sea distance between two points, no records",
    "ledger reconcile": "compares two export files, no database",
    "peer demo": "starts two demo nodes",
    "bundle export": "the node itself writes its signed logs for a pinned peer node",
    "bundle import": "the node itself judges a pinned peer node's signed entries",
    "peer attest": "the node itself signs a statement of the state it derived",
}


def commands(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from commands(sub, (*prefix, name))
    else:
        yield " ".join(prefix), command


def test_every_command_can_act_as_a_user() -> None:
    cli._register_features()
    found = dict(commands(get_command(cli.app)))
    assert "audit verify" in found and "token revoke" in found
    without = {
        name
        for name, command in found.items()
        if "--as" not in [opt for param in command.params for opt in getattr(param, "opts", [])]
    }
    assert without <= set(NO_PARTY_RECORDS), sorted(without - set(NO_PARTY_RECORDS))
    stale = set(NO_PARTY_RECORDS) - set(found)
    assert not stale, f"no such commands any more: {sorted(stale)}"
