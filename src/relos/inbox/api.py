"""HTTP route for the inbox (API.md "Inbox")."""

from __future__ import annotations

from fastapi import APIRouter

from relos.inbox import service
from relos.inbox.schemas import InboxItemOut
from relos.kit.web import Caller, Db

router = APIRouter(tags=["inbox"])


@router.get("/inbox", response_model=list[InboxItemOut])
def inbox(db: Db, caller: Caller) -> list[InboxItemOut]:
    """The caller's open items by role and party, soonest due first; an item leaves when done."""
    with db.transaction(write=False) as session:
        return service.inbox(session, caller)
