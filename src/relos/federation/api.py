"""HTTP routes: `/peers` for users, `/federation/...` for partner nodes.

The federation routes take no bearer token: the request must be signed by a pinned peer
node's key (RFC 9421, httpsig.py). The peer then reads as a viewer of its own party, so
the signed logs' own scoping applies: only agreements its party is in, and this node
serves only agreements its own party is in too.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy import select

from relos.access.domain import Principal
from relos.federation import httpsig, service
from relos.federation.models import PeerLogRow, PeerRow
from relos.federation.outbox import node_party
from relos.federation.schemas import PeerStatusOut
from relos.kit.db import Database
from relos.kit.errors import NotFound, Unauthenticated
from relos.kit.web import Caller, Db
from relos.tlog import service as logs
from relos.tlog.keys import Verifier
from relos.tlog.schemas import ConsistencyOut, EntryOut, LogOut

router = APIRouter(tags=["federation"])

Agreement = Annotated[str, Path(max_length=64, description="The agreement's id.")]
Count = Annotated[int, Query(ge=0, le=2**62)]


def peer_node(request: Request) -> Principal:
    """The peer node that signed this request, as a viewer of its party."""
    db: Database = request.app.state.db
    keys = {}
    with db.transaction(write=False) as session:
        for peer in session.scalars(select(PeerRow)):
            try:
                keys[peer.party] = Verifier.parse(peer.verifier_key)
            except ValueError:
                continue
    message = httpsig.Request(request.method, request.url.path, request.url.query)
    try:
        key = httpsig.verify(message, request.headers, keys.values(), int(time.time()))
    except httpsig.BadSignature as exc:
        raise Unauthenticated(str(exc)) from exc
    party = next(p for p, k in keys.items() if k == key)
    return Principal(user_id=0, name=f"node {party}", party=party, roles=frozenset({"viewer"}))


Peer = Annotated[Principal, Depends(peer_node)]


def _ours(db: Database, agreement: str | None = None) -> str:
    from relos.agreements.models import AgreementRow

    with db.transaction(write=False) as session:
        party = node_party(session)
        row = None if agreement is None else session.get(AgreementRow, agreement)
        parties = () if row is None else (row.party_a, row.party_b)
    if party is None:
        raise NotFound("this node serves no party")
    if agreement is not None and party not in parties:
        raise NotFound(f"agreement {agreement}")
    return party


@router.get("/peers", response_model=list[PeerStatusOut])
def peer_status(db: Db, caller: Caller) -> list[PeerStatusOut]:
    """Per peer: their log size, applied, lag, last co-signed, unacknowledged, incidents."""
    with db.transaction(write=False) as session:
        return service.status(session, caller)


@router.get("/federation/logs", response_model=list[LogOut])
def shared_logs(db: Db, peer: Peer) -> list[LogOut]:
    """This node's logs of the agreements both nodes' parties are in."""
    from relos.agreements.models import AgreementRow

    ours = _ours(db)
    with db.transaction(write=False) as session:
        found = logs.list_logs(session, peer)
        shared = []
        for item in found:
            row = session.get(AgreementRow, item.agreement)
            if row is not None and ours in (row.party_a, row.party_b):
                shared.append(item)
    return shared


@router.get("/federation/logs/{agreement_id}/checkpoint", response_class=PlainTextResponse)
def checkpoint(agreement_id: Agreement, db: Db, peer: Peer) -> PlainTextResponse:
    _ours(db, agreement_id)
    with db.transaction(write=False) as session:
        text = logs.checkpoint(session, peer, agreement_id)
    return PlainTextResponse(text, media_type="text/plain; charset=utf-8")


@router.get("/federation/logs/{agreement_id}/entries", response_model=list[EntryOut])
def entries(
    agreement_id: Agreement, db: Db, peer: Peer, start: Count, end: Count
) -> list[EntryOut]:
    _ours(db, agreement_id)
    with db.transaction(write=False) as session:
        return logs.entries(session, peer, agreement_id, start, end)


@router.get("/federation/logs/{agreement_id}/proof/consistency", response_model=ConsistencyOut)
def consistency(
    agreement_id: Agreement, db: Db, peer: Peer, first: Count, second: Count
) -> ConsistencyOut:
    _ours(db, agreement_id)
    with db.transaction(write=False) as session:
        return logs.consistency(session, peer, agreement_id, first, second)


@router.get("/federation/cosigned/{agreement_id}", response_class=PlainTextResponse)
def cosigned(agreement_id: Agreement, db: Db, peer: Peer) -> PlainTextResponse:
    """The peer's checkpoint of this agreement's log as this node last verified and co-signed it."""
    _ours(db, agreement_id)
    with db.transaction(write=False) as session:
        row = session.scalar(
            select(PeerLogRow).where(
                PeerLogRow.party == peer.party, PeerLogRow.agreement == agreement_id
            )
        )
        text = None if row is None else row.cosigned_note
    if text is None:
        raise NotFound(f"nothing of {peer.party}'s log of {agreement_id} co-signed yet")
    return PlainTextResponse(text, media_type="text/plain; charset=utf-8")
