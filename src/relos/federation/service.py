"""Use cases of peers: add and list them, and the status of each (what is applied, lag,
co-signed checkpoints, unacknowledged entries, incidents)."""

from __future__ import annotations

import json
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require
from relos.federation import attest, crossing
from relos.federation.models import CosignatureRow, IncidentRow, PeerLogRow, PeerRow, VerdictRow
from relos.federation.outbox import node_party
from relos.federation.schemas import IncidentOut, LogSizeOut, PeerOut, PeerStatusOut
from relos.kit.errors import InvalidInput, NotFound
from relos.kit.timeutil import format_instant, utcnow
from relos.tlog import dsse, store
from relos.tlog.keys import BadKey, Verifier
from relos.tlog.models import LogRow


def _check_party(party: str) -> str:
    code = party.strip().upper()
    if len(code) != 2 or not code.isalpha() or not code.isascii():
        raise InvalidInput(f"party {party!r}: an ISO 3166-1 alpha-2 code such as RU")
    return code


def add_peer(session: Session, caller: Principal, party: str, url: str, vkey: str) -> PeerOut:
    """Pin a partner node's key and address (re-adding the same party replaces both)."""
    require(caller, "node.manage")
    code = _check_party(party)
    ours = node_party(session)
    if ours is None:
        raise InvalidInput("this node has no party yet: run `relos node init --party XX` first")
    if code == ours:
        raise InvalidInput(f"{code} is this node's own party")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidInput(f"url {url!r}: an http(s) URL such as http://127.0.0.1:8001")
    try:
        key = Verifier.parse(vkey)
    except BadKey as exc:
        raise InvalidInput(str(exc)) from exc
    if not key.name.endswith(f"/{code}"):
        raise InvalidInput(f"verifier key {key.name}: not a key of {code}'s node")
    row = session.get(PeerRow, code)
    if row is None:
        row = PeerRow(party=code, url=url.rstrip("/"), verifier_key=key.vkey, added_at=utcnow())
        session.add(row)
    else:
        row.url, row.verifier_key = url.rstrip("/"), key.vkey
    session.flush()
    return describe_peer(row)


def describe_peer(row: PeerRow) -> PeerOut:
    return PeerOut(party=row.party, url=row.url, verifier_key=row.verifier_key)


def list_peers(session: Session, caller: Principal) -> list[PeerOut]:
    require(caller, "logs.read")
    return [describe_peer(r) for r in session.scalars(select(PeerRow).order_by(PeerRow.party))]


def _unacknowledged(session: Session, party: str) -> int:
    """Our facts in the logs shared with `party` that it has not judged yet."""
    from relos.agreements.models import AgreementRow

    count = 0
    for log in session.scalars(select(LogRow).where(LogRow.agreement.is_not(None))):
        agreement = session.get(AgreementRow, log.agreement)
        if agreement is None or party not in (agreement.party_a, agreement.party_b):
            continue
        judged = set(session.scalars(select(VerdictRow.idx).where(VerdictRow.origin == log.origin)))
        for index, leaf in store.all_entries(session, log.id):
            if index not in judged and _ours(dsse.parse(leaf).payload, party):
                count += 1
    return count


def _ours(payload: bytes, peer: str) -> bool:
    """Whether an entry of our log is a fact this node wrote (not a copy of the peer's)."""
    try:
        statement = crossing.statement_of(json.loads(payload))
    except (crossing.NotAFact, KeyError, TypeError, ValueError):
        return False
    return statement.actor_party != peer


def _incident(row: IncidentRow) -> IncidentOut:
    return IncidentOut(
        id=row.id,
        kind=row.kind,
        detected_at=format_instant(row.detected_at),
        detail=row.detail,
        open=row.open,
    )


def status(session: Session, caller: Principal) -> list[PeerStatusOut]:
    """Per peer: their log size, applied, lag, last co-signed, unacknowledged, incidents."""
    require(caller, "logs.read")
    found = []
    for peer in session.scalars(select(PeerRow).order_by(PeerRow.party)):
        logs = list(session.scalars(select(PeerLogRow).where(PeerLogRow.party == peer.party)))
        their = sum(int(log.their_size) for log in logs)
        applied = sum(int(log.applied) for log in logs)
        incidents = session.scalars(
            select(IncidentRow).where(IncidentRow.party == peer.party).order_by(IncidentRow.id)
        )
        found.append(
            PeerStatusOut(
                party=peer.party,
                url=peer.url,
                their_size=their,
                applied=applied,
                lag=their - applied,
                last_cosigned=[
                    LogSizeOut(origin=log.origin, size=int(log.verified_size)) for log in logs
                ],
                cosigned_by_peer=[
                    LogSizeOut(origin=row.origin, size=int(row.size))
                    for row in session.scalars(
                        select(CosignatureRow).where(CosignatureRow.party == peer.party)
                    )
                ],
                unacknowledged=_unacknowledged(session, peer.party),
                statements=attest.describe(session, peer.party),
                incidents=[_incident(i) for i in incidents],
            )
        )
    return found


def any_open(statuses: list[PeerStatusOut]) -> bool:
    return any(i.open for s in statuses for i in s.incidents)


def incident_evidence(session: Session, caller: Principal, incident_id: int) -> str:
    require(caller, "logs.verify")
    row = session.get(IncidentRow, incident_id)
    if row is None:
        raise NotFound(f"no incident {incident_id}")
    return json.dumps({**_incident(row).model_dump(), "evidence": row.evidence}, indent=2)
