"""In node mode, every change to a cross-party record leaves as a signed fact.

Deployment services keep a history row for every change they make; this module watches
for those rows (a SQLAlchemy flush hook, so the services need no federation code) and:

- after the flush, refuses the change (403) when the node's party is not the fact's one
  writer (`writers.py`): a node never originates what its party may not say;
- before the commit, appends the record's new state as a `federation.fact` entry to the
  agreement's signed log, in the same transaction as the change itself.

Single-node mode (no party recorded by `relos node init`) is left exactly as it was.
Facts being applied from a peer (`APPLYING` set on the session) are not sent back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from relos.deployments.models import DeploymentRow, HistoryRow
from relos.federation import facts, writers
from relos.kit.errors import Forbidden
from relos.tlog import dsse, store
from relos.tlog.models import NodeRow

APPLYING = "relos.federation.applying"
PENDING = "relos.federation.pending"


def node_party(session: Session) -> str | None:
    """The party this node serves, or None in single-node mode."""
    cached = session.info.get("relos.federation.party", ...)
    if cached is not ...:
        return cached  # type: ignore[no-any-return]
    node = session.get(NodeRow, 1)
    party = node.party if node is not None else None
    session.info["relos.federation.party"] = party
    return party


def check_writer(party: str, fact: str, roles: writers.Roles) -> None:
    if not writers.may_write(party, fact, roles):
        who = writers.WRITERS.get(fact, "no")
        raise Forbidden(f"this is {party}'s node: only the {who} party's node may record {fact}")


@event.listens_for(Session, "after_flush")
def _watch(session: Session, _context: Any) -> None:
    if session.info.get(APPLYING):
        return
    changes = [obj for obj in session.new if isinstance(obj, HistoryRow)]
    if not changes:
        return
    party = node_party(session)
    if party is None:
        return
    pending: list[tuple[str, str, str]] = session.info.setdefault(PENDING, [])
    for history in changes:
        row = session.get(DeploymentRow, history.deployment_id)
        assert row is not None
        fact = f"deployment.{history.action}"
        check_writer(party, fact, writers.Roles(deploying=row.deploying_party, host=row.host_party))
        pending.append((row.id, history.action, history.actor))


@event.listens_for(Session, "before_commit", insert=True)
def _send(session: Session) -> None:
    # insert=True: runs before the signed log's own hook, which checkpoints what we append.
    pending: list[tuple[str, str, str]] = session.info.pop(PENDING, [])
    party = session.info.get("relos.federation.party")
    for deployment_id, action, actor in pending:
        row = session.get(DeploymentRow, deployment_id)
        if row is None or party is None:
            continue
        payload = dsse.canonical(facts.deployment_fact(row, action, actor, party))
        store.append(session, row.agreement_id, payload, facts.FACT)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)
    session.info.pop("relos.federation.party", None)
