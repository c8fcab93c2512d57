"""HTTP routes for price lists, support orders, deliveries, settlements and the ledger."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from relos.access.domain import Principal
from relos.kit.db import Database
from relos.kit.errors import InvalidInput
from relos.kit.idempotency import run_once
from relos.kit.listing import ApiFilter
from relos.kit.pagination import ApiPage, trim
from relos.kit.web import Caller, Claimed, Db
from relos.logistics.commands import (
    AcknowledgeReceipt,
    DeliveryIn,
    ImportPrices,
    RaiseOrder,
    ReceiptIn,
    RecordDelivery,
    RecordSettlement,
    ReversalIn,
    ReversePosting,
    SignIn,
    SignOrder,
    build,
)
from relos.logistics.deliveries.service import acknowledge_receipt
from relos.logistics.deliveries.service import record_delivery as deliver
from relos.logistics.ledger_api import router as ledger_router
from relos.logistics.orders import service as orders
from relos.logistics.prices import service as prices
from relos.logistics.prices.parse import csv_rows
from relos.logistics.results import ImportOut, OrderOut, PriceOut, SettlementOut, inline_schema
from relos.logistics.settlement import service as settlements

router = APIRouter(tags=["logistics"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


CSV_OR_JSON = {
    "requestBody": {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": inline_schema(ImportPrices)},
        },
        "required": True,
    }
}


async def _text(request: Request) -> str:
    try:
        return (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the body is not UTF-8 text") from None


@router.post("/price-lists", response_model=ImportOut, status_code=201, openapi_extra=CSV_OR_JSON)
async def import_prices(request: Request, db: Db, caller: Caller) -> ImportOut:
    """Import a price list as CSV (text/csv) or JSON {"lines": [...]}."""
    text = await _text(request)
    is_csv = request.headers.get("content-type", "").startswith("text/csv")
    return await run_in_threadpool(_import_prices, db, caller, text, is_csv)


def price_list(text: str, is_csv: bool) -> ImportPrices:
    """The import command from a CSV file or a JSON body."""
    if is_csv:
        return build(ImportPrices, {"lines": csv_rows(text)})
    try:
        body = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise InvalidInput(f"price list: not JSON ({error})") from None
    return build(ImportPrices, body)


def _import_prices(db: Database, caller: Principal, text: str, is_csv: bool) -> ImportOut:
    command = price_list(text, is_csv)
    with db.transaction() as session:
        return prices.import_prices(session, caller, command)


@router.get("/price-lists", response_model=list[PriceOut])
def list_prices(db: Db, caller: Caller, supplier: str | None = None) -> list[PriceOut]:
    with db.transaction(write=False) as session:
        return prices.list_prices(session, caller, supplier)


@router.post("/support-orders", response_model=OrderOut, status_code=201)
def raise_order(
    body: RaiseOrder, db: Db, claim: Claimed, response: Response, key: IdempotencyKey = None
) -> Any:
    with db.transaction() as session:
        caller = claim.caller(session)  # the token checked on the write's own connection
        status, result = run_once(
            session,
            caller,
            key,
            "support-orders",
            body.model_dump(mode="json"),
            lambda: (201, orders.raise_order(session, caller, body).model_dump(mode="json")),
        )
    response.status_code = status
    return result


@router.get("/support-orders", response_model=list[OrderOut])
def list_orders(
    db: Db,
    caller: Caller,
    request: Request,
    response: Response,
    page: ApiPage,
    filters: ApiFilter,
    agreement: str | None = None,
    status: str | None = None,
    party: Annotated[str | None, Query(description="Requesting party.")] = None,
    supplier: Annotated[str | None, Query(description="Supplying party.")] = None,
) -> list[OrderOut]:
    """Support orders; `q` searches reference, facility, deployment and line items; `sort`
    by reference, agreement, party, supplier, facility, status, settlement or created_at."""
    with db.transaction(write=False) as session:
        items = orders.list_orders(
            session, caller, agreement, status, page.probe(), filters, party, supplier
        )
    return trim(items, page, request, response)


@router.get("/support-orders/{order_id}", response_model=OrderOut)
def get_order(order_id: str, db: Db, caller: Caller) -> OrderOut:
    with db.transaction(write=False) as session:
        return orders.get_order(session, caller, order_id)


@router.post("/support-orders/{order_id}/sign", response_model=OrderOut)
def sign_order(order_id: str, db: Db, caller: Caller, body: SignIn | None = None) -> OrderOut:
    """Sign for the caller's party; the order is `agreed` once both sides have signed."""
    command = build(SignOrder, {"order": order_id, "party": body.party if body else None})
    with db.transaction() as session:
        return orders.sign_order(session, caller, command)


@router.post("/support-orders/{order_id}/deliveries", response_model=OrderOut, status_code=201)
def record_delivery(order_id: str, body: DeliveryIn, db: Db, caller: Caller) -> OrderOut:
    command = build(RecordDelivery, {**dict(body), "order": order_id})
    with db.transaction() as session:
        return deliver(session, caller, command)


@router.post(
    "/support-orders/{order_id}/deliveries/{delivery_id}/receipt",
    response_model=OrderOut,
    status_code=201,
)
def acknowledge_delivery(
    order_id: str, delivery_id: str, body: ReceiptIn, db: Db, caller: Caller
) -> OrderOut:
    command = build(AcknowledgeReceipt, {**dict(body), "order": order_id, "delivery": delivery_id})
    with db.transaction() as session:
        return acknowledge_receipt(session, caller, command)


@router.post("/settlements", response_model=SettlementOut, status_code=201)
def record_settlement(
    body: RecordSettlement,
    db: Db,
    caller: Caller,
    response: Response,
    key: IdempotencyKey = None,
) -> Any:
    with db.transaction() as session:
        status, result = run_once(
            session,
            caller,
            key,
            "settlements",
            body.model_dump(mode="json"),
            lambda: (
                201,
                settlements.record_settlement(session, caller, body).model_dump(mode="json"),
            ),
        )
    response.status_code = status
    return result


@router.post("/ledger/reversals", response_model=OrderOut, status_code=201)
def reverse(body: ReversalIn, db: Db, caller: Caller) -> OrderOut:
    """Cancel one posting by a reversal (a correction is a reversal plus a new posting)."""
    command = build(ReversePosting, dict(body))
    with db.transaction() as session:
        return settlements.reverse(session, caller, command)


router.include_router(ledger_router)
