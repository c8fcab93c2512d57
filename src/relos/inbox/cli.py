"""`relos inbox`: what waits for a user, as the inbox page and GET /api/v1/inbox show it."""

from __future__ import annotations

from typing import Annotated

import typer

from relos.access.acting import acting_as
from relos.inbox import service
from relos.kit.clikit import print_json, print_table, transaction

app = typer.Typer(name="inbox", help="What waits for a user.", invoke_without_command=True)


@app.callback()
def inbox(
    as_user: Annotated[
        str | None, typer.Option("--as", help="Whose inbox (default: operator, every party).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The user's open items, soonest due first."""
    with transaction(write=False) as session:
        items = service.inbox(session, acting_as(session, as_user))
    if json_out:
        print_json(items)
        return
    rows = [(i.kind, i.reference, i.title, i.due or "") for i in items]
    print_table("Inbox", ["kind", "reference", "title", "due"], rows)
