"""HTTP routes of the signed logs: checkpoints, entries and proofs, per agreement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import PlainTextResponse

from relos.kit.web import Caller, Db
from relos.tlog import service
from relos.tlog.schemas import ConsistencyOut, EntryOut, InclusionOut, LogOut

router = APIRouter(prefix="/logs", tags=["logs"])

# A log whose stored tree no longer gives the checkpoint the node signed is refused, not
# served: a problem document with the stable code `log_integrity_failure`.
INTEGRITY: dict[int | str, dict[str, object]] = {
    500: {
        "description": "The stored log does not verify against the node's signed checkpoint "
        "(`log_integrity_failure`, naming the log and entry).",
        "content": {"application/problem+json": {}},
    }
}

Agreement = Annotated[str, Path(max_length=64, description="The agreement id.")]
Count = Annotated[int, Query(ge=0, le=2**62)]


@router.get("", response_model=list[LogOut])
def list_logs(db: Db, caller: Caller) -> list[LogOut]:
    """The logs of the agreements the caller's party is party to."""
    with db.transaction(write=False) as session:
        return service.list_logs(session, caller)


@router.get(
    "/{agreement_id}/checkpoint",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {}}, "description": "A C2SP signed note."},
        **INTEGRITY,
    },
)
def checkpoint(agreement_id: Agreement, db: Db, caller: Caller) -> PlainTextResponse:
    """The latest signed checkpoint (C2SP tlog-checkpoint in a signed note)."""
    with db.transaction(write=False) as session:
        text = service.checkpoint(session, caller, agreement_id)
    return PlainTextResponse(text, media_type="text/plain; charset=utf-8")


@router.get("/{agreement_id}/entries", response_model=list[EntryOut], responses=INTEGRITY)
def entries(
    agreement_id: Agreement, db: Db, caller: Caller, start: Count, end: Count
) -> list[EntryOut]:
    """Entries [start, end), at most 1,000: the exact envelope bytes, base64."""
    with db.transaction(write=False) as session:
        return service.entries(session, caller, agreement_id, start, end)


@router.get("/{agreement_id}/proof/inclusion", response_model=InclusionOut, responses=INTEGRITY)
def inclusion(
    agreement_id: Agreement, db: Db, caller: Caller, index: Count, size: Count
) -> InclusionOut:
    """RFC 9162 inclusion proof of entry `index` in the tree of `size` entries."""
    with db.transaction(write=False) as session:
        return service.inclusion(session, caller, agreement_id, index, size)


@router.get("/{agreement_id}/proof/consistency", response_model=ConsistencyOut, responses=INTEGRITY)
def consistency(
    agreement_id: Agreement, db: Db, caller: Caller, first: Count, second: Count
) -> ConsistencyOut:
    """RFC 9162 consistency proof from the tree of `first` entries to that of `second`."""
    with db.transaction(write=False) as session:
        return service.consistency(session, caller, agreement_id, first, second)
