"""`relos prices ...`, `relos logistics ...`, `relos ledger ...` and `relos rates ...`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from relos.kit.clikit import acting_as, print_json, print_table, transaction
from relos.kit.errors import InvalidInput
from relos.kit.timeutil import parse_instant, utcnow
from relos.logistics import ledger_service, service, settlements
from relos.logistics.reconcile import Export, Reconciliation, reconcile

prices = typer.Typer(
    name="prices", help="Price lists of the supplying parties.", no_args_is_help=True
)
logistics = typer.Typer(
    name="logistics", help="Support orders: raise, sign, deliver, settle.", no_args_is_help=True
)
ledger = typer.Typer(name="ledger", help="The reimbursement ledger.", no_args_is_help=True)
rates = typer.Typer(
    name="rates", help="Exchange rates for the reporting currency.", no_args_is_help=True
)
apps = {"prices": prices, "logistics": logistics, "ledger": ledger, "rates": rates}

AsUser = Annotated[str | None, typer.Option("--as", help="Act as this user (default: operator).")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None


def _pairs(values: list[str], what: str) -> list[dict[str, str]]:
    """LINE=QUANTITY options as [{"line", "quantity"}]."""
    pairs = []
    for value in values:
        line, _, quantity = value.partition("=")
        if not line.isdigit() or not quantity:
            raise InvalidInput(f"{what} {value!r}: write LINE=QUANTITY, e.g. 0=200")
        pairs.append({"line": line, "quantity": quantity})
    return pairs


@prices.command("import")
def import_prices(file: Path, as_user: AsUser = None) -> None:
    """Import a price list CSV (supplying_party,facility,item,category,unit,unit_price,...)."""
    with transaction() as session:
        result = service.import_prices_csv(session, acting_as(session, as_user), _read(file))
    typer.echo(f"price lines imported: {result['imported']}, unchanged: {result['unchanged']}")


@prices.command("list")
def list_prices(
    supplier: Annotated[str | None, typer.Option()] = None, json_out: Json = False
) -> None:
    """List stored prices."""
    with transaction(write=False) as session:
        rows = service.list_prices(session, acting_as(session, None), supplier)
    if json_out:
        print_json(rows)
        return
    columns = [
        "supplying_party",
        "facility",
        "item",
        "unit",
        "unit_price",
        "currency",
        "valid_from",
        "valid_to",
    ]
    print_table("Prices", columns, [[r[c] for c in columns] for r in rows])


@logistics.command("order")
def raise_order(
    agreement: Annotated[str, typer.Option()],
    requesting: Annotated[str, typer.Option(help="Requesting party, e.g. IN.")],
    supplying: Annotated[str, typer.Option(help="Supplying party, e.g. RU.")],
    facility: Annotated[str, typer.Option(help="Where support is given (UN/LOCODE or ICAO).")],
    line: Annotated[list[str], typer.Option(help="CATEGORY:ITEM:QUANTITY:UNIT; repeat.")],
    settlement: Annotated[str, typer.Option()] = "cash",
    deployment: Annotated[str | None, typer.Option()] = None,
    as_user: AsUser = None,
) -> None:
    """Raise a support order (status `requested` until both sides sign)."""
    lines = []
    for text in line:
        parts = text.split(":")
        if len(parts) != 4:
            raise InvalidInput(f"line {text!r}: write CATEGORY:ITEM:QUANTITY:UNIT")
        lines.append(dict(zip(("category", "item", "quantity", "unit"), parts, strict=True)))
    body = {
        "agreement": agreement,
        "requesting_party": requesting,
        "supplying_party": supplying,
        "facility": facility,
        "settlement": settlement,
        "deployment": deployment,
        "lines": lines,
    }
    with transaction() as session:
        order = service.raise_order(session, acting_as(session, as_user), body)
    typer.echo(f"{order['id']} {order['status']}")


@logistics.command("list")
def list_orders(
    agreement: Annotated[str | None, typer.Option()] = None,
    status: Annotated[str | None, typer.Option()] = None,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """List support orders."""
    with transaction(write=False) as session:
        orders = service.list_orders(session, acting_as(session, as_user), agreement, status)
    if json_out:
        print_json(orders)
        return
    rows = [
        (
            o["id"],
            o["agreement"],
            f"{o['requesting_party']}←{o['supplying_party']}",
            o["facility"],
            o["status"],
            " ".join(f"{x['amount']} {x['currency']}" for x in o["owed"]),
        )
        for o in orders
    ]
    print_table("Support orders", ["id", "agreement", "for←by", "facility", "status", "owed"], rows)


@logistics.command("show")
def show(order_id: str, as_user: AsUser = None) -> None:
    """One order, as JSON."""
    with transaction(write=False) as session:
        print_json(service.get_order(session, acting_as(session, as_user), order_id))


@logistics.command("sign")
def sign(
    order_id: str,
    party: Annotated[str | None, typer.Option(help="The operator signs for this party.")] = None,
    as_user: AsUser = None,
) -> None:
    """Sign an order for your party; it binds once both sides have signed."""
    with transaction() as session:
        order = service.sign_order(session, acting_as(session, as_user), order_id, party)
    typer.echo(f"{order['id']} {order['status']}")


@logistics.command("deliver")
def deliver(
    order_id: str,
    line: Annotated[list[str], typer.Option(help="LINE=QUANTITY; repeat.")],
    received_by: Annotated[str, typer.Option(help="The receiving side's officer.")],
    at: Annotated[str | None, typer.Option(help="RFC 3339 time (default: now).")] = None,
    as_user: AsUser = None,
) -> None:
    """Record a delivery; it posts to the ledger at the price in force that day."""
    when = parse_instant(at, "at") if at else utcnow()
    with transaction() as session:
        order = service.record_delivery(
            session, acting_as(session, as_user), order_id, _pairs(line, "line"), when, received_by
        )
    owed = ", ".join(f"{x['amount']} {x['currency']}" for x in order["owed"])
    typer.echo(f"{order['id']} {order['status']}; owed {owed}")


@logistics.command("settle")
def settle(
    order_id: str,
    method: Annotated[str, typer.Option()] = "cash",
    amount: Annotated[str | None, typer.Option()] = None,
    currency: Annotated[str | None, typer.Option()] = None,
    returned: Annotated[
        list[str] | None, typer.Option("--return", help="LINE=QUANTITY returned in kind.")
    ] = None,
    counter_order: Annotated[str | None, typer.Option(help="Counter-order of an exchange.")] = None,
    at: Annotated[str | None, typer.Option(help="RFC 3339 time (default: now).")] = None,
    reference: Annotated[str, typer.Option()] = "",
    as_user: AsUser = None,
) -> None:
    """Settle (part of) an order by cash, replacement in kind or equal-value exchange."""
    body: dict[str, Any] = {
        "order": order_id,
        "method": method,
        "amount": amount,
        "currency": currency,
        "settled_at": parse_instant(at, "at") if at else utcnow(),
        "reference": reference,
        "lines": _pairs(returned or [], "return"),
        "counter_order": counter_order,
    }
    with transaction() as session:
        result = settlements.record_settlement(session, acting_as(session, as_user), body)
    typer.echo(
        f"{result['id']} {result['amount']} {result['currency']}; order {result['order_status']}"
    )


@logistics.command("reverse")
def reverse(ref: str, reason: Annotated[str, typer.Option()], as_user: AsUser = None) -> None:
    """Reverse one ledger posting (a correction is a reversal plus a new posting)."""
    with transaction() as session:
        order = settlements.reverse(session, acting_as(session, as_user), ref, reason)
    typer.echo(f"reversed {ref}; order {order['id']} {order['status']}")


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
        print_json(rows)
        return
    columns = ["agreement", "creditor", "debtor", "currency", "amount"]
    print_table("Balances", columns, [[r[c] for c in columns] for r in rows])


@ledger.command("overdue")
def overdue(
    as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: today).")] = None,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Amounts past their settlement deadline."""
    day = date.fromisoformat(as_of) if as_of else utcnow().date()
    with transaction(write=False) as session:
        rows = ledger_service.overdue(session, acting_as(session, as_user), day)
    if json_out:
        print_json(rows)
        return
    columns = ["order", "creditor", "debtor", "currency", "amount", "due_on", "days_overdue"]
    print_table(f"Overdue as of {day}", columns, [[r[c] for c in columns] for r in rows])


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
    with transaction(write=False) as session:
        result = ledger_service.statement(
            session,
            acting_as(session, as_user),
            party,
            date.fromisoformat(start),
            date.fromisoformat(end),
        )
    if xlsx:
        xlsx.write_bytes(ledger_service.statement_xlsx(result))
        typer.echo(f"statement of {party} written to {xlsx}")
        return
    if csv_out:
        typer.echo(ledger_service.statement_csv(result), nl=False)
        return
    body = ledger_service.statement_out(result)
    if json_out:
        print_json(body)
        return
    columns = ["booked_on", "ref", "kind", "counterparty", "side", "amount", "currency", "balance"]
    print_table(
        f"Statement of {party}, {start} to {end}",
        columns,
        [[r[c] for c in columns] for r in body["lines"]],
    )
    for position in body["closing"]:
        typer.echo(
            f"closing with {position['counterparty']}: {position['amount']} {position['currency']}"
        )


@ledger.command("export")
def export(
    party: Annotated[str, typer.Option()],
    out: Annotated[Path, typer.Option(help="File to write the export to.")],
    as_user: AsUser = None,
) -> None:
    """Write the party's ledger export for bilateral reconciliation."""
    with transaction(write=False) as session:
        exported = ledger_service.export_for(session, acting_as(session, as_user), party)
    out.write_text(exported.to_json(), encoding="utf-8")
    typer.echo(f"{len(exported.records)} records of {party} written to {out}")


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
def reconcile_exports(ours: Path, theirs: Path, json_out: Json = False) -> None:
    """Compare two exports; exit 0 only when nothing differs."""
    result = reconcile(Export.from_json(_read(ours)), Export.from_json(_read(theirs)))
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


@ledger.command("entries")
def entries(
    agreement: Annotated[str | None, typer.Option()] = None,
    order: Annotated[str | None, typer.Option()] = None,
    limit: Annotated[int, typer.Option()] = 100,
    as_user: AsUser = None,
) -> None:
    """Ledger postings with their entries, as JSON."""
    with transaction(write=False) as session:
        print_json(
            ledger_service.entries(
                session, acting_as(session, as_user), agreement=agreement, order=order, limit=limit
            )
        )


@rates.command("import")
def import_rates(file: Path, as_user: AsUser = None) -> None:
    """Import exchange rates CSV (base,quote,on,rate,source)."""
    with transaction() as session:
        result = ledger_service.import_rates(session, acting_as(session, as_user), _read(file))
    typer.echo(f"rates imported: {result['imported']}")
