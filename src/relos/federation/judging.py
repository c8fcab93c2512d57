"""Judging a peer's entry, one per transaction: a fact is re-judged by this node's own
rules and applied or refused, with a signed acknowledgement or rejection in this node's log;
the peer's statements are compared (attest.py); the peer's verdicts on our entries are
recorded (a rejection is an incident). receive.py calls `judge` in index order.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.deployments.events import DeploymentEvent
from relos.events import record
from relos.federation import attest, crossing, facts, ordering, writers
from relos.federation.arrival import Outcome, incident
from relos.federation.models import PeerLogRow, PeerRow, ReceivedRow, VerdictRow
from relos.kit.errors import RelosError, RuleViolations
from relos.logistics.events import OrderEvent
from relos.tlog import dsse, store

ACK = "federation.ack"
REJECT = "federation.reject"


def _verdict(
    session: Session,
    agreement: str,
    kind: str,
    origin: str,
    index: int,
    leaf: bytes,
    reasons: list[str],
) -> None:
    body = {
        "type": kind,
        "v": 1,
        "origin": origin,
        "index": index,
        "leaf_sha256": hashlib.sha256(leaf).hexdigest(),
        "reasons": reasons,
    }
    store.append(session, agreement, dsse.canonical(body), kind)


def judge(
    session: Session, peer: PeerRow, log: PeerLogRow, row: ReceivedRow, outcome: Outcome
) -> None:
    envelope = dsse.parse(bytes(row.leaf))
    kind = dsse.event_type_of(envelope.payload_type)
    payload: dict[str, Any] = json.loads(envelope.payload)
    if kind in (ACK, REJECT):
        _note_verdict(session, peer, kind, payload, outcome)
        row.state = "noted"
        return
    if kind == attest.STATEMENT:
        _judge_statement(session, peer, log, row, payload, outcome)
        return
    try:
        statement = crossing.statement_of(payload)
    except crossing.NotAFact:
        row.state = "noted"  # the peer's own bookkeeping: kept as seen
        return
    except (KeyError, TypeError, ValueError) as exc:
        _verdict_on(session, log, row, [f"malformed entry ({exc.__class__.__name__}: {exc})"])
        outcome.rejected += 1
        return
    if statement.actor_party not in (None, peer.party):
        row.state = "noted"  # the peer's copy of a fact another party wrote (ours, say)
        return
    reasons = _apply(session, peer, log, statement)
    _verdict_on(session, log, row, reasons)
    if reasons:
        outcome.rejected += 1
    else:
        outcome.applied += 1


def _judge_statement(
    session: Session,
    peer: PeerRow,
    log: PeerLogRow,
    row: ReceivedRow,
    payload: dict[str, Any],
    outcome: Outcome,
) -> None:
    """The peer's statement of derived state: answered, agreed or an incident (attest.py)."""
    row.state = "noted"
    if payload.get("party") != peer.party or payload.get("agreement") != log.agreement:
        return
    nested = session.begin_nested()
    try:
        found = attest.judge(
            session, peer.party, log.origin, int(row.idx), bytes(row.leaf), payload
        )
        nested.commit()
    except (RelosError, KeyError, TypeError, ValueError) as exc:
        nested.rollback()
        row.reasons = [f"statement not compared here: {exc}"]
        return
    if found is not None:
        detail = str(found.pop("detail"))
        outcome.incidents.append(incident(session, peer.party, "statement", detail, **found))


def _apply(
    session: Session, peer: PeerRow, log: PeerLogRow, statement: crossing.Statement
) -> list[str]:
    """Apply one fact from the peer (in a savepoint); the reasons when it is refused."""
    event, fact = statement.event, crossing.fact_name(statement.event)
    if not writers.may_write(peer.party, fact, crossing.roles(event)):
        return [f"{peer.party} may not originate {fact}"]
    if statement.log != log.agreement:
        return [f"the fact is about {statement.log}, not {log.agreement}"]
    actor = Principal(
        user_id=0, name=f"{peer.party}:{statement.actor}", party=peer.party, roles=frozenset()
    )
    nested = session.begin_nested()
    try:
        if isinstance(event, DeploymentEvent):
            facts.apply_deployment(session, event, actor)
        else:
            assert isinstance(event, OrderEvent)
            ordering.rejudge(session, event, peer.party)
            record(session, actor, event, statement.at)
        nested.commit()
    except (facts.Refused, ordering.Mismatch) as exc:
        nested.rollback()
        return exc.reasons
    except RuleViolations as exc:
        nested.rollback()
        return [f"{exc}: {', '.join(sorted({v.code for v in exc.violations}))}"]
    except RelosError as exc:
        nested.rollback()
        return [str(exc)]
    except IntegrityError as exc:
        # e.g. an order reference this node already gave another order: a rejection,
        # never a stuck log.
        nested.rollback()
        return [f"conflicts with a record held here ({exc.orig})"]
    except (KeyError, TypeError, ValueError) as exc:
        nested.rollback()
        return [f"malformed fact ({exc.__class__.__name__}: {exc})"]
    return []


def _verdict_on(session: Session, log: PeerLogRow, row: ReceivedRow, reasons: list[str]) -> None:
    row.state = "rejected" if reasons else "applied"
    row.reasons = reasons
    kind = REJECT if reasons else ACK
    _verdict(session, log.agreement, kind, log.origin, int(row.idx), bytes(row.leaf), reasons)


def _note_verdict(
    session: Session, peer: PeerRow, kind: str, payload: dict[str, Any], outcome: Outcome
) -> None:
    origin, index = payload.get("origin"), payload.get("index")
    ours = store.log_by_origin(session, str(origin))
    if ours is None or not isinstance(index, int):
        return
    verdict = "rejected" if kind == REJECT else "acknowledged"
    if session.get(VerdictRow, (str(origin), index)) is None:
        reasons = [str(r) for r in payload.get("reasons") or []]
        session.add(
            VerdictRow(
                origin=str(origin), idx=index, party=peer.party, verdict=verdict, reasons=reasons
            )
        )
        if kind == REJECT:
            outcome.incidents.append(
                incident(
                    session,
                    peer.party,
                    "rejected",
                    f"{peer.party} rejected our entry {origin}#{index}: {'; '.join(reasons)}",
                    origin=origin,
                    index=index,
                    rejection=payload,
                )
            )
