"""`relos prices ...`, `relos logistics ...` and `relos rates ...` (`relos ledger ...`: ledger_cli).

Each command builds the same typed command the HTTP route builds and prints the same
result model (`--json`), so a bad value is the same one-line error everywhere.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from relos.access.acting import acting_as
from relos.kit import cli_listing as listing
from relos.kit.clikit import print_json, print_table, transaction
from relos.kit.errors import InvalidInput
from relos.kit.timeutil import parse_instant, utcnow
from relos.logistics.commands import (
    AcknowledgeReceipt,
    ImportPrices,
    ImportRates,
    RaiseOrder,
    RecordDelivery,
    RecordSettlement,
    ReversePosting,
    SignOrder,
    build,
)
from relos.logistics.deliveries.service import acknowledge_receipt, record_delivery
from relos.logistics.ledger_cli import ledger
from relos.logistics.orders import service as orders
from relos.logistics.prices import service as prices_service
from relos.logistics.prices.parse import csv_rows
from relos.logistics.rates.domain import rate_rows
from relos.logistics.rates.service import import_rates as store_rates
from relos.logistics.results import OrderOut
from relos.logistics.settlement import service as settlements

prices = typer.Typer(
    name="prices", help="Price lists of the supplying parties.", no_args_is_help=True
)
logistics = typer.Typer(
    name="logistics", help="Support orders: raise, sign, deliver, settle.", no_args_is_help=True
)
rates = typer.Typer(
    name="rates", help="Exchange rates for the reporting currency.", no_args_is_help=True
)
apps = {"prices": prices, "logistics": logistics, "ledger": ledger, "rates": rates}

AsUser = Annotated[str | None, typer.Option("--as", help="Act as this user (default: operator).")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise InvalidInput(f"cannot read {path}: {reason}") from None


def _pairs(values: list[str], what: str) -> list[dict[str, str]]:
    """LINE=QUANTITY options as [{"line", "quantity"}]."""
    pairs = []
    for value in values:
        line, _, quantity = value.partition("=")
        if not line.isdigit() or not quantity:
            raise InvalidInput(f"{what} {value!r}: write LINE=QUANTITY, e.g. 0=200")
        pairs.append({"line": line, "quantity": quantity})
    return pairs


def _when(at: str | None) -> datetime:
    try:
        return parse_instant(at, "at") if at else utcnow()
    except OverflowError:
        raise InvalidInput(f"at: {at!r} is out of range once converted to UTC") from None


def _owed(order: OrderOut) -> str:
    return " ".join(f"{x.amount} {x.currency}" for x in order.owed)


@prices.command("import")
def import_prices(file: Path, as_user: AsUser = None, json_out: Json = False) -> None:
    """Import a price list CSV (supplying_party,facility,item,category,unit,unit_price,...)."""
    command = build(ImportPrices, {"lines": csv_rows(read(file))})
    with transaction() as session:
        result = prices_service.import_prices(session, acting_as(session, as_user), command)
    if json_out:
        print_json(result.model_dump(mode="json"))
        return
    typer.echo(f"price lines imported: {result.imported}, unchanged: {result.unchanged}")


@prices.command("list")
def list_prices(
    supplier: Annotated[str | None, typer.Option()] = None, json_out: Json = False
) -> None:
    """List stored prices."""
    with transaction(write=False) as session:
        rows = prices_service.list_prices(session, acting_as(session, None), supplier)
    if json_out:
        print_json([row.model_dump(mode="json") for row in rows])
        return
    columns = ["supplying_party", "facility", "item", "unit", "unit_price", "currency"]
    columns += ["valid_from", "valid_to"]
    print_table("Prices", columns, [[getattr(r, c) for c in columns] for r in rows])


def _order_lines(line: list[str]) -> list[dict[str, str]]:
    lines = []
    for text in line:
        parts = text.split(":")
        if len(parts) != 4:
            raise InvalidInput(f"line {text!r}: write CATEGORY:ITEM:QUANTITY:UNIT")
        lines.append(dict(zip(("category", "item", "quantity", "unit"), parts, strict=True)))
    return lines


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
    json_out: Json = False,
) -> None:
    """Raise a support order (status `requested` until both sides sign)."""
    body = {
        "agreement": agreement,
        "requesting_party": requesting,
        "supplying_party": supplying,
        "facility": facility,
        "settlement": settlement,
        "deployment": deployment,
        "lines": _order_lines(line),
    }
    command = build(RaiseOrder, body)
    with transaction() as session:
        order = orders.raise_order(session, acting_as(session, as_user), command)
    _print_order(order, json_out)


def _print_order(order: OrderOut, json_out: bool, text: str = "") -> None:
    if json_out:
        print_json(order.model_dump(mode="json"))
    else:
        typer.echo(text or f"{order.id} {order.status}")


@logistics.command("list")
def list_orders(
    agreement: Annotated[str | None, typer.Option(help="Agreement id.")] = None,
    status: Annotated[str | None, typer.Option(help="requested, agreed, ...")] = None,
    party: Annotated[str | None, typer.Option(help="Requesting party.")] = None,
    supplier: Annotated[str | None, typer.Option(help="Supplying party.")] = None,
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
    """List support orders: the filters of the web list (`--q` searches reference, facility,
    deployment and line items; `--from`/`--to` bound the creation time)."""
    filters = listing.list_filter(q, sort, facility, start, end)
    with transaction(write=False) as session:
        found = orders.list_orders(
            session,
            acting_as(session, as_user),
            agreement,
            status,
            listing.page(limit, offset),
            filters,
            party,
            supplier,
        )
    if json_out:
        print_json([o.model_dump(mode="json") for o in found])
        return
    rows = [
        (
            o.id,
            o.reference,
            o.agreement,
            f"{o.requesting_party}←{o.supplying_party}",
            o.facility,
            o.status,
            _owed(o),
        )
        for o in found
    ]
    columns = ["id", "reference", "agreement", "for←by", "facility", "status", "owed"]
    print_table("Support orders", columns, rows)


@logistics.command("show")
def show(order_id: str, as_user: AsUser = None) -> None:
    """One order, as JSON."""
    with transaction(write=False) as session:
        order = orders.get_order(session, acting_as(session, as_user), order_id)
    print_json(order.model_dump(mode="json"))


@logistics.command("sign")
def sign(
    order_id: str,
    party: Annotated[str | None, typer.Option(help="The operator signs for this party.")] = None,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Sign an order for your party; it binds once both sides have signed."""
    command = build(SignOrder, {"order": order_id, "party": party})
    with transaction() as session:
        order = orders.sign_order(session, acting_as(session, as_user), command)
    _print_order(order, json_out)


@logistics.command("deliver")
def deliver(
    order_id: str,
    line: Annotated[list[str], typer.Option(help="LINE=QUANTITY; repeat.")],
    received_by: Annotated[str, typer.Option(help="The receiving side's officer.")],
    at: Annotated[str | None, typer.Option(help="RFC 3339 time (default: now).")] = None,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Record a delivery; it posts to the ledger at the price in force that day."""
    body = {
        "order": order_id,
        "lines": _pairs(line, "line"),
        "delivered_at": _when(at),
        "received_by": received_by,
    }
    command = build(RecordDelivery, body)
    with transaction() as session:
        order = record_delivery(session, acting_as(session, as_user), command)
    _print_order(order, json_out, f"{order.id} {order.status}; owed {_owed(order)}")


@logistics.command("receive")
def receive(
    order_id: str,
    delivery_id: str,
    received_by: Annotated[str, typer.Option(help="Your party's receiving officer.")],
    note: Annotated[str | None, typer.Option(help="What was found on receipt.")] = None,
    at: Annotated[str | None, typer.Option(help="RFC 3339 time (default: now).")] = None,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Acknowledge receipt of a delivery, for the requesting party; once per delivery."""
    body = {
        "order": order_id,
        "delivery": delivery_id,
        "received_at": _when(at),
        "received_by": received_by,
        "note": note,
    }
    command = build(AcknowledgeReceipt, body)
    with transaction() as session:
        order = acknowledge_receipt(session, acting_as(session, as_user), command)
    _print_order(order, json_out, f"{order.id} {delivery_id} received")


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
    json_out: Json = False,
) -> None:
    """Settle (part of) an order by cash, replacement in kind or equal-value exchange."""
    body = {
        "order": order_id,
        "method": method,
        "amount": amount,
        "currency": currency,
        "settled_at": _when(at),
        "reference": reference,
        "lines": _pairs(returned or [], "return") or None,
        "counter_order": counter_order,
    }
    command = build(RecordSettlement, body)
    with transaction() as session:
        result = settlements.record_settlement(session, acting_as(session, as_user), command)
    if json_out:
        print_json(result.model_dump(mode="json"))
        return
    typer.echo(f"{result.id} {result.amount} {result.currency}; order {result.order_status}")


@logistics.command("reverse")
def reverse(
    ref: str,
    reason: Annotated[str, typer.Option()],
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Reverse one ledger posting (a correction is a reversal plus a new posting)."""
    command = build(ReversePosting, {"ref": ref, "reason": reason})
    with transaction() as session:
        order = settlements.reverse(session, acting_as(session, as_user), command)
    _print_order(order, json_out, f"reversed {ref}; order {order.id} {order.status}")


@rates.command("import")
def import_rates(file: Path, as_user: AsUser = None, json_out: Json = False) -> None:
    """Import exchange rates CSV (base,quote,on,rate,source)."""
    command = build(ImportRates, {"lines": rate_rows(read(file))})
    with transaction() as session:
        result = store_rates(session, acting_as(session, as_user), command)
    if json_out:
        print_json(result.model_dump(mode="json"))
        return
    typer.echo(f"rates imported: {result.imported}")
