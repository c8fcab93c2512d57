"""In node mode, a node originates only the facts its party may write.

Services record typed events; the signed log's hook appends each one, signed, to its
agreement's log, and that entry is what crosses to the partner (each fact travels once).
This module hangs off `relos.events.CHECK_HOOKS` (so the services need no federation
code) and, for each event that crosses (`crossing.py`), before anything is written,
refuses the change (403) when the node's party is not the fact's one writer
(`writers.py`): a node never originates what its party may not say.

Single-node mode (no party recorded by `relos node init`) is left exactly as it was.
Facts being applied from a peer (`APPLYING` set on the session) were judged against the
peer's party instead, and `relos db replay` runs the projectors only, never the hooks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.events import CHECK_HOOKS, DomainEvent
from relos.events.store import HEAD_READ_HOOKS, HeadRead
from relos.federation import crossing, writers
from relos.kit.db import connection_of
from relos.kit.errors import Forbidden
from relos.tlog.models import NodeRow

APPLYING = "relos.federation.applying"


def node_party(session: Session) -> str | None:
    """The party this node serves, or None in single-node mode.

    One column by a Core statement on the session's connection (after flushing anything
    pending), a fraction of loading the ORM row.
    """
    return connection_of(session).execute(_NODE_PARTY).scalar()


_NODE_PARTY = select(NodeRow.party).where(NodeRow.id == 1)
# The party as read with the log's head by `record` (see `party_with_head`), for `check`.
PARTY_READ = "relos.federation.party_read"
_PARTY_COLUMNS = (_NODE_PARTY.scalar_subquery(),)


def party_with_head(session: Session, log: str) -> HeadRead | None:
    """The node's party, read in the statement that reads the log's head (every write asks
    for it in `check`, which `record` runs right after): no round trip of its own."""
    if session.info.get(APPLYING):
        return None

    def keep(session: Session, values: Sequence[Any]) -> None:
        session.info[PARTY_READ] = values[0]

    return HeadRead(_PARTY_COLUMNS, {}, keep)


def check_writer(party: str, fact: str, roles: writers.Roles) -> None:
    if not writers.may_write(party, fact, roles):
        who = writers.WRITERS.get(fact, "no")
        raise Forbidden(f"this is {party}'s node: only the {who} party's node may record {fact}")


def check(session: Session, event: DomainEvent) -> None:
    """The hook: refuse a crossing fact this node's party may not write."""
    read = session.info.pop(PARTY_READ, _UNREAD)
    if session.info.get(APPLYING) or not crossing.crosses(event):
        return
    party = node_party(session) if read is _UNREAD else read
    if party is None:
        return
    check_writer(party, crossing.fact_name(event), crossing.roles(event))


_UNREAD = object()

if check not in CHECK_HOOKS:
    CHECK_HOOKS.append(check)
if party_with_head not in HEAD_READ_HOOKS:
    HEAD_READ_HOOKS.append(party_with_head)
