"""Ledger entries: every posting the user's party is in, searched, sorted and exported."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from relos.access.policy import require
from relos.agreements import service as agreements
from relos.kit.db import Database
from relos.kit.pagination import Page
from relos.logistics.ledger import service as ledger_service
from relos.web import listing
from relos.web.render import render
from relos.web.security import PageUser

router = APIRouter()
EXPORT = (
    "booked_on",
    "ref",
    "kind",
    "agreement",
    "order_reference",
    "creditor",
    "debtor",
    "amount",
    "currency",
    "due_on",
    "method",
    "memo",
)


def _export_row(p: dict[str, Any]) -> list[Any]:
    return [p[c] for c in EXPORT]


@router.get("/logistics/ledger")
def ledger_page(request: Request, user: PageUser) -> Response:
    require(user, "ledger.read")
    db: Database = request.app.state.db
    view = listing.list_view(request)

    def fetch(page: Page) -> list[dict[str, Any]]:
        with db.transaction(write=False) as session:
            found = ledger_service.entries(
                session,
                user,
                agreement=view.opt("agreement"),
                limit=page.limit or listing.EXPORT_LIMIT,
                offset=page.offset,
                filters=view.filters,
                party=view.opt("party"),
            )
            return [p.model_dump() for p in found]

    if kind := listing.export_kind(request):
        return listing.export(view, kind, "ledger", fetch, EXPORT, _export_row)
    postings = listing.load(view, fetch)
    with db.transaction(write=False) as session:
        pacts = [a.model_dump() for a in agreements.list_agreements(session, user)]
    context = {
        "postings": postings,
        "view": view,
        "agreements": pacts,
        "agreement_names": {a["id"]: a["short_name"] for a in pacts},
        "parties": sorted({p for a in pacts for p in a["parties"]}),
    }
    return render(request, "logistics/ledger.html", context)
