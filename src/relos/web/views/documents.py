"""Print views of documents for signed-in users: HTML to print, or PDF (`?format=pdf` or
`Accept: application/pdf`), in the page's language unless `lang` says otherwise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from relos.documents import service
from relos.documents.api import respond
from relos.kit.db import Database
from relos.kit.errors import InvalidInput
from relos.web.i18n import locale_of
from relos.web.security import PageUser

router = APIRouter()


async def _document(
    request: Request, build: Callable[[Session, str], service.Document]
) -> Response:
    db: Database = request.app.state.db
    lang = request.query_params.get("lang") or locale_of(request)
    return await respond(
        db,
        lambda session: build(session, lang),
        request.headers.get("accept"),
        request.query_params.get("format"),
    )


@router.get("/documents/deployments/{deployment_id}/notice")
async def notice_page(deployment_id: str, request: Request, user: PageUser) -> Response:
    return await _document(
        request, lambda s, lang: service.deployment_notice(s, user, deployment_id, lang)
    )


@router.get("/documents/support-orders/{order_id}")
async def order_page(order_id: str, request: Request, user: PageUser) -> Response:
    return await _document(request, lambda s, lang: service.support_order(s, user, order_id, lang))


@router.get("/documents/support-orders/{order_id}/invoice")
async def invoice_page(order_id: str, request: Request, user: PageUser) -> Response:
    return await _document(request, lambda s, lang: service.invoice(s, user, order_id, lang))


def _day(value: str | None, name: str) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise InvalidInput(f"{name}: a date (YYYY-MM-DD)") from None


@router.get("/documents/statement")
async def statement_page(request: Request, user: PageUser) -> Response:
    start = _day(request.query_params.get("start"), "start")
    end = _day(request.query_params.get("end"), "end")
    party = request.query_params.get("party") or None
    return await _document(
        request, lambda s, lang: service.statement(s, user, party, start, end, lang)
    )
