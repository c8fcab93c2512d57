"""Logistics: support orders with their signatures and deliveries, balances, overdue, statements."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from relos.access.domain import Principal
from relos.access.policy import allowed
from relos.kit.db import Database
from relos.kit.errors import InvalidInput
from relos.kit.timeutil import parse_instant, utcnow
from relos.logistics import ledger_service, service
from relos.web.render import render
from relos.web.security import PageUser, check_csrf

router = APIRouter()
ORDER_STATUSES = ("requested", "signed", "agreed", "partially_delivered", "delivered", "settled")


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


@router.get("/logistics")
def overview(request: Request, user: PageUser, status: str = "") -> Response:
    ledger = allowed(user, "ledger.read")
    today = utcnow().date()
    with _db(request).transaction(write=False) as session:
        orders = service.list_orders(session, user, None, status or None)
        balances = ledger_service.balances(session, user, None) if ledger else []
        overdue = ledger_service.overdue(session, user, today) if ledger else []
    context = {
        "orders": orders,
        "balances": balances,
        "overdue": overdue,
        "ledger": ledger,
        "status": status,
        "statuses": ORDER_STATUSES,
        "today": today,
    }
    return render(request, "logistics/overview.html", context)


def _signable(order: dict[str, Any], user: Principal) -> bool:
    signed = {s["party"] for s in order["signatures"]}
    parties = {order["requesting_party"], order["supplying_party"]}
    return allowed(user, "orders.sign") and user.party in parties - signed


@router.get("/logistics/orders/{order_id}")
def order_page(request: Request, user: PageUser, order_id: str) -> Response:
    with _db(request).transaction(write=False) as session:
        order = service.get_order(session, user, order_id)
    deliverable = order["status"] in ("agreed", "partially_delivered") and allowed(
        user, "orders.deliver"
    )
    context = {
        "o": order,
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
        service.sign_order(session, user, order_id)
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
        service.record_delivery(session, user, order_id, lines, delivered_at, received_by)
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
        result = ledger_service.statement(session, user, whose or None, first, last)
    context = {
        "s": ledger_service.statement_out(result),
        "csv": f"/api/v1/ledger/statement?party={result.party}&start={first}&end={last}&format=csv",
    }
    return render(request, "logistics/statement.html", context)
