"""`relos peer ...`, `relos sync` and `relos bundle ...`: the node's partners."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from relos.access.acting import acting_as
from relos.federation import arrival
from relos.federation.schemas import StatementPairOut
from relos.kit.clikit import database, print_json, print_table, transaction
from relos.kit.errors import InvalidInput

peer_app = typer.Typer(name="peer", help="Partner nodes: pin, list, status.", no_args_is_help=True)
bundle_app = typer.Typer(
    name="bundle", help="Carry entries across an air gap.", no_args_is_help=True
)
sync_app = typer.Typer(name="sync", help="Pull, verify, judge, apply and acknowledge.")
apps = {"peer": peer_app, "bundle": bundle_app, "sync": sync_app}

AsUser = Annotated[str | None, typer.Option("--as", help="Act as this user (default: operator).")]
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@peer_app.command("add")
def peer_add(
    party: Annotated[str, typer.Argument(help="The partner's party, e.g. RU.")],
    url: Annotated[str, typer.Option(help="The partner node's base URL.")],
    verifier_key: Annotated[str, typer.Option("--verifier-key", help="Its node key (vkey form).")],
    as_user: AsUser = None,
) -> None:
    """Pin a partner node's key and address."""
    from relos.federation.service import add_peer

    with transaction() as session:
        added = add_peer(session, acting_as(session, as_user), party, url, verifier_key)
    typer.echo(f"peer {added.party} at {added.url} pinned")


@peer_app.command("list")
def peer_list(as_user: AsUser = None, json_out: JsonOut = False) -> None:
    """The pinned partner nodes."""
    from relos.federation.service import list_peers

    with transaction(write=False) as session:
        found = list_peers(session, acting_as(session, as_user))
    if json_out:
        print_json(found)
        return
    print_table(
        "Peers", ["party", "url", "verifier key"], [(p.party, p.url, p.verifier_key) for p in found]
    )


@peer_app.command("status")
def peer_status(as_user: AsUser = None, json_out: JsonOut = False) -> None:
    """Per peer: their size, applied, lag, co-signed, unacknowledged, incidents; exit 1 while
    any incident is open."""
    from relos.federation.service import any_open, status

    with transaction(write=False) as session:
        found = status(session, acting_as(session, as_user))
    if json_out:
        print_json(found)
    else:
        rows = [
            (
                s.party,
                s.their_size,
                s.applied,
                s.lag,
                s.unacknowledged,
                len(s.incidents),
            )
            for s in found
        ]
        print_table(
            "Peers", ["party", "their size", "applied", "lag", "unacked", "incidents"], rows
        )
        for s in found:
            for i in s.incidents:
                typer.echo(f"incident {i.id} ({s.party}, {i.kind}): {i.detail}")
            for item in s.statements:
                typer.echo(f"statement {s.party} {item.agreement}: {_stated(item)}")
    if any_open(found):
        raise typer.Exit(1)


def _stated(item: StatementPairOut) -> str:
    last, agreed = item.last, item.last_agreed
    if last is None:
        return "none yet"
    said = f"last {last.outcome} at facts {last.facts}"
    if agreed is not None and last.outcome != "agreed":
        said += f"; last agreed at facts {agreed.facts} ({agreed.recorded_at})"
    return said


@peer_app.command("attest")
def peer_attest(
    party: Annotated[
        str | None, typer.Argument(help="Only this peer (default: every peer).")
    ] = None,
) -> None:
    """Sign a statement of the derived state (facts held, cap use, ledger balances) of each
    agreement shared with the peer; the peer answers with its own at its next sync."""
    from relos.federation.attest import attest_peer
    from relos.federation.sync import peers

    db = database()
    for peer in peers(db, party):
        made = attest_peer(db, peer.party, force=True)
        typer.echo(f"{peer.party}: statement signed for {', '.join(made) or 'no agreement'}")


def _report(party: str, result: arrival.Outcome | str) -> bool:
    if isinstance(result, str):
        typer.echo(f"{party}: not synced: {result}")
        return False
    typer.echo(
        f"{party}: {result.received} received, {result.applied} applied, "
        f"{result.rejected} rejected, {len(result.incidents)} incidents"
    )
    for found in result.incidents:
        typer.echo(f"  incident {found}")
    return not result.incidents


@sync_app.callback(invoke_without_command=True)
def sync(
    peer: Annotated[str | None, typer.Option("--peer", help="Only this peer.")] = None,
) -> None:
    """Pull each peer's new entries and checkpoint, verify, judge, apply, acknowledge.

    Exit 0 when nothing failed, 1 when a peer could not be synced or an incident was
    recorded."""
    from relos.federation.sync import sync as run

    results = run(database(), peer)
    ok = all([_report(party, result) for party, result in results.items()])
    if not ok:
        raise typer.Exit(1)


@bundle_app.command("export")
def bundle_export(
    peer: Annotated[str, typer.Option("--peer", help="The partner it is for.")],
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
) -> None:
    """Write every entry the peer has not judged, with checkpoints and proofs, signed."""
    from relos.federation.bundle import export

    with transaction() as session:
        data = export(session, peer.upper())
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"{out}: cannot write it ({exc})") from exc
    typer.echo(f"wrote {out} ({len(data)} bytes)")


@bundle_app.command("import")
def bundle_import(file: Annotated[Path, typer.Argument(help="A bundle from a peer.")]) -> None:
    """Verify a whole bundle and apply it as sync would (importing twice changes nothing)."""
    from relos.federation.bundle import import_bundle

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{file}: cannot read it ({exc})") from exc
    try:
        result = import_bundle(database(), data)
    except arrival.Damaged as exc:
        raise InvalidInput(f"{file}: refused whole: {exc}") from exc
    if not _report("bundle", result):
        raise typer.Exit(1)


@peer_app.command("demo")
def peer_demo(
    folder: Annotated[Path, typer.Option(help="Where the two nodes keep their data.")] = Path(
        "var/two-nodes"
    ),
    in_port: Annotated[int, typer.Option(help="India's node.")] = 8000,
    ru_port: Annotated[int, typer.Option(help="Russia's node.")] = 8001,
    in_database: Annotated[str | None, typer.Option(help="India's database URL.")] = None,
    ru_database: Annotated[str | None, typer.Option(help="Russia's database URL.")] = None,
    sync_every: Annotated[float, typer.Option(help="Seconds between syncs.")] = 5.0,
) -> None:
    """Start two demo nodes (India and Russia), each with its own database, already peered."""
    from relos.access.demo import DEMO_PASSWORD
    from relos.federation import twonodes

    india = twonodes.prepare("IN", in_port, folder / "in", in_database)
    russia = twonodes.prepare("RU", ru_port, folder / "ru", ru_database)
    twonodes.pair(india, russia)
    running = [twonodes.serve(node, sync_every) for node in (india, russia)]
    for node in (india, russia):
        typer.echo(
            f"{node.party} node: {node.url}/  (logins {node.party.lower()}-*, "
            f"password {DEMO_PASSWORD}; database {node.database_url})"
        )
    try:
        for process in running:
            process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for process in running:
            process.terminate()
        for process in running:
            process.wait(timeout=30)
