"""HTTP routes for price lists, support orders, deliveries, settlements and the ledger."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from relos.access.domain import Principal
from relos.kit.db import Database
from relos.kit.errors import InvalidInput
from relos.kit.idempotency import run_once
from relos.kit.listing import ApiFilter
from relos.kit.pagination import ApiPage, Page, trim
from relos.kit.timeutil import utcnow
from relos.kit.web import Caller, Db
from relos.logistics import ledger_service, service, settlements
from relos.logistics.schemas import (
    BalanceOut,
    DeliveryIn,
    ImportOut,
    OrderIn,
    OrderOut,
    OverdueOut,
    PostingOut,
    PriceListIn,
    PriceOut,
    ReversalIn,
    SettlementIn,
    SettlementOut,
    SignIn,
)
from relos.logistics.xlsx import MEDIA_TYPE as XLSX

router = APIRouter(tags=["logistics"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON schema with its $defs inlined (an inline request body cannot use them)."""
    defs = schema.pop("$defs", {})
    text = json.dumps(schema)
    for name, definition in defs.items():
        text = text.replace(json.dumps({"$ref": f"#/$defs/{name}"}), json.dumps(definition))
    inlined: dict[str, Any] = json.loads(text)
    return inlined


CSV_OR_JSON = {
    "requestBody": {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": _inline(PriceListIn.model_json_schema())},
        },
        "required": True,
    }
}
STATEMENT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The statement: JSON, or CSV (format=csv) or XLSX (format=xlsx)",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "relos-ledger-export/1 document",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


async def _text(request: Request) -> str:
    try:
        return (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the body is not UTF-8 text") from None


@router.post("/price-lists", response_model=ImportOut, status_code=201, openapi_extra=CSV_OR_JSON)
async def import_prices(request: Request, db: Db, caller: Caller) -> dict[str, int]:
    """Import a price list as CSV (text/csv) or JSON {"lines": [...]}."""
    text = await _text(request)
    is_csv = request.headers.get("content-type", "").startswith("text/csv")
    return await run_in_threadpool(_import_prices, db, caller, text, is_csv)


def _import_prices(db: Database, caller: Principal, text: str, is_csv: bool) -> dict[str, int]:
    with db.transaction() as session:
        if is_csv:
            return service.import_prices_csv(session, caller, text)
        try:
            body = PriceListIn.model_validate(json.loads(text))
        except ValueError as error:
            raise InvalidInput(f"price list: {error}") from None
        return service.import_prices(session, caller, [line.model_dump() for line in body.lines])


@router.get("/price-lists", response_model=list[PriceOut])
def list_prices(db: Db, caller: Caller, supplier: str | None = None) -> list[dict[str, Any]]:
    with db.transaction(write=False) as session:
        return service.list_prices(session, caller, supplier)


@router.post("/support-orders", response_model=OrderOut, status_code=201)
def raise_order(
    body: OrderIn, db: Db, caller: Caller, response: Response, key: IdempotencyKey = None
) -> dict[str, Any]:
    payload = body.model_dump(mode="json")
    with db.transaction() as session:
        status, result = run_once(
            session,
            caller,
            key,
            "support-orders",
            payload,
            lambda: (201, service.raise_order(session, caller, body.model_dump())),
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
) -> list[dict[str, Any]]:
    """Support orders; `q` searches reference, facility, deployment and line items; `sort`
    by reference, agreement, party, supplier, facility, status, settlement or created_at."""
    with db.transaction(write=False) as session:
        items = service.list_orders(
            session, caller, agreement, status, page.probe(), filters, party, supplier
        )
    return trim(items, page, request, response)


@router.get("/support-orders/{order_id}", response_model=OrderOut)
def get_order(order_id: str, db: Db, caller: Caller) -> dict[str, Any]:
    with db.transaction(write=False) as session:
        return service.get_order(session, caller, order_id)


@router.post("/support-orders/{order_id}/sign", response_model=OrderOut)
def sign_order(order_id: str, db: Db, caller: Caller, body: SignIn | None = None) -> dict[str, Any]:
    """Sign for the caller's party; the order is `agreed` once both sides have signed."""
    with db.transaction() as session:
        return service.sign_order(session, caller, order_id, body.party if body else None)


@router.post("/support-orders/{order_id}/deliveries", response_model=OrderOut, status_code=201)
def record_delivery(order_id: str, body: DeliveryIn, db: Db, caller: Caller) -> dict[str, Any]:
    lines = [line.model_dump() for line in body.lines]
    with db.transaction() as session:
        return service.record_delivery(
            session, caller, order_id, lines, body.delivered_at, body.received_by
        )


@router.post("/settlements", response_model=SettlementOut, status_code=201)
def record_settlement(
    body: SettlementIn, db: Db, caller: Caller, response: Response, key: IdempotencyKey = None
) -> dict[str, Any]:
    with db.transaction() as session:
        status, result = run_once(
            session,
            caller,
            key,
            "settlements",
            body.model_dump(mode="json"),
            lambda: (201, settlements.record_settlement(session, caller, body.model_dump())),
        )
    response.status_code = status
    return result


@router.post("/ledger/reversals", response_model=OrderOut, status_code=201)
def reverse(body: ReversalIn, db: Db, caller: Caller) -> dict[str, Any]:
    """Cancel one posting by a reversal (a correction is a reversal plus a new posting)."""
    with db.transaction() as session:
        return settlements.reverse(session, caller, body.ref, body.reason)


@router.get("/ledger/balances", response_model=list[BalanceOut])
def balances(
    db: Db,
    caller: Caller,
    agreement: str | None = None,
    currency: Annotated[str | None, Query(description="Reporting currency")] = None,
) -> list[dict[str, str]]:
    with db.transaction(write=False) as session:
        return ledger_service.balances(session, caller, agreement, currency)


@router.get("/ledger/entries", response_model=list[PostingOut])
def entries(
    db: Db,
    caller: Caller,
    request: Request,
    response: Response,
    filters: ApiFilter,
    agreement: str | None = None,
    party: Annotated[str | None, Query(description="Creditor or debtor.")] = None,
    order: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> list[dict[str, Any]]:
    """Postings with their entries; `q`, `party`, `facility`, `from`/`to` and `sort` as in
    docs/ledger.md; `Link: rel="next"` when more rows follow."""
    page = Page(limit, offset)
    with db.transaction(write=False) as session:
        found = ledger_service.entries(
            session,
            caller,
            agreement=agreement,
            order=order,
            start=start,
            end=end,
            limit=limit + 1,
            offset=offset,
            filters=filters,
            party=party,
        )
    return trim(found, page, request, response)


@router.get("/ledger/overdue", response_model=list[OverdueOut])
def overdue(db: Db, caller: Caller, as_of: date | None = None) -> list[dict[str, Any]]:
    with db.transaction(write=False) as session:
        return ledger_service.overdue(session, caller, as_of or utcnow().date())


@router.get("/ledger/statement", responses=STATEMENT_RESPONSES)
def statement(
    request: Request,
    db: Db,
    caller: Caller,
    start: date,
    end: date,
    party: str | None = None,
    format: str | None = None,
) -> Response:
    """Statement of account as JSON, CSV (format=csv) or XLSX (format=xlsx), or by Accept."""
    with db.transaction(write=False) as session:
        result = ledger_service.statement(session, caller, party, start, end)
    accept = request.headers.get("accept", "")
    if format == "xlsx" or XLSX in accept:
        name = f"statement-{result.party}-{start}-{end}.xlsx"
        return Response(
            ledger_service.statement_xlsx(result),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    if format == "csv" or "text/csv" in accept:
        name = f"statement-{result.party}-{start}-{end}.csv"
        return Response(
            ledger_service.statement_csv(result),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    body = json.dumps(ledger_service.statement_out(result))
    return Response(body, media_type="application/json")


@router.get("/ledger/export", responses=EXPORT_RESPONSES)
def export(db: Db, caller: Caller, party: str) -> Response:
    """The party's ledger export, for `relos ledger reconcile` on either side."""
    with db.transaction(write=False) as session:
        exported = ledger_service.export_for(session, caller, party)
    return Response(exported.to_json(), media_type="application/json")


@router.get("/ledger/trial-balance")
def trial_balance(db: Db, caller: Caller) -> dict[str, dict[str, str]]:
    with db.transaction(write=False) as session:
        return ledger_service.trial_balance(session, caller)


@router.post(
    "/rates",
    response_model=ImportOut,
    status_code=201,
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def import_rates(request: Request, db: Db, caller: Caller) -> dict[str, int]:
    """Exchange rates as CSV: base,quote,on,rate,source."""
    text = await _text(request)
    return await run_in_threadpool(_import_rates, db, caller, text)


def _import_rates(db: Database, caller: Principal, text: str) -> dict[str, int]:
    with db.transaction() as session:
        return ledger_service.import_rates(session, caller, text)
