"""The inbox page: what waits for the user, with links to where it is done."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from relos.facilities.repository import names_of
from relos.inbox import service
from relos.kit.db import Database
from relos.web.render import render
from relos.web.security import PageUser

router = APIRouter()


def link_of(item: dict[str, Any]) -> str:
    """Where the item is acted on."""
    if item["record_type"] == "deployment":
        return f"/deployments/{item['record_id']}"
    if item["record_type"] == "support_order":
        return f"/logistics/orders/{item['record_id']}"
    return f"/agreements/{item['record_id']}"


@router.get("/inbox")
def inbox_page(request: Request, user: PageUser) -> Response:
    db: Database = request.app.state.db
    with db.transaction(write=False) as session:
        items = [item.model_dump() for item in service.inbox(session, user)]
        at = {item["params"]["facility"] for item in items if "facility" in item["params"]}
        sites = names_of(session, at)
    for item in items:
        if "facility" in item["params"]:
            item["params"]["facility_name"] = sites.get(item["params"]["facility"], "")
        item["link"] = link_of(item)
    return render(request, "inbox.html", {"items": items, "inbox_count": len(items)})
