"""`relos node ...` (the node's identity) and `relos log ...` (its signed logs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from relos.access.acting import acting_as
from relos.kit.clikit import print_json, print_table, transaction
from relos.kit.errors import InvalidInput
from relos.tlog import service, verify_service
from relos.tlog.node import discard_staged, promote_key, session_key_path

node_app = typer.Typer(
    name="node", help="This node's identity and signing key.", no_args_is_help=True
)
log_app = typer.Typer(name="log", help="The node's signed, verifiable logs.", no_args_is_help=True)
apps = {"node": node_app, "log": log_app}

AsUser = Annotated[str | None, typer.Option("--as", help="Act as this user (default: operator).")]
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@node_app.command("init")
def node_init(
    party: Annotated[str, typer.Option(help="The party this node serves, e.g. IN.")],
    as_user: AsUser = None,
) -> None:
    """Create the node's signing key (never replaces one) and print its verifier key.

    The key is made first, named after the party, so that the logs the database upgrade
    starts are already the party's (`relos.example/IN/...`); then the database is brought
    up to date and the party recorded.
    """
    from relos.kit.clikit import database
    from relos.kit.settings import Settings
    from relos.lifecycle import upgrade_database
    from relos.tlog.node import create_key, key_path, node_name

    code = party.upper()
    if len(code) != 2 or not code.isalpha():
        raise InvalidInput(f"party {party!r}: an ISO 3166-1 alpha-2 code such as IN")
    _, made = create_key(key_path(Settings.from_env().data_dir), node_name(code))
    upgrade_database(database())
    with transaction() as session:
        shown = service.init_node(session, acting_as(session, as_user), code)
    state = "created its key" if made else "kept the existing key"
    typer.echo(f"node {shown.party}: {state}")
    typer.echo(shown.verifier_key)


@node_app.command("show")
def node_show(as_user: AsUser = None, json_out: JsonOut = False) -> None:
    """Party, key name, verifier key and each log's size and root."""
    with transaction(write=False) as session:
        shown = service.show_node(session, acting_as(session, as_user))
    if json_out:
        print_json(shown)
        return
    typer.echo(f"party: {shown.party or '(single node)'}")
    typer.echo(f"key: {shown.verifier_key or '(none yet)'}")
    rows = [(log.origin, log.size, log.root) for log in shown.logs]
    print_table("Logs", ["origin", "size", "root"], rows)


@node_app.command("rotate-key")
def node_rotate_key(as_user: AsUser = None) -> None:
    """Replace the signing key; every log announces the new key, signed by both keys."""
    path: Path | None = None
    try:
        with transaction() as session:
            path = session_key_path(session)
            rotated = service.rotate_key(session, acting_as(session, as_user))
    except BaseException:
        if path is not None:
            discard_staged(path)
        raise
    # Committed: from now on the node signs with the new key only.
    promote_key(session_key_path(session))
    typer.echo(f"revoked {rotated.old}")
    typer.echo(f"new key {rotated.new} (announced in {rotated.logs} logs)")


@log_app.command("verify")
def log_verify(
    log: Annotated[str | None, typer.Option("--log", help="Only the log of this origin.")] = None,
    checkpoint: Annotated[
        list[Path] | None,
        typer.Option("--checkpoint", help="A checkpoint saved earlier (repeatable)."),
    ] = None,
    verifier_key: Annotated[
        list[str] | None,
        typer.Option("--verifier-key", help="Trust this key (vkey form) instead of the node's."),
    ] = None,
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Check every signature, recompute every tree, check every checkpoint; exit 1 if any fails."""
    files = []
    for item in checkpoint or []:
        try:
            files.append((str(item), item.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"checkpoint {item}: cannot read it ({exc})") from exc
    with transaction(write=False) as session:
        verdict = verify_service.verify(
            session, acting_as(session, as_user), log, files, verifier_key or []
        )
    if json_out:
        print_json(verify_service.describe(verdict))
    else:
        for report in verdict.reports:
            typer.echo(
                f"ok {report.origin}: {report.size} entries, {report.checkpoints} checkpoints hold"
            )
        if verdict.problem is not None:
            typer.echo(f"broken: {verdict.problem}")
        else:
            typer.echo(f"signed logs whole: {len(verdict.reports)} logs")
    if not verdict.whole:
        raise typer.Exit(1)


@log_app.command("checkpoint")
def log_checkpoint(
    log: Annotated[str, typer.Option("--log", help="The origin of the log.")],
    as_user: AsUser = None,
) -> None:
    """Print the latest signed checkpoint of a log (keep it somewhere else, check later)."""
    with transaction(write=False) as session:
        text = service.latest_checkpoint(session, acting_as(session, as_user), log)
    typer.echo(text, nl=False)
