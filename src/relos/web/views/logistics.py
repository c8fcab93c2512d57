"""Logistics: support orders with their signatures and deliveries, balances, overdue, statements."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from relos.access.domain import Principal
from relos.access.policy import allowed, require
from relos.agreements import service as agreements
from relos.facilities import service as facilities
from relos.kit.db import Database
from relos.kit.errors import InvalidInput, RuleViolations
from relos.kit.timeutil import parse_instant, utcnow
from relos.logistics import commands
from relos.logistics.deliveries import service as deliveries
from relos.logistics.ledger import service as ledger_service
from relos.logistics.orders import service
from relos.logistics.settlement import service as settlements
from relos.logistics.statements import formats
from relos.logistics.statements import service as statements
from relos.web.render import render
from relos.web.security import PageUser, check_csrf

router = APIRouter()
ORDER_STATUSES = ("requested", "agreed", "partially_delivered", "delivered", "settled")


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


@router.get("/logistics")
def overview(request: Request, user: PageUser, status: str = "") -> Response:
    ledger = allowed(user, "ledger.read")
    today = utcnow().date()
    with _db(request).transaction(write=False) as session:
        orders = [o.model_dump() for o in service.list_orders(session, user, None, status or None)]
        balances = (
            [b.model_dump() for b in ledger_service.balances(session, user, None)] if ledger else []
        )
        overdue = (
            [o.model_dump() for o in statements.overdue(session, user, today)] if ledger else []
        )
    context = {
        "orders": orders,
        "balances": balances,
        "overdue": overdue,
        "ledger": ledger,
        "may_raise": allowed(user, "orders.raise") and bool(user.party),
        "status": status,
        "statuses": ORDER_STATUSES,
        "today": today,
    }
    return render(request, "logistics/overview.html", context)


def _signable(order: dict[str, Any], user: Principal) -> bool:
    signed = {s["party"] for s in order["signatures"]}
    parties = {order["requesting_party"], order["supplying_party"]}
    return allowed(user, "orders.sign") and user.party in parties - signed


ORDER_LINES = 3


def _order_choices(request: Request, user: Principal) -> dict[str, Any]:
    with _db(request).transaction(write=False) as session:
        pacts = [a.model_dump() for a in agreements.list_agreements(session, user) if a.logistics]
        suppliers = sorted({p for a in pacts for p in a["parties"] if p != user.party})
        sites = [f for p in suppliers for f in facilities.list_facilities(session, user, p)]
    categories = sorted({c for a in pacts for c in a["logistics"]["categories"]})
    return {"pacts": pacts, "sites": sites, "categories": categories, "rows": range(ORDER_LINES)}


def order_body(
    form: dict[str, Any], user: Principal, pacts: list[dict[str, Any]]
) -> dict[str, Any]:
    """The API's order body from the form: the supplier is the agreement's other party."""
    agreement = next((a for a in pacts if a["id"] == form.get("agreement")), None)
    supplier = None
    if agreement is not None:
        supplier = next((p for p in agreement["parties"] if p != user.party), None)
    lines = [
        {
            "category": form.get(f"l{i}.category") or None,
            "item": str(form.get(f"l{i}.item", "")).strip() or None,
            "quantity": str(form.get(f"l{i}.quantity", "")).strip() or None,
            "unit": str(form.get(f"l{i}.unit", "")).strip() or None,
        }
        for i in range(ORDER_LINES)
        if str(form.get(f"l{i}.item", "")).strip() or str(form.get(f"l{i}.quantity", "")).strip()
    ]
    return {
        "agreement": form.get("agreement") or None,
        "requesting_party": user.party or None,
        "supplying_party": supplier,
        "facility": str(form.get("facility", "")).strip().upper() or None,
        "deployment": str(form.get("deployment", "")).strip() or None,
        "settlement": form.get("settlement") or None,
        "lines": lines,
    }


@router.get("/logistics/orders/new")
def new_order_page(request: Request, user: PageUser) -> Response:
    require(user, "orders.raise")
    context = {**_order_choices(request, user), "form": {}, "violations": []}
    return render(request, "logistics/new_order.html", context)


@router.post("/logistics/orders/new")
async def raise_order(request: Request, user: PageUser) -> Response:
    form = dict(await request.form())
    check_csrf(request, str(form.get("csrf", "")))
    choices = _order_choices(request, user)
    body = order_body(form, user, choices["pacts"])
    try:
        with _db(request).transaction() as session:
            command = commands.build(commands.RaiseOrder, body)
            order = service.raise_order(session, user, command).model_dump()
    except RuleViolations as exc:
        violations = [v.to_dict() for v in exc.violations]
        context = {**choices, "form": form, "violations": violations}
        return render(request, "logistics/new_order.html", context, status=422)
    return RedirectResponse(f"/logistics/orders/{order['id']}", status_code=303)


@router.get("/logistics/orders/{order_id}")
def order_page(request: Request, user: PageUser, order_id: str) -> Response:
    with _db(request).transaction(write=False) as session:
        order = service.get_order(session, user, order_id).model_dump()
    deliverable = order["status"] in ("agreed", "partially_delivered") and allowed(
        user, "orders.deliver"
    )
    owing = [w for w in order["owed"] if Decimal(w["amount"]) > 0]
    context = {
        "o": order,
        # Cash is settled here; replacement in kind and exchanges name items or a
        # counter-order, which the API and CLI take.
        "may_settle": bool(owing)
        and order["settlement"] == "cash"
        and allowed(user, "settlements.record"),
        "owing": owing,
        "may_sign": _signable(order, user),
        "may_deliver": deliverable,
        "today": utcnow().date(),
    }
    return render(request, "logistics/order.html", context)


@router.post("/logistics/orders/{order_id}/sign")
def sign(
    request: Request, user: PageUser, order_id: str, csrf: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, csrf)
    with _db(request).transaction() as session:
        service.sign_order(session, user, commands.build(commands.SignOrder, {"order": order_id}))
    return RedirectResponse(f"/logistics/orders/{order_id}", status_code=303)


@router.post("/logistics/orders/{order_id}/deliveries")
async def deliver(request: Request, user: PageUser, order_id: str) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get("csrf", "")))
    lines = [
        {"line": int(key.removeprefix("qty-")), "quantity": str(value).strip()}
        for key, value in form.items()
        if key.startswith("qty-") and key[4:].isdigit() and str(value).strip() not in ("", "0")
    ]
    if not lines:
        raise InvalidInput("enter a quantity for at least one line")
    delivered_at = parse_instant(str(form.get("delivered_at", "")) or utcnow().date().isoformat())
    received_by = str(form.get("received_by", ""))
    with _db(request).transaction() as session:
        command = commands.build(
            commands.RecordDelivery,
            {
                "order": order_id,
                "lines": lines,
                "delivered_at": delivered_at,
                "received_by": received_by,
            },
        )
        deliveries.record_delivery(session, user, command)
    return RedirectResponse(f"/logistics/orders/{order_id}", status_code=303)


@router.post("/logistics/orders/{order_id}/settlements")
def settle(
    request: Request,
    user: PageUser,
    order_id: str,
    amount: Annotated[str, Form(max_length=40)],
    currency: Annotated[str, Form(pattern="^[A-Z]{3}$")],
    settled_at: Annotated[str, Form(min_length=10, max_length=10)],
    reference: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    body = {
        "order": order_id,
        "method": "cash",
        "amount": amount.strip(),
        "currency": currency,
        "settled_at": parse_instant(settled_at, "settled_at"),
        "reference": reference.strip(),
    }
    with _db(request).transaction() as session:
        settlements.record_settlement(
            session, user, commands.build(commands.RecordSettlement, body)
        )
    return RedirectResponse(f"/logistics/orders/{order_id}", status_code=303)


@router.get("/logistics/statement")
def statement_page(
    request: Request, user: PageUser, party: str = "", start: str = "", end: str = ""
) -> Response:
    today = utcnow().date()
    first = date.fromisoformat(start) if start else today.replace(month=1, day=1)
    last = date.fromisoformat(end) if end else today + timedelta(days=1)
    whose = party or user.party
    with _db(request).transaction(write=False) as session:
        result = statements.statement(session, user, whose or None, first, last)
    context = {
        "s": formats.statement_out(result).model_dump(),
        "csv": f"/api/v1/ledger/statement?party={result.party}&start={first}&end={last}&format=csv",
    }
    return render(request, "logistics/statement.html", context)
