"""Finance screens: import price lists and exchange rates, and reconcile the ledger with a
partner's export. The same services as `relos prices import`, `relos rates import` and
`relos ledger reconcile`: an upload with any bad row is refused whole, row by row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from relos.access.domain import Principal
from relos.access.policy import allowed, require
from relos.kit.db import Database
from relos.kit.errors import InvalidInput, RelosError, RuleViolations, Violation
from relos.logistics import commands
from relos.logistics.prices.parse import csv_rows
from relos.logistics.prices.service import import_prices as store_prices
from relos.logistics.rates.domain import rate_rows
from relos.logistics.rates.service import import_rates as store_rates
from relos.logistics.reconcile import Export, Reconciliation, reconcile
from relos.logistics.statements.service import export_for
from relos.web.i18n import locale_of, translations
from relos.web.problems import problem_lines
from relos.web.render import render
from relos.web.security import PageUser, check_csrf
from relos.web.vocabulary import IMPORT_PROBLEMS

router = APIRouter()
MAX_UPLOAD = 2_000_000  # bytes: a price list or an export is far smaller


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _page(request: Request, user: Principal, status: int = 200, **extra: Any) -> Response:
    context = {
        "may_prices": allowed(user, "prices.import"),
        "may_rates": allowed(user, "rates.import"),
        "may_reconcile": allowed(user, "ledger.read") and bool(user.party),
        "prices": None,
        "rates": None,
        "reconciled": None,
        **extra,
    }
    return render(request, "finance/index.html", context, status)


@router.get("/finance")
def finance_page(request: Request, user: PageUser) -> Response:
    if not (allowed(user, "prices.import") or allowed(user, "rates.import")):
        require(user, "ledger.read")
    return _page(request, user)


def import_problem(violation: Violation, gettext: Callable[[str], str]) -> str:
    """`Row 3: unknown currency` in the reader's language, from the code and the row."""
    row = violation.extra.get("row")
    rule = gettext(IMPORT_PROBLEMS.get(violation.code, IMPORT_PROBLEMS["invalid_value"]))
    if row is None:
        return rule
    return gettext("Row %(row)s: %(rule)s") % {"row": row, "rule": rule}


def _outcome(request: Request, exc: RelosError) -> dict[str, Any]:
    """What a refused upload says: each bad row, or why the file was not readable."""
    locale = locale_of(request)
    gettext = translations(locale).gettext
    if isinstance(exc, RuleViolations):
        rows = [import_problem(v, gettext) for v in exc.violations]
        details = [v.message for v in exc.violations] if locale == "en" else []
    else:
        rows, details = problem_lines(exc, locale, gettext), []
    return {"ok": False, "rows": rows, "details": details}


async def _upload_text(upload: Any) -> str:
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput("choose a file to upload")
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise InvalidInput("the file is too large")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text") from None


async def _uploaded(request: Request) -> tuple[str, RelosError | None]:
    """The uploaded file's text (after the CSRF check), or why there is none to read."""
    async with request.form() as form:
        check_csrf(request, str(form.get("csrf", "")))
        try:
            return await _upload_text(form.get("file")), None
        except RelosError as exc:
            return "", exc


@dataclass(frozen=True)
class Upload:
    """One kind of CSV import: how rows are read, checked, commanded and stored."""

    action: str  # the policy action the user needs
    field: str  # the page's context key for the outcome
    what: str  # how a refusal names the file
    parse: Callable[[str], list[dict[str, str]]]
    line: type[BaseModel]
    command: type[BaseModel]
    store: Callable[[Session, Principal, Any], BaseModel]


PRICES = Upload(
    "prices.import",
    "prices",
    "price list",
    csv_rows,
    commands.PriceLineIn,
    commands.ImportPrices,
    store_prices,
)
RATES = Upload(
    "rates.import",
    "rates",
    "rate file",
    rate_rows,
    commands.RateLineIn,
    commands.ImportRates,
    store_rates,
)


@router.post("/finance/prices")
async def import_prices(request: Request, user: PageUser) -> Response:
    return await _import(request, user, PRICES)


@router.post("/finance/rates")
async def import_rates(request: Request, user: PageUser) -> Response:
    return await _import(request, user, RATES)


async def _import(request: Request, user: Principal, upload: Upload) -> Response:
    """Parse the uploaded rows, check each, then run the import command: on any problem the
    page lists them row by row and nothing is stored."""
    require(user, upload.action)
    text, problem = await _uploaded(request)
    try:
        if problem is not None:
            raise problem
        counts = await run_in_threadpool(_store, request, user, upload, text)
    except RelosError as exc:
        outcome: dict[str, Any] = {upload.field: _outcome(request, exc)}
        return _page(request, user, 422, **outcome)
    stored: dict[str, Any] = {upload.field: {"ok": True, **counts}}
    return _page(request, user, **stored)


def checked_rows(line: type[BaseModel], rows: list[dict[str, str]], what: str) -> None:
    """Every row checked on its own, so each bad row is named (the command names only the
    first); RuleViolations with one violation per bad field, nothing stored."""
    problems = []
    for number, row in enumerate(rows, start=1):
        try:
            line.model_validate(row)
        except ValidationError as error:
            for e in error.errors():
                field = ".".join(str(part) for part in e["loc"])
                code = "missing_element" if e["type"] == "missing" else "invalid_value"
                if field == "currency":
                    code = "unknown_currency"
                message = f"row {number}: {field}: {e['msg']}"
                problems.append(Violation(code, message, extra={"row": number}))
    if problems:
        raise RuleViolations(f"{len(problems)} problem(s) in the {what}", problems)


def _store(request: Request, user: Principal, upload: Upload, text: str) -> dict[str, Any]:
    rows = upload.parse(text)
    checked_rows(upload.line, rows, upload.what)
    command = commands.build(upload.command, {"lines": rows})
    with _db(request).transaction() as session:
        return upload.store(session, user, command).model_dump()


@router.post("/finance/reconcile")
async def reconcile_page(request: Request, user: PageUser) -> Response:
    """Our export, made now, against the partner's: nothing is stored."""
    require(user, "ledger.read")
    text, problem = await _uploaded(request)
    try:
        if problem is not None:
            raise problem
        theirs = Export.from_json(text)
        result = await run_in_threadpool(_reconcile, request, user, theirs)
    except RelosError as exc:
        return _page(request, user, 422, reconciled={"error": _outcome(request, exc)})
    return _page(request, user, reconciled={"result": result, "theirs": theirs.party})


def _reconcile(request: Request, user: Principal, theirs: Export) -> Reconciliation:
    if not user.party:
        raise InvalidInput("the operator has no ledger of its own to reconcile")
    with _db(request).transaction(write=False) as session:
        ours = export_for(session, user, user.party)
    return reconcile(ours, theirs)
