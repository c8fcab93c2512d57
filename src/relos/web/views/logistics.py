"""Logistics: support orders with their signatures and deliveries, balances, overdue, statements."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from relos.access.domain import Principal
from relos.access.policy import allowed, require
from relos.agreements import service as agreements
from relos.facilities import repository as facilities_repository
from relos.facilities import service as facilities
from relos.kit.db import Database
from relos.kit.errors import InvalidInput, RelosError, RuleViolations
from relos.kit.pagination import Page
from relos.kit.timeutil import parse_instant, utcnow
from relos.logistics import commands
from relos.logistics.deliveries import service as deliveries
from relos.logistics.ledger import service as ledger_service
from relos.logistics.orders import repository as orders_repository
from relos.logistics.orders import service
from relos.logistics.orders.checks import terms_of
from relos.logistics.prices.service import price_table
from relos.logistics.settlement import service as settlements
from relos.logistics.statements import formats
from relos.logistics.statements import service as statements
from relos.references.lookup import references_of
from relos.web import listing, orders
from relos.web.i18n import locale_of, translations
from relos.web.problems import problem_lines
from relos.web.render import render
from relos.web.security import PageUser, check_csrf

router = APIRouter()
ORDER_STATUSES = ("requested", "agreed", "partially_delivered", "delivered", "settled")


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


ORDER_EXPORT = (
    "reference",
    "agreement",
    "requesting_party",
    "supplying_party",
    "facility",
    "settlement",
    "status",
    "created_at",
    "lines",
)


def _order_export_row(o: dict[str, Any]) -> list[Any]:
    lines = "; ".join(f"{line['quantity']} {line['unit']} {line['item']}" for line in o["lines"])
    return [*(o[c] for c in ORDER_EXPORT[:8]), lines]


@router.get("/logistics")
def overview(request: Request, user: PageUser) -> Response:
    ledger = allowed(user, "ledger.read")
    today = utcnow().date()
    view = listing.list_view(request)
    db = _db(request)

    def fetch(page: Page) -> list[dict[str, Any]]:
        with db.transaction(write=False) as session:
            found = service.list_orders(
                session,
                user,
                view.opt("agreement"),
                view.opt("status"),
                page,
                view.filters,
                view.opt("party"),
            )
            return [o.model_dump() for o in found]

    if kind := listing.export_kind(request):
        return listing.export(view, kind, "support-orders", fetch, ORDER_EXPORT, _order_export_row)
    shown = listing.load(view, fetch)
    with db.transaction(write=False) as session:
        balances = (
            [b.model_dump() for b in ledger_service.balances(session, user, None)] if ledger else []
        )
        overdue = (
            [o.model_dump() for o in statements.overdue(session, user, today)] if ledger else []
        )
        pacts = [a.model_dump() for a in agreements.list_agreements(session, user)]
        references = orders_repository.order_references(session, [o["order"] for o in overdue])
        sites = facilities_repository.names_of(session, {o["facility"] for o in shown})
    context = {
        "orders": shown,
        "balances": balances,
        "overdue": overdue,
        "order_references": references,
        "facility_names": sites,
        "ledger": ledger,
        "may_raise": allowed(user, "orders.raise") and bool(user.party),
        "view": view,
        "statuses": ORDER_STATUSES,
        "agreements": pacts,
        "agreement_names": {a["id"]: a["short_name"] for a in pacts},
        "parties": sorted({p for a in pacts for p in a["parties"]}),
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


def _order_page(
    request: Request,
    user: Principal,
    order_id: str,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    today = utcnow().date()
    with _db(request).transaction(write=False) as session:
        order = service.get_order(session, user, order_id).model_dump(mode="json")
        terms = terms_of(session, order["agreement"])
        table = price_table(session, order["supplying_party"])
        paid = settlements.list_settlements(session, user, order_id)
        others = [
            o.model_dump(mode="json")
            for o in service.list_orders(session, user, order["agreement"], None)
        ]
        names = {
            "agreement": agreements.get_agreement(session, user, order["agreement"]).short_name,
            "facility": facilities_repository.names_of(session, {order["facility"]}).get(
                order["facility"], order["facility"]
            ),
            "deployment": references_of(session, [order["deployment"] or ""]).get(
                order["deployment"] or "", order["deployment"]
            ),
        }
    deliverable = order["status"] in ("agreed", "partially_delivered") and allowed(
        user, "orders.deliver"
    )
    owing = [w for w in order["owed"] if Decimal(w["amount"]) > 0]
    days = terms.days_for(order["settlement"]) if terms else 0
    context = {
        "o": order,
        "names": names,
        "may_settle": bool(owing) and allowed(user, "settlements.record"),
        "owing": owing,
        "returnable": orders.returnable(order),
        "counters": orders.counter_orders(order, others),
        "settlements": paid,
        "due_on": orders.due_on(order, days),
        "settle_days": days,
        # Before both sides sign: what the lines would cost at today's prices.
        "estimate": orders.estimate(order, table, today)
        if order["status"] == "requested"
        else None,
        "may_sign": _signable(order, user),
        "may_deliver": deliverable,
        # Only the requesting party acknowledges receipt (one writer per fact).
        "may_receive": user.party == order["requesting_party"] and allowed(user, "orders.receive"),
        "today": today,
        "errors": errors or [],
    }
    return render(request, "logistics/order.html", context, status)


@router.get("/logistics/orders/{order_id}")
def order_page(request: Request, user: PageUser, order_id: str) -> Response:
    return _order_page(request, user, order_id)


def _refused(request: Request, user: Principal, order_id: str, exc: RelosError) -> Response:
    """The order again, with why the action was refused: never a dead-end error page."""
    locale = locale_of(request)
    lines = problem_lines(exc, locale, translations(locale).gettext)
    return _order_page(request, user, order_id, lines, exc.status)


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


@router.post("/logistics/orders/{order_id}/deliveries/{delivery_id}/receipt")
async def receive(request: Request, user: PageUser, order_id: str, delivery_id: str) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get("csrf", "")))
    note = str(form.get("note", "")).strip()
    body = {
        "order": order_id,
        "delivery": delivery_id,
        "received_at": utcnow(),
        "received_by": str(form.get("received_by", "")),
        "note": note or None,
    }
    with _db(request).transaction() as session:
        command = commands.build(commands.AcknowledgeReceipt, body)
        deliveries.acknowledge_receipt(session, user, command)
    return RedirectResponse(f"/logistics/orders/{order_id}", status_code=303)


def settlement_body(order_id: str, form: dict[str, Any]) -> dict[str, Any]:
    """The API's settlement body from the form of any of the three methods."""
    method = str(form.get("method", "cash"))
    body: dict[str, Any] = {
        "order": order_id,
        "method": method,
        "settled_at": parse_instant(str(form.get("settled_at", "")).strip(), "settled_at"),
        "reference": str(form.get("reference", "")).strip()[:200],
    }
    if method == "replacement_in_kind":
        body["lines"] = [
            {"line": int(key.removeprefix("return-")), "quantity": str(value).strip()}
            for key, value in form.items()
            if key.startswith("return-")
            and key[7:].isdigit()
            and str(value).strip() not in ("", "0")
        ]
        if not body["lines"]:
            raise InvalidInput("enter a quantity returned for at least one line")
    else:
        body["amount"] = str(form.get("amount", "")).strip()
        body["currency"] = str(form.get("currency", "")).strip().upper()
    if method == "equal_value_exchange":
        body["counter_order"] = str(form.get("counter_order", "")).strip() or None
    return body


@router.post("/logistics/orders/{order_id}/settlements")
async def settle(request: Request, user: PageUser, order_id: str) -> Response:
    form = dict(await request.form())
    check_csrf(request, str(form.get("csrf", "")))
    try:
        command = commands.build(commands.RecordSettlement, settlement_body(order_id, form))
        await run_in_threadpool(_settle, request, user, command)
    except RelosError as exc:
        return _refused(request, user, order_id, exc)
    return RedirectResponse(f"/logistics/orders/{order_id}?settled=1", status_code=303)


def _settle(request: Request, user: Principal, command: commands.RecordSettlement) -> None:
    with _db(request).transaction() as session:
        settlements.record_settlement(session, user, command)


@router.get("/logistics/statement")
def statement_page(
    request: Request, user: PageUser, party: str = "", start: str = "", end: str = ""
) -> Response:
    today = utcnow().date()
    default = (today.replace(month=1, day=1), today + timedelta(days=1))
    whose = party or user.party
    errors: list[str] = []
    try:
        first = _day(start, "start") if start else default[0]
        last = _day(end, "end") if end else default[1]
        result = _statement(request, user, whose, first, last)
    except RelosError as exc:
        # The form again with what was entered and why it was refused; the default period below.
        locale = locale_of(request)
        errors = problem_lines(exc, locale, translations(locale).gettext)
        first, last = default
        result = _statement(request, user, whose, first, last)
    context = {
        "s": formats.statement_out(result).model_dump(),
        "csv": f"/api/v1/ledger/statement?party={result.party}&start={first}&end={last}&format=csv",
        "errors": errors,
        "entered": {"start": start, "end": end} if errors else {},
    }
    return render(request, "logistics/statement.html", context, 422 if errors else 200)


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{field}: {value!r} is not a date") from None


def _statement(request: Request, user: Principal, whose: str, first: date, last: date) -> Any:
    if last <= first:
        raise InvalidInput("the period must end after it starts")
    with _db(request).transaction(write=False) as session:
        return statements.statement(session, user, whose or None, first, last)
