"""HTTP routes for documents: HTML print views, or PDF with `Accept: application/pdf`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from relos.documents import service
from relos.documents.render import PDF, to_pdf, wants_pdf
from relos.kit.db import Database
from relos.kit.web import Caller, Db

router = APIRouter(prefix="/documents", tags=["documents"])
Lang = Annotated[str | None, Query(description="en or ru (the fixed wording).")]
Format = Annotated[str | None, Query(alias="format", description="pdf or html.")]
Accept = Annotated[str | None, Header()]
PRODUCES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/html": {}, PDF: {}},
        "description": "The document as HTML, or PDF when asked by Accept or format=pdf.",
    }
}


async def respond(
    db: Database,
    build: Callable[[Session], service.Document],
    accept: str | None,
    format_: str | None,
) -> Response:
    """Build the document in a read transaction (off the event loop), then answer it as
    PDF or HTML, as the client asked: the one shape of every document route."""

    def built() -> service.Document:
        with db.transaction(write=False) as session:
            return build(session)

    document = await run_in_threadpool(built)
    if wants_pdf(accept, format_):
        pdf = await run_in_threadpool(to_pdf, document.html)
        disposition = f'inline; filename="{document.name}.pdf"'
        return Response(pdf, media_type=PDF, headers={"Content-Disposition": disposition})
    return HTMLResponse(document.html)


@router.get("/deployments/{deployment_id}/notice", response_class=Response, responses=PRODUCES)
async def deployment_notice(
    deployment_id: str,
    db: Db,
    caller: Caller,
    lang: Lang = None,
    format_: Format = None,
    accept: Accept = None,
) -> Response:
    """The ship-visit notification of a deployment, with the notice content RELOS requires."""

    def build(session: Session) -> service.Document:
        return service.deployment_notice(session, caller, deployment_id, lang)

    return await respond(db, build, accept, format_)


@router.get("/support-orders/{order_id}", response_class=Response, responses=PRODUCES)
async def support_order(
    order_id: str,
    db: Db,
    caller: Caller,
    lang: Lang = None,
    format_: Format = None,
    accept: Accept = None,
) -> Response:
    """The support order: lines, prices, settlement method, due dates and both signatures."""
    return await respond(
        db, lambda session: service.support_order(session, caller, order_id, lang), accept, format_
    )


@router.get("/support-orders/{order_id}/invoice", response_class=Response, responses=PRODUCES)
async def invoice(
    order_id: str,
    db: Db,
    caller: Caller,
    lang: Lang = None,
    format_: Format = None,
    accept: Accept = None,
) -> Response:
    """The invoice for what has been delivered on an order, at each delivery's prices."""
    return await respond(
        db, lambda session: service.invoice(session, caller, order_id, lang), accept, format_
    )


@router.get("/statement", response_class=Response, responses=PRODUCES)
async def statement(
    db: Db,
    caller: Caller,
    start: date,
    end: date,
    party: str | None = None,
    lang: Lang = None,
    format_: Format = None,
    accept: Accept = None,
) -> Response:
    """The statement of account: signed amounts and the running balance per counterparty."""

    def build(session: Session) -> service.Document:
        return service.statement(session, caller, party, start, end, lang)

    return await respond(db, build, accept, format_)
