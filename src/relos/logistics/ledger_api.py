"""HTTP routes for the ledger, its reports and exchange rates."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from relos.access.domain import Principal
from relos.kit.db import Database
from relos.kit.errors import InvalidInput
from relos.kit.listing import ApiFilter
from relos.kit.pagination import ApiPage, Page, next_link, trim
from relos.kit.timeutil import utcnow
from relos.kit.web import Caller, Db
from relos.logistics.commands import ImportRates, build
from relos.logistics.ledger import service as ledger
from relos.logistics.rates.domain import rate_rows
from relos.logistics.rates.service import import_rates as store_rates
from relos.logistics.results import (
    BalanceOut,
    ImportOut,
    OverdueOut,
    PostingOut,
    TrialBalanceOut,
    inline_schema,
)
from relos.logistics.statements import formats
from relos.logistics.statements import service as statements
from relos.logistics.statements.xlsx import MEDIA_TYPE as XLSX

router = APIRouter(tags=["logistics"])
STATEMENT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The statement: JSON in pages of lines, or CSV (format=csv) or XLSX "
        "(format=xlsx), whole",
        "content": {
            "application/json": {"schema": inline_schema(formats.StatementPageOut)},
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


@router.get("/ledger/balances", response_model=list[BalanceOut], response_model_exclude_none=True)
def balances(
    db: Db,
    caller: Caller,
    agreement: str | None = None,
    currency: Annotated[str | None, Query(description="Reporting currency")] = None,
) -> list[BalanceOut]:
    with db.transaction(write=False) as session:
        return ledger.balances(session, caller, agreement, currency)


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
) -> list[PostingOut]:
    """Postings with their entries; `q`, `party`, `facility`, `from`/`to` and `sort` as in
    docs/ledger.md; `Link: rel="next"` when more rows follow."""
    with db.transaction(write=False) as session:
        found = ledger.entries(
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
    return trim(found, Page(limit, offset), request, response)


@router.get("/ledger/overdue", response_model=list[OverdueOut])
def overdue(
    db: Db,
    caller: Caller,
    request: Request,
    response: Response,
    page: ApiPage,
    as_of: date | None = None,
) -> list[OverdueOut]:
    """Amounts past their settlement deadline on `as_of` (default today), oldest due date
    first; `limit` rows (500 by default) from `offset`, `Link: rel="next"` when more follow."""
    with db.transaction(write=False) as session:
        found = statements.overdue(session, caller, as_of or utcnow().date(), page.probe())
    return trim(found, page, request, response)


@router.get("/ledger/statement", responses=STATEMENT_RESPONSES)
def statement(
    request: Request,
    db: Db,
    caller: Caller,
    page: ApiPage,
    start: date,
    end: date,
    party: str | None = None,
    format: str | None = None,
) -> Response:
    """Statement of account as JSON, CSV (format=csv) or XLSX (format=xlsx), or by Accept.

    JSON comes in pages of `limit` lines (500 by default) from `offset`, each with the
    period's opening and closing and its own brought and carried forward positions;
    `Link: rel="next"` when more lines follow. CSV and XLSX are whole documents."""
    accept = request.headers.get("accept", "")
    if format == "xlsx" or XLSX in accept:
        with db.transaction(write=False) as session:
            result = statements.statement(session, caller, party, start, end)
        name = f"statement-{result.party}-{start}-{end}.xlsx"
        return Response(
            formats.statement_xlsx(result),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    if format == "csv" or "text/csv" in accept:
        with db.transaction(write=False) as session:
            result = statements.statement(session, caller, party, start, end)
        name = f"statement-{result.party}-{start}-{end}.csv"
        return Response(
            formats.statement_csv(result),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    with db.transaction(write=False) as session:
        found = statements.statement_page(session, caller, party, start, end, page)
    body = formats.statement_page_out(found).model_dump_json()
    linked = {"Link": next_link(request, page)} if found.more else None
    return Response(body, media_type="application/json", headers=linked)


@router.get("/ledger/export", responses=EXPORT_RESPONSES)
def export(db: Db, caller: Caller, party: str) -> Response:
    """The party's ledger export, for `relos ledger reconcile` on either side."""
    with db.transaction(write=False) as session:
        exported = statements.export_for(session, caller, party)
    return Response(exported.to_json(), media_type="application/json")


@router.get("/ledger/trial-balance", response_model=TrialBalanceOut)
def trial_balance(db: Db, caller: Caller) -> TrialBalanceOut:
    with db.transaction(write=False) as session:
        return ledger.trial_balance(session, caller)


@router.post(
    "/rates",
    response_model=ImportOut,
    status_code=201,
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def import_rates(request: Request, db: Db, caller: Caller) -> ImportOut:
    """Exchange rates as CSV: base,quote,on,rate,source."""
    text = await _text(request)
    return await run_in_threadpool(_import_rates, db, caller, text)


def _import_rates(db: Database, caller: Principal, text: str) -> ImportOut:
    command = build(ImportRates, {"lines": rate_rows(text)})
    with db.transaction() as session:
        return store_rates(session, caller, command)
