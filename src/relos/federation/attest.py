"""The co-signed statement of derived state: "our books agree", signed by both nodes.

A statement says, for one agreement, how many facts of each party the node holds (its own
that it wrote, the peer's that it accepted) and the state it derives from them: cap use
per deploying party and category (the peak over all time, so it does not move with the
clock) and the ledger balances per debtor, creditor and currency. The node appends it to
the agreement's signed log as a `federation.statement` entry (signed by its key), so it
crosses like any entry, by sync or bundle.

The peer judges it in log order, after every fact before it. When it holds the same facts
it answers with its own statement naming the one it answers (signed by its key): equal
states make the pair agreed, and both nodes keep both signed entries; different states
are an incident with both statements as evidence, on both nodes. When it holds other
facts (it wrote more since), it only notes the statement: its own next one follows.

`relos peer attest` makes one on demand; every sync and bundle import makes one when
the state or the facts changed since the last statement exchanged with that peer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relos.agreements.models import AgreementRow
from relos.deployments import repository as deployments
from relos.deployments.events import ACTIONS
from relos.deployments.inputs import load_agreement
from relos.deployments.timeline import Period
from relos.deployments.usage import headroom
from relos.events.models import EventRow
from relos.federation.crossing import ORDER_FACTS
from relos.federation.models import PeerRow, StatementRow
from relos.federation.schemas import StatementOut, StatementPairOut
from relos.kit.db import Database
from relos.kit.errors import NotFound, RelosError
from relos.kit.money import Money
from relos.kit.timeutil import format_instant, utcnow
from relos.logistics.ledger import repository as ledger
from relos.tlog import dsse, store
from relos.tlog.models import LogRow, NodeRow

log = logging.getLogger(__name__)
STATEMENT = "federation.statement"
VERSION = 1
ALL_TIME = Period(deployments.EARLIEST, datetime(9999, 12, 31, tzinfo=UTC))


def crossing_types() -> list[str]:
    return sorted({c.event_type for c in ACTIONS} | {c.event_type for c in ORDER_FACTS})


def fact_counts(session: Session, agreement: str, ours: str, peer: str) -> dict[str, int]:
    """Facts of the agreement this node holds, by the party that wrote them."""
    rows = session.execute(
        select(EventRow.actor_party, func.count())
        .where(EventRow.log == agreement, EventRow.type.in_(crossing_types()))
        .group_by(EventRow.actor_party)
    )
    counts = {ours: 0, peer: 0}
    for party, count in rows:
        counts[peer if party == peer else ours] += int(count)
    return counts


def cap_use(session: Session, agreement: str, parties: tuple[str, str]) -> dict[str, Any]:
    """Per deploying party and category: the peak use of the agreement's caps."""
    _, view = load_agreement(session, agreement)
    found: dict[str, Any] = {}
    for party in sorted(parties):
        held = deployments.party_use(session, agreement, party, ALL_TIME)
        room = headroom(view, party, ALL_TIME, held)
        found[party] = {category.value: use.peak for category, use in sorted(room.items())}
    return found


def balances(session: Session, agreement: str) -> dict[str, Any]:
    """Per "debtor>creditor" and currency: what is owed (zero balances left out)."""
    found: dict[str, dict[str, str]] = {}
    for row in ledger.balances(session, agreement, None):
        if row.amount_minor:
            amount = Money.from_minor(row.amount_minor, row.currency).amount
            found.setdefault(f"{row.debtor}>{row.creditor}", {})[row.currency] = str(amount)
    return dict(sorted(found.items()))


def derived_state(session: Session, agreement: str, parties: tuple[str, str]) -> dict[str, Any]:
    return {
        "cap_use": cap_use(session, agreement, parties),
        "balances": balances(session, agreement),
    }


def digest(state: dict[str, Any]) -> str:
    return hashlib.sha256(dsse.canonical(state)).hexdigest()


def _parties(session: Session, agreement: str) -> tuple[str, str]:
    row = session.get(AgreementRow, agreement)
    if row is None:
        raise NotFound(f"no agreement {agreement}")
    return (row.party_a, row.party_b)


def statement(
    session: Session, agreement: str, ours: str, peer: str, answers: dict[str, Any] | None
) -> dict[str, Any]:
    """This node's statement of the agreement's derived state, now."""
    state = derived_state(session, agreement, _parties(session, agreement))
    log = store.log_of(session, agreement)
    return {
        "type": STATEMENT,
        "v": VERSION,
        "party": ours,
        "agreement": agreement,
        "made_at": format_instant(utcnow()),
        "log_size": 0 if log is None else store.stored_size(session, log.id),
        "facts": fact_counts(session, agreement, ours, peer),
        "state": state,
        "state_sha256": digest(state),
        "answers": answers,
    }


def _append(session: Session, peer: str, body: dict[str, Any], outcome: str) -> StatementRow:
    appended = store.append(session, body["agreement"], dsse.canonical(body), STATEMENT)
    row = StatementRow(
        agreement=body["agreement"],
        party=peer,
        ours_index=appended.index,
        ours=base64.b64encode(appended.leaf).decode(),
        facts=body["facts"],
        state_sha256=body["state_sha256"],
        outcome=outcome,
        recorded_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def _last(session: Session, peer: str, agreement: str) -> StatementRow | None:
    return session.scalars(
        select(StatementRow)
        .where(StatementRow.party == peer, StatementRow.agreement == agreement)
        .order_by(StatementRow.id.desc())
        .limit(1)
    ).first()


def shared_agreements(session: Session, peer: str) -> list[str]:
    """The agreements this node and the peer are both party to that have a log here."""
    node = session.get(NodeRow, 1)
    both = {peer, node.party if node else None}
    found = set()
    for log in session.scalars(select(LogRow).where(LogRow.agreement.is_not(None))):
        row = session.get(AgreementRow, log.agreement)
        if row is not None and both == {row.party_a, row.party_b}:
            found.add(str(log.agreement))
    return sorted(found)


def attest(session: Session, peer: str, agreement: str, force: bool = False) -> bool:
    """Append this node's statement for the peer, unless (without `force`) nothing changed
    since the last one exchanged; True when one was appended."""
    node = session.get(NodeRow, 1)
    if node is None or not node.party:
        return False
    body = statement(session, agreement, node.party, peer, None)
    last = _last(session, peer, agreement)
    if (
        not force
        and last is not None
        and (last.facts, last.state_sha256) == (body["facts"], body["state_sha256"])
    ):
        return False
    _append(session, peer, body, "open")
    return True


def attest_peer(db: Database, peer: str, force: bool = False) -> list[str]:
    """A statement for each agreement shared with the peer (one transaction each)."""
    with db.transaction(write=False) as session:
        if session.get(PeerRow, peer) is None:
            raise NotFound(f"no peer {peer}")
        agreements = shared_agreements(session, peer)
    made = []
    for agreement in agreements:
        try:
            with db.transaction() as session:
                if attest(session, peer, agreement, force):
                    made.append(agreement)
        except RelosError as exc:
            # An agreement whose state cannot be derived here (e.g. not in force) gets no
            # statement; the sync or import that asked for it still stands.
            log.warning("no statement of %s for %s: %s", agreement, peer, exc)
    return made


# --- the peer's statements, judged in log order ----------------------------------------------


def _sha(leaf: bytes) -> str:
    return hashlib.sha256(leaf).hexdigest()


def judge(
    session: Session, peer: str, origin: str, index: int, leaf: bytes, body: dict[str, Any]
) -> dict[str, Any] | None:
    """Compare the peer's statement with ours; the evidence of a difference, if any."""
    agreement = str(body.get("agreement"))
    answers = body.get("answers")
    if isinstance(answers, dict):
        return _answered(session, peer, leaf, body, answers)
    node = session.get(NodeRow, 1)
    ours = statement(
        session,
        agreement,
        str(node.party if node else ""),
        peer,
        {"origin": origin, "index": index, "leaf_sha256": _sha(leaf)},
    )
    if ours["facts"] != body.get("facts"):
        return None  # not comparable yet: our own next statement follows
    agreed = ours["state_sha256"] == body.get("state_sha256") == digest(body.get("state") or {})
    row = _append(session, peer, ours, "agreed" if agreed else "differ")
    row.theirs = base64.b64encode(leaf).decode()
    return None if agreed else _evidence(row, body, ours)


def _answered(
    session: Session, peer: str, leaf: bytes, body: dict[str, Any], answers: dict[str, Any]
) -> dict[str, Any] | None:
    row = session.scalars(
        select(StatementRow).where(
            StatementRow.party == peer,
            StatementRow.agreement == str(body.get("agreement")),
            StatementRow.ours_index == answers.get("index"),
        )
    ).first()
    if row is None or _sha(base64.b64decode(row.ours)) != answers.get("leaf_sha256"):
        return {"detail": "the peer answers a statement this node did not make", "theirs": body}
    ours = json.loads(dsse.parse(base64.b64decode(row.ours)).payload)
    agreed = (row.facts, row.state_sha256) == (body.get("facts"), body.get("state_sha256"))
    agreed = agreed and digest(body.get("state") or {}) == row.state_sha256
    row.theirs = base64.b64encode(leaf).decode()
    row.outcome = "agreed" if agreed else "differ"
    return None if agreed else _evidence(row, body, ours)


def _evidence(row: StatementRow, theirs: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    return {
        "detail": f"derived state of {row.agreement} differs at the same facts {row.facts}",
        "ours": ours,
        "theirs": theirs,
        "ours_entry": row.ours,
        "theirs_entry": row.theirs,
    }


def describe(session: Session, peer: str) -> list[StatementPairOut]:
    """Per shared agreement: the latest statement exchanged and the latest agreed one."""
    found = []
    for agreement in shared_agreements(session, peer):
        last = _last(session, peer, agreement)
        agreed = session.scalars(
            select(StatementRow)
            .where(
                StatementRow.party == peer,
                StatementRow.agreement == agreement,
                StatementRow.outcome == "agreed",
            )
            .order_by(StatementRow.id.desc())
            .limit(1)
        ).first()
        found.append(
            StatementPairOut(
                agreement=agreement,
                last=None if last is None else _row(last),
                last_agreed=None if agreed is None else _row(agreed),
            )
        )
    return found


def _row(row: StatementRow) -> StatementOut:
    ours = json.loads(dsse.parse(base64.b64decode(row.ours)).payload)
    return StatementOut(
        outcome=row.outcome,
        facts=row.facts,
        state_sha256=row.state_sha256,
        state=ours["state"],
        log_size=ours["log_size"],
        recorded_at=format_instant(row.recorded_at),
        ours=row.ours,
        theirs=row.theirs,
    )
