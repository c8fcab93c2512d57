"""`relos users ...` and `relos token ...`"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from relos.access import service
from relos.kit.clikit import print_json, print_table, transaction

users = typer.Typer(name="users", help="Users of both parties.", no_args_is_help=True)
token = typer.Typer(name="token", help="Bearer tokens for scripts.", no_args_is_help=True)
apps = {"users": users, "token": token}


@users.command("add")
def add(
    name: str,
    party: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2 code of the user's party.")],
    role: Annotated[list[str], typer.Option(help="A role; repeat for several.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Add a user of one party with one or more roles."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with transaction() as session:
        user = service.add_user(session, name, party, role, password)
    typer.echo(f"added {user.name} ({user.party}; {', '.join(user.roles)})")


@users.command("list")
def list_users(json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List users."""
    with transaction(write=False) as session:
        rows = [
            (u.name, u.party, ",".join(u.roles), "yes" if u.active else "no")
            for u in service.list_users(session)
        ]
    if json_out:
        print_json([dict(zip(("name", "party", "roles", "active"), r, strict=True)) for r in rows])
        return
    print_table("Users", ["name", "party", "roles", "active"], rows)


@token.command("create")
def create(
    name: str, days: Annotated[int, typer.Option(help="Days until it expires.")] = 30
) -> None:
    """Print a new bearer token for a user (shown once; only a hash is kept)."""
    with transaction() as session:
        value = service.create_token(session, name, days)
    typer.echo(value)


@token.command("revoke")
def revoke(value: str) -> None:
    """Revoke a bearer token."""
    with transaction() as session:
        service.revoke_token(session, value)
    typer.echo("revoked")
