"""The audit trail for auditors and admins: entries about their party, and the chain check."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from relos.access.policy import allowed, require
from relos.agreements import service as agreements
from relos.audit import service, shown, verify
from relos.kit.db import Database
from relos.kit.pagination import Page
from relos.references.lookup import references_of
from relos.web import listing
from relos.web.render import render
from relos.web.security import PageUser

router = APIRouter()
EXPORT = ("id", "at", "actor", "actor_party", "action", "record_type", "record_id", "hash")


def _field(entry: Any, name: str) -> Any:
    """A field of an entry, whether the service gives dicts or models."""
    return entry[name] if isinstance(entry, dict) else getattr(entry, name)


def _export_row(entry: Any) -> list[Any]:
    return [_field(entry, c) for c in EXPORT]


@router.get("/audit")
def audit_page(request: Request, user: PageUser) -> Response:
    require(user, "audit.read")
    db: Database = request.app.state.db
    view = listing.list_view(request)

    def fetch(page: Page) -> list[Any]:
        limit = page.limit or service.MAX_PAGE
        with db.transaction(write=False) as session:
            return service.list_entries(
                session,
                user,
                None,
                0,
                min(limit, listing.EXPORT_LIMIT),
                view.filters,
                view.opt("party"),
                page.offset,
            )

    if kind := listing.export_kind(request):
        return listing.export(view, kind, "audit", fetch, EXPORT, _export_row)
    entries = listing.load(view, fetch)
    with db.transaction(write=False) as session:
        ids = [_field(e, "record_id") for e in entries]
        orders = [str(_field(e, "detail").get("order", "")) for e in entries]
        references = references_of(session, ids + orders)
        names = {a.id: a.short_name for a in agreements.list_agreements(session, user)}
        # Only the rows shown are verified here (a page's cost, not the log's); the whole
        # trail is /audit/verify.
        checks = (
            shown.verify_shown(session, user, [_field(e, "id") for e in entries])
            if allowed(user, "audit.verify")
            else None
        )
    parties = sorted({p for e in entries for p in _field(e, "parties")} | ({user.party} - {""}))
    context = {
        "entries": entries,
        "checks": checks,
        "failing": [] if checks is None else [i for i, why in checks.items() if why],
        "view": view,
        "parties": parties,
        "references": references,
        "agreement_names": names,
    }
    return render(request, "audit/list.html", context)


@router.get("/audit/verify")
def audit_verify_page(request: Request, user: PageUser) -> Response:
    """The whole trail verified: every event, every link, every signed log (slow on a
    large trail: it reads everything; the list verifies the rows it shows)."""
    require(user, "audit.verify")
    db: Database = request.app.state.db
    with db.transaction(write=False) as session:
        verdict = verify.describe(verify.verify(session, user))
    return render(request, "audit/verify.html", {"verdict": verdict})
