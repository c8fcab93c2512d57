"""`relos users ...` and `relos token ...`

Each command acts as the operator unless `--as USER` names a user, and goes through the same
policy as the API (`users.manage`; a party's admin manages only their own party's users).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from relos.access import repository, service
from relos.access.acting import acting_as
from relos.access.domain import Principal
from relos.access.policy import permission_table, require, require_visible, scope
from relos.access.schemas import IssueToken, NewUser, RevokeToken, SetActive, SetPassword
from relos.kit.clikit import print_json, print_table, transaction

users = typer.Typer(name="users", help="Users of both parties.", no_args_is_help=True)
token = typer.Typer(name="token", help="Bearer tokens for scripts.", no_args_is_help=True)
apps = {"users": users, "token": token}
AsUser = Annotated[str | None, typer.Option("--as", help="Act as this user (default: operator).")]


def _manager(session: Session, as_user: str | None, *parties: str) -> Principal:
    actor = acting_as(session, as_user)
    require(actor, "users.manage")
    require_visible(actor, parties, "such user")
    return actor


def _party_of(session: Session, name: str) -> str:
    user = repository.user_by_name(session, name)
    return user.party if user else ""


def _read_password() -> str:
    return sys.stdin.readline().rstrip("\n")


@users.command("add")
def add(
    name: str,
    party: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2 code of the user's party.")],
    role: Annotated[list[str], typer.Option(help="A role; repeat for several.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
    as_user: AsUser = None,
) -> None:
    """Add a user of one party with one or more roles."""
    password = _read_password() if password_stdin else None
    with transaction() as session:
        actor = _manager(session, as_user, party)
        command = NewUser(name=name, party=party, roles=tuple(role), password=password)
        user = service.add_user(session, command, actor)
    typer.echo(f"added {user.name} ({user.party}; {', '.join(user.roles)})")


@users.command("list")
def list_users(
    as_user: AsUser = None, json_out: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """List users (a party's admin sees their own party's)."""
    with transaction(write=False) as session:
        actor = acting_as(session, as_user)
        require(actor, "users.manage")
        users = service.list_users(session, scope(actor))
    if json_out:
        print_json(users)
        return
    rows = [(u.name, u.party, ",".join(u.roles), "yes" if u.active else "no") for u in users]
    print_table("Users", ["name", "party", "roles", "active"], rows)


@users.command("permissions")
def permissions() -> None:
    """Print the permission table (Markdown; docs/security.md embeds it)."""
    typer.echo(permission_table())


@users.command("disable")
def disable(name: str, as_user: AsUser = None) -> None:
    """Disable a user: their tokens and sessions stop working at once."""
    with transaction() as session:
        actor = _manager(session, as_user, _party_of(session, name))
        service.set_active(session, SetActive(name=name, active=False), actor)
    typer.echo(f"disabled {name}")


@users.command("enable")
def enable(name: str, as_user: AsUser = None) -> None:
    """Enable a disabled user again."""
    with transaction() as session:
        actor = _manager(session, as_user, _party_of(session, name))
        service.set_active(session, SetActive(name=name, active=True), actor)
    typer.echo(f"enabled {name}")


@users.command("password")
def password(name: str, as_user: AsUser = None) -> None:
    """Set a user's password, read from the first line of stdin (never an argument)."""
    value = _read_password()
    with transaction() as session:
        actor = _manager(session, as_user, _party_of(session, name))
        service.set_password(session, SetPassword(name=name, password=value), actor)
    typer.echo(f"password set for {name}")


@token.command("create")
def create(
    name: str,
    days: Annotated[int, typer.Option(help="Days until it expires.")] = 30,
    as_user: AsUser = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Print a new bearer token for a user (shown once; only a hash is kept)."""
    with transaction() as session:
        actor = _manager(session, as_user, _party_of(session, name))
        issued = service.create_token(session, IssueToken(name=name, days=days), actor)
    if json_out:
        print_json(issued)
        return
    typer.echo(issued.token)


@token.command("list")
def list_tokens(
    name: str, as_user: AsUser = None, json_out: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """A user's tokens: id, public prefix, dates and state (never the value)."""
    with transaction(write=False) as session:
        _manager(session, as_user, _party_of(session, name))
        items = service.list_tokens(session, name)
    if json_out:
        print_json(items)
        return
    columns = ["id", "prefix", "created_at", "expires_at", "revoked_at", "state"]
    print_table(f"Tokens of {name}", columns, [[getattr(i, c) for c in columns] for i in items])


@token.command("revoke")
def revoke(
    value: Annotated[str | None, typer.Argument(help="The token itself.")] = None,
    token_id: Annotated[int | None, typer.Option("--id", help="Or its id (token list).")] = None,
    as_user: AsUser = None,
) -> None:
    """Revoke a bearer token, given its value or its id."""
    if (value is None) == (token_id is None):
        raise typer.BadParameter("give the token or --id, not both")
    with transaction() as session:
        actor = acting_as(session, as_user)
        require(actor, "users.manage")
        service.revoke_token(session, RevokeToken(token=value, id=token_id), actor)
    typer.echo("revoked")
