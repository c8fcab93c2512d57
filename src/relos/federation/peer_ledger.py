"""The peer's ledger as its signed entries say it, for `relos ledger reconcile --peer`.

Every posting the peer's node booked is in a logistics fact of its logs: its own facts and
its copies of the facts it accepted from this node (deliveries and settlements carry their
postings, reversals the reversing posting). Reading them from the verified entries this
node holds gives the peer's ledger without asking the peer anything, so it works across an
air gap too; a fact this node rejected is in it, which is exactly a difference to show.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.federation import crossing
from relos.federation.models import PeerLogRow, PeerRow, ReceivedRow
from relos.federation.outbox import node_party
from relos.kit.errors import InvalidInput, NotFound
from relos.kit.timeutil import utcnow
from relos.logistics.events import (
    DeliveryRecorded,
    PostingRecord,
    PostingReversed,
    SettlementRecorded,
)
from relos.logistics.ledger import repository
from relos.logistics.ledger.postings import Posting
from relos.logistics.reconcile import Export, export
from relos.tlog import dsse


def _postings(event: object) -> list[PostingRecord]:
    if isinstance(event, DeliveryRecorded | SettlementRecorded):
        return list(event.postings)
    if isinstance(event, PostingReversed):
        return [event.posting]
    return []


def peer_postings(session: Session, peer: str) -> Iterator[Posting]:
    """Every posting in the peer's verified entries, in log order."""
    logs = session.scalars(
        select(PeerLogRow).where(PeerLogRow.party == peer).order_by(PeerLogRow.origin)
    )
    for log in logs:
        rows = session.scalars(
            select(ReceivedRow)
            .where(ReceivedRow.origin == log.origin, ReceivedRow.idx < log.verified_size)
            .order_by(ReceivedRow.idx)
        )
        for row in rows:
            try:
                payload = json.loads(dsse.parse(bytes(row.leaf)).payload)
                event = crossing.statement_of(payload).event
            except (crossing.NotAFact, dsse.BadEnvelope, KeyError, TypeError, ValueError):
                continue
            for record in _postings(event):
                yield record.posting()


def exports(session: Session, peer: str) -> tuple[Export, Export]:
    """This node's export and the one derived from the peer's entries."""
    ours = node_party(session)
    if ours is None:
        raise InvalidInput("this node has no party yet: run `relos node init --party XX` first")
    code = peer.strip().upper()
    if session.get(PeerRow, code) is None:
        raise NotFound(f"no peer {peer}")
    now = utcnow()
    mine = export(repository.postings(session, ours), ours, now)
    return mine, export(peer_postings(session, code), code, now)
