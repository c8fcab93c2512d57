"""`relos ledger ...`: balances, overdue, statements, exports and reconciliation."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from relos.access.acting import acting_as
from relos.kit import cli_listing as listing
from relos.kit.clikit import print_json, print_table, transaction
from relos.kit.errors import InvalidInput
from relos.kit.timeutil import utcnow
from relos.logistics.ledger import service as ledger_service
from relos.logistics.reconcile import Export, Reconciliation, reconcile
from relos.logistics.statements import formats
from relos.logistics.statements import service as statements

ledger = typer.Typer(name="ledger", help="The reimbursement ledger.", no_args_is_help=True)

AsUser = Annotated[str | None, typer.Option("--as", help="Act as this user (default: operator).")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def day(value: str, option: str) -> date:
    """A YYYY-MM-DD option as a date, or a one-line error naming the option."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise InvalidInput(f"cannot read {path}: {reason}") from None


@ledger.command("balances")
def balances(
    agreement: Annotated[str | None, typer.Option()] = None,
    currency: Annotated[str | None, typer.Option(help="Reporting currency.")] = None,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """What each debtor owes each creditor."""
    with transaction(write=False) as session:
        rows = ledger_service.balances(session, acting_as(session, as_user), agreement, currency)
    if json_out:
        print_json([r.model_dump(mode="json", exclude_none=True) for r in rows])
        return
    columns = ["agreement", "creditor", "debtor", "currency", "amount"]
    print_table("Balances", columns, [[getattr(r, c) for c in columns] for r in rows])


@ledger.command("entries")
def entries(
    agreement: Annotated[str | None, typer.Option(help="Agreement id.")] = None,
    party: Annotated[str | None, typer.Option(help="Creditor or debtor.")] = None,
    order: Annotated[str | None, typer.Option(help="Support order id.")] = None,
    q: listing.Q = None,
    sort: listing.Sort = None,
    facility: listing.Facility = None,
    start: listing.From = None,
    end: listing.To = None,
    limit: listing.Limit = None,
    offset: listing.Offset = 0,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Ledger postings: the filters of the web list (`--q` searches the posting, order
    reference and memo; `--from`/`--to` bound the booking day)."""
    filters = listing.list_filter(q, sort, facility, start, end)
    with transaction(write=False) as session:
        found = ledger_service.entries(
            session,
            acting_as(session, as_user),
            agreement=agreement,
            order=order,
            limit=limit or listing.MAX_LIMIT,
            offset=offset,
            filters=filters,
            party=party,
        )
    if json_out:
        print_json([p.model_dump(mode="json") for p in found])
        return
    columns = ["booked_on", "ref", "kind", "order_reference", "creditor", "debtor", "amount"]
    rows = [[getattr(p, c) for c in columns[:-1]] + [f"{p.amount} {p.currency}"] for p in found]
    print_table(f"Ledger entries ({len(found)})", columns, rows)


@ledger.command("overdue")
def overdue(
    as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: today).")] = None,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Amounts past their settlement deadline."""
    on = day(as_of, "--as-of") if as_of else utcnow().date()
    with transaction(write=False) as session:
        rows = statements.overdue(session, acting_as(session, as_user), on)
    if json_out:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    columns = ["order", "creditor", "debtor", "currency", "amount", "due_on", "days_overdue"]
    print_table(f"Overdue as of {on}", columns, [[getattr(r, c) for c in columns] for r in rows])


@ledger.command("statement")
def statement(
    party: Annotated[str, typer.Option()],
    start: Annotated[str, typer.Option(help="First day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option(help="Day after the last, YYYY-MM-DD.")],
    csv_out: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write an XLSX file.")] = None,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Statement of account of one party for [start, end)."""
    first, after = day(start, "--start"), day(end, "--end")
    with transaction(write=False) as session:
        result = statements.statement(session, acting_as(session, as_user), party, first, after)
    if xlsx:
        xlsx.write_bytes(formats.statement_xlsx(result))
        typer.echo(f"statement of {party} written to {xlsx}")
        return
    if csv_out:
        typer.echo(formats.statement_csv(result), nl=False)
        return
    body = formats.statement_out(result)
    if json_out:
        print_json(body.model_dump(mode="json"))
        return
    columns = ["booked_on", "ref", "kind", "counterparty", "side", "amount", "currency", "balance"]
    print_table(
        f"Statement of {party}, {start} to {end}",
        columns,
        [[getattr(r, c) for c in columns] for r in body.lines],
    )
    for position in body.closing:
        typer.echo(f"closing with {position.counterparty}: {position.amount} {position.currency}")


@ledger.command("export")
def export(
    party: Annotated[str, typer.Option()],
    out: Annotated[Path, typer.Option(help="File to write the export to.")],
    as_user: AsUser = None,
) -> None:
    """Write the party's ledger export for bilateral reconciliation."""
    with transaction(write=False) as session:
        exported = statements.export_for(session, acting_as(session, as_user), party)
    out.write_text(exported.to_json(), encoding="utf-8")
    typer.echo(f"{len(exported.records)} records of {party} written to {out}")


def _exports(ours: Path | None, theirs: Path | None, peer: str | None) -> tuple[Export, Export]:
    if peer is not None:
        if ours is not None or theirs is not None:
            raise InvalidInput("give two exports or --peer, not both")
        from relos.federation.peer_ledger import exports

        with transaction(write=False) as session:
            return exports(session, peer)
    if ours is None or theirs is None:
        raise InvalidInput("give two exports (OURS THEIRS) or --peer PARTY")
    return Export.from_json(read(ours)), Export.from_json(read(theirs))


def _report(result: Reconciliation) -> None:
    typer.echo(f"matched: {len(result.matched)}")
    for title, records in (
        ("missing on ours", result.missing_on_ours),
        ("missing on theirs", result.missing_on_theirs),
    ):
        typer.echo(f"{title}: {len(records)}")
        for r in records:
            typer.echo(
                f"  {r.ref} {r.kind} {r.date} {r.amount} {r.currency} {r.creditor}←{r.debtor}"
            )
    typer.echo(f"mismatched: {len(result.mismatched)}")
    for m in result.mismatched:
        changes = ", ".join(
            f"{f}: ours {m.ours.to_dict()[f]} / theirs {m.theirs.to_dict()[f]}" for f in m.fields
        )
        typer.echo(f"  {m.ref} {changes}")


@ledger.command("reconcile")
def reconcile_exports(
    ours: Annotated[Path | None, typer.Argument(help="Our export.")] = None,
    theirs: Annotated[Path | None, typer.Argument(help="Their export.")] = None,
    peer: Annotated[
        str | None,
        typer.Option(help="Compare this node's ledger with the one the peer's entries give."),
    ] = None,
    json_out: Json = False,
) -> None:
    """Compare two exports, or this node's ledger with a peer's; exit 0 only when nothing
    differs."""
    result = reconcile(*_exports(ours, theirs, peer))
    if json_out:
        print_json(
            {
                "matched": result.matched,
                "missing_on_ours": [r.to_dict() for r in result.missing_on_ours],
                "missing_on_theirs": [r.to_dict() for r in result.missing_on_theirs],
                "mismatched": [
                    {
                        "ref": m.ref,
                        "fields": list(m.fields),
                        "ours": m.ours.to_dict(),
                        "theirs": m.theirs.to_dict(),
                    }
                    for m in result.mismatched
                ],
            }
        )
    else:
        _report(result)
    if not result.clean:
        raise typer.Exit(code=1)
