"""In node mode, every change to a cross-party record leaves as a signed fact.

Deployment services record typed `Deployment*` events; this module hangs off
`relos.events.APPEND_HOOKS` (so the services need no federation code) and, for each such
event, in the recording transaction:

- refuses the change (403) when the node's party is not the fact's one writer
  (`writers.py`): a node never originates what its party may not say;
- appends the event as a `federation.fact` entry to the agreement's signed log, so the
  change and its fact commit together or not at all.

Single-node mode (no party recorded by `relos node init`) is left exactly as it was.
Facts being applied from a peer (`APPLYING` set on the session) are not sent back, and
`relos db replay` runs the projectors only, never the append hooks, so it sends nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

# The signed log's own hook must come first: its first append copies older events in.
import relos.tlog.events  # noqa: F401
from relos.deployments.events import DeploymentEvent
from relos.events import APPEND_HOOKS, DomainEvent, RecordedEvent
from relos.federation import facts, writers
from relos.kit.errors import Forbidden
from relos.tlog import dsse, store
from relos.tlog.models import NodeRow

APPLYING = "relos.federation.applying"


def node_party(session: Session) -> str | None:
    """The party this node serves, or None in single-node mode."""
    node = session.get(NodeRow, 1)
    return node.party if node is not None else None


def check_writer(party: str, fact: str, roles: writers.Roles) -> None:
    if not writers.may_write(party, fact, roles):
        who = writers.WRITERS.get(fact, "no")
        raise Forbidden(f"this is {party}'s node: only the {who} party's node may record {fact}")


def send(session: Session, recorded: RecordedEvent[DomainEvent]) -> None:
    """The hook: check the writer and append the fact, in the recording transaction."""
    event = recorded.event
    if session.info.get(APPLYING) or not isinstance(event, DeploymentEvent):
        return
    party = node_party(session)
    if party is None:
        return
    fact = facts.fact_of(event, recorded.envelope.actor, party)
    check_writer(party, str(fact["fact"]), facts.roles_of(fact))
    store.append(session, event.agreement, dsse.canonical(fact), facts.FACT)


if send not in APPEND_HOOKS:
    APPEND_HOOKS.append(send)
