"""HTTP routes of the signed logs: checkpoints, entries and proofs, per agreement."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import PlainTextResponse

from relos.kit.web import Caller, Db
from relos.tlog import service
from relos.tlog.schemas import ConsistencyOut, EntryOut, InclusionOut, LogOut

router = APIRouter(prefix="/logs", tags=["logs"])

Agreement = Annotated[str, Path(max_length=64, description="The agreement id.")]
Count = Annotated[int, Query(ge=0, le=2**62)]


@router.get("", response_model=list[LogOut])
def list_logs(db: Db, caller: Caller) -> list[dict[str, Any]]:
    """The logs of the agreements the caller's party is party to."""
    with db.transaction(write=False) as session:
        return service.list_logs(session, caller)


@router.get(
    "/{agreement_id}/checkpoint",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}}, "description": "A C2SP signed note."}},
)
def checkpoint(agreement_id: Agreement, db: Db, caller: Caller) -> PlainTextResponse:
    """The latest signed checkpoint (C2SP tlog-checkpoint in a signed note)."""
    with db.transaction(write=False) as session:
        text = service.checkpoint(session, caller, agreement_id)
    return PlainTextResponse(text, media_type="text/plain; charset=utf-8")


@router.get("/{agreement_id}/entries", response_model=list[EntryOut])
def entries(
    agreement_id: Agreement, db: Db, caller: Caller, start: Count, end: Count
) -> list[dict[str, Any]]:
    """Entries [start, end), at most 1,000: the exact envelope bytes, base64."""
    with db.transaction(write=False) as session:
        return service.entries(session, caller, agreement_id, start, end)


@router.get("/{agreement_id}/proof/inclusion", response_model=InclusionOut)
def inclusion(
    agreement_id: Agreement, db: Db, caller: Caller, index: Count, size: Count
) -> dict[str, Any]:
    """RFC 9162 inclusion proof of entry `index` in the tree of `size` entries."""
    with db.transaction(write=False) as session:
        return service.inclusion(session, caller, agreement_id, index, size)


@router.get("/{agreement_id}/proof/consistency", response_model=ConsistencyOut)
def consistency(
    agreement_id: Agreement, db: Db, caller: Caller, first: Count, second: Count
) -> dict[str, Any]:
    """RFC 9162 consistency proof from the tree of `first` entries to that of `second`."""
    with db.transaction(write=False) as session:
        return service.consistency(session, caller, agreement_id, first, second)
