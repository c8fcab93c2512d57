"""Use cases of the signed logs: the node identity, reading logs and proofs (verifying them
is verify_service.py's).

One function per route and command; each takes the session and the caller, checks the
policy first and, for an agreement's log, that the caller's party is one of its parties.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require, require_visible, scope
from relos.kit.errors import InvalidInput, NotFound, RelosError
from relos.kit.timeutil import format_instant, utcnow
from relos.tlog import dsse, merkle, note, store
from relos.tlog.events import copy_events
from relos.tlog.keys import Signer, Verifier
from relos.tlog.models import LogRow, NodeRow
from relos.tlog.node import create_key, node_name, read_key, session_key_path, stage_key
from relos.tlog.schemas import (
    ConsistencyOut,
    EntryOut,
    InclusionOut,
    LogOut,
    NodeInitOut,
    NodeOut,
    RotationOut,
)
from relos.tlog.verify import ROTATION

MAX_ENTRIES = 1000


class LogIntegrityFailure(RelosError):
    """The stored log no longer gives what this node signed: it refuses to serve it.

    Not the caller's fault: the database was changed under the node (the triggers that
    keep the tables append-only dropped, a row edited). The problem document names the log
    and the entry or size, with the stable code `log_integrity_failure`; `relos log verify`
    finds the first bad entry.
    """

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "log-integrity-failure"
    title: ClassVar[str] = "The signed log does not verify"
    code: ClassVar[str] = "log_integrity_failure"

    def __init__(self, origin: str, where: str, reason: str, index: int | None = None) -> None:
        super().__init__(
            f"log {origin}: {where}: {reason}; this node refuses to serve it "
            "(its operator should run `relos log verify`)"
        )
        self.origin = origin
        self.index = index

    def extensions(self) -> dict[str, Any]:
        return {"code": self.code, "log": self.origin, "index": self.index}


# --- the node --------------------------------------------------------------------------


def _describe_log(log: LogRow) -> LogOut:
    return LogOut(
        origin=log.origin,
        agreement=log.agreement,
        size=int(log.size),
        root=base64.b64encode(bytes(log.root)).decode(),
    )


def all_logs(session: Session) -> list[LogRow]:
    return list(session.scalars(select(LogRow).order_by(LogRow.id)))


def init_node(session: Session, caller: Principal, party: str) -> NodeInitOut:
    """Make the node key if there is none, record the party; never replaces a key."""
    require(caller, "node.manage")
    if len(party) != 2 or not party.isalpha() or not party.isupper():
        raise InvalidInput(f"party {party!r}: an ISO 3166-1 alpha-2 code such as IN")
    node = session.get(NodeRow, 1)
    if node is not None and node.party not in (None, party):
        raise InvalidInput(f"this node is already {node.party}'s; a node serves one party")
    signer, made = create_key(session_key_path(session), node_name(party))
    if node is None:
        session.add(
            NodeRow(id=1, party=party, key_name=signer.name, verifier_key=signer.verifier.vkey)
        )
    else:
        node.party = party
    session.flush()
    if not all_logs(session):
        copy_events(session)
    return NodeInitOut(**show_node(session, caller).model_dump(), created=made)


def show_node(session: Session, caller: Principal) -> NodeOut:
    require(caller, "node.manage")
    node = session.get(NodeRow, 1)
    signer = read_key(session_key_path(session))
    return NodeOut(
        party=node.party if node else None,
        key_name=signer.name if signer else None,
        verifier_key=signer.verifier.vkey if signer else None,
        logs=[_describe_log(log) for log in all_logs(session)],
    )


def rotate_key(session: Session, caller: Principal) -> RotationOut:
    """A new key, announced in every log by an entry signed by the old key and the new one.

    The new key is staged beside the old one, the announcement and the checkpoints it
    needs (signed by the new key) are written, and the caller's commit is followed by the
    key file's replacement (see `finish_rotation`).
    """
    require(caller, "node.manage")
    path = session_key_path(session)
    old = read_key(path)
    if old is None:
        raise InvalidInput(f"no node key at {path}: run `relos node init --party XX` first")
    node = session.get(NodeRow, 1)
    new = Signer.generate(node.key_name if node else old.name)
    stage_key(path, new)
    body = {
        "type": ROTATION,
        "v": 1,
        "at": format_instant(utcnow()),
        "old": old.verifier.vkey,
        "new": new.verifier.vkey,
    }
    payload = dsse.canonical(body)
    logs = all_logs(session)
    if not any(log.agreement is None for log in logs):
        store.append(session, None, payload, ROTATION, extra_signers=[new])
    for log in logs:
        store.append(session, log.agreement, payload, ROTATION, extra_signers=[new])
    # Checkpoints at commit are signed by the new key: the old one is revoked from here.
    session.info[store.SIGNER] = new
    # The announced key, read by every writer under its log's lock (store.current_signer).
    if node is None:
        session.add(NodeRow(id=1, party=None, key_name=old.name, verifier_key=new.verifier.vkey))
    else:
        node.verifier_key = new.verifier.vkey
    session.flush()
    return RotationOut(old=old.verifier.vkey, new=new.verifier.vkey, logs=len(all_logs(session)))


def latest_checkpoint(session: Session, caller: Principal, origin: str) -> str:
    """The latest signed checkpoint of any log of this node (the operator's copy to keep)."""
    require(caller, "logs.verify")
    row = store.log_by_origin(session, origin)
    latest = None if row is None else store.latest_checkpoint(session, row.id)
    if latest is None:
        raise NotFound(f"no checkpoint of log {origin}")
    return latest.note


# --- reading a log over HTTP -----------------------------------------------------------


def _visible_agreement(session: Session, caller: Principal, agreement: str) -> None:
    from relos.agreements.models import AgreementRow

    require(caller, "logs.read")
    row = session.get(AgreementRow, agreement)
    if row is None:
        raise NotFound(f"agreement {agreement}")
    require_visible(caller, (row.party_a, row.party_b), f"agreement {agreement}")


def _agreement_log(session: Session, caller: Principal, agreement: str) -> LogRow:
    _visible_agreement(session, caller, agreement)
    log = store.log_of(session, agreement)
    if log is None:
        raise InvalidInput(f"the log of agreement {agreement} is empty")
    return log


def list_logs(session: Session, caller: Principal) -> list[LogOut]:
    from sqlalchemy import or_

    from relos.agreements.models import AgreementRow

    require(caller, "logs.read")
    query = (
        select(LogRow)
        .join(AgreementRow, AgreementRow.id == LogRow.agreement)
        .order_by(LogRow.origin)
    )
    party = scope(caller)
    if party is not None:
        query = query.where(or_(AgreementRow.party_a == party, AgreementRow.party_b == party))
    return [_describe_log(log) for log in session.scalars(query)]


def _own_keys(session: Session) -> list[Verifier]:
    return [store.node_signer(session).verifier]


_opened: dict[tuple[str, str], note.Checkpoint] = {}
"""Checkpoint notes already opened with a key (a note read again is not verified again)."""


def _open_own(text: str, key: Verifier) -> note.Checkpoint:
    found = _opened.get((text, key.vkey))
    if found is None:
        found, _ = note.open_checkpoint(text, [key])
        if len(_opened) >= 1024:
            _opened.clear()
        _opened[(text, key.vkey)] = found
    return found


def _signed_head(session: Session, log: LogRow) -> note.Checkpoint:
    """The log's latest checkpoint, opened with the node's own key: what proofs answer to."""
    latest = store.latest_checkpoint(session, log.id)
    if latest is None:
        return note.Checkpoint(log.origin, 0, merkle.EMPTY_ROOT)
    where = f"checkpoint of size {latest.size}"
    try:
        head = _open_own(latest.note, _own_keys(session)[0])
    except note.BadNote as exc:
        raise LogIntegrityFailure(log.origin, where, f"not signed by this node ({exc})") from exc
    if head.origin != log.origin or head.size != int(latest.size):
        raise LogIntegrityFailure(log.origin, where, "it names another log or size")
    return head


def checkpoint(session: Session, caller: Principal, agreement: str) -> str:
    """The latest signed checkpoint; an agreement with no entries yet has an empty log."""
    _visible_agreement(session, caller, agreement)
    log = store.log_of(session, agreement)
    latest = None if log is None else store.latest_checkpoint(session, log.id)
    if log is not None and latest is not None:
        _signed_head(session, log)  # refuses one this node's key did not sign
        return latest.note
    signer = store.node_signer(session)
    origin = log.origin if log is not None else store.origin_for(signer.name, agreement)
    empty = note.Checkpoint(origin, 0, merkle.EMPTY_ROOT)
    return note.sign_checkpoint(empty, [signer])


def entries(
    session: Session, caller: Principal, agreement: str, start: int, end: int
) -> list[EntryOut]:
    log = _agreement_log(session, caller, agreement)
    if end <= start or end - start > MAX_ENTRIES:
        raise InvalidInput(f"entries [start, end): end > start, at most {MAX_ENTRIES} at once")
    size = _signed_head(session, log).size
    if end > size:
        raise InvalidInput(f"the log has {size} entries (checkpointed); end must be at most that")
    found = store.entries(session, log.id, start, end)
    for expected, (index, _) in zip(range(start, end), found, strict=False):
        if index != expected:
            raise LogIntegrityFailure(log.origin, f"entry {expected}", "missing", expected)
    if len(found) != end - start:
        missing = start + len(found)
        raise LogIntegrityFailure(log.origin, f"entry {missing}", "missing", missing)
    return [EntryOut(index=index, leaf=base64.b64encode(leaf).decode()) for index, leaf in found]


def _hashes(values: Sequence[bytes]) -> list[str]:
    return [base64.b64encode(v).decode() for v in values]


def _proven_root(lookup: merkle.Lookup, size: int, head: note.Checkpoint) -> bytes:
    """The root at `size` from the stored subtrees, proven to be a prefix of the signed head."""
    if size == head.size:
        return head.root
    claimed = merkle.root(size, lookup)
    proof = merkle.consistency_proof(size, head.size, lookup)
    merkle.verify_consistency(size, head.size, claimed, head.root, proof)
    return claimed


def inclusion(
    session: Session, caller: Principal, agreement: str, index: int, size: int
) -> InclusionOut:
    """An inclusion proof, checked before it is served: the stored leaf, through the proof,
    gives the root at `size`, which the signed checkpoint's tree extends."""
    log = _agreement_log(session, caller, agreement)
    head = _signed_head(session, log)
    if not 0 <= index < size <= head.size:
        raise InvalidInput("need 0 <= index < size <= the checkpointed size")
    needed = merkle.needed_for_inclusion(index, size)
    if size < head.size:
        needed |= merkle.needed_for_root(size) | merkle.needed_for_consistency(size, head.size)
    try:
        lookup = store.subtrees(session, log.id, needed)
        proof = merkle.inclusion_proof(index, size, lookup)
        leaf = store.leaf_at(session, log.id, index)
        if leaf is None:
            raise merkle.ProofError("the entry is missing")
        root = _proven_root(lookup, size, head)
        merkle.verify_inclusion(index, size, merkle.leaf_hash(leaf), proof, root)
    except merkle.ProofError as exc:
        where = f"entry {index} in the tree of size {size}"
        raise LogIntegrityFailure(
            log.origin,
            where,
            f"the stored tree does not prove it against the checkpoint "
            f"of size {head.size} this node signed ({exc})",
            index,
        ) from exc
    return InclusionOut(index=index, size=size, hashes=_hashes(proof))


def consistency(
    session: Session, caller: Principal, agreement: str, first: int, second: int
) -> ConsistencyOut:
    """A consistency proof, checked before it is served against the signed checkpoint."""
    log = _agreement_log(session, caller, agreement)
    head = _signed_head(session, log)
    if not 0 < first <= second <= head.size:
        raise InvalidInput("need 0 < first <= second <= the checkpointed size")
    needed = merkle.needed_for_root(first)
    if first < second:
        needed |= merkle.needed_for_consistency(first, second)
    if second < head.size:
        needed |= merkle.needed_for_root(second) | merkle.needed_for_consistency(second, head.size)
    try:
        lookup = store.subtrees(session, log.id, needed)
        proof = [] if first == second else merkle.consistency_proof(first, second, lookup)
        second_root = _proven_root(lookup, second, head)
        first_root = merkle.root(first, lookup)
        merkle.verify_consistency(first, second, first_root, second_root, proof)
    except merkle.ProofError as exc:
        where = f"the trees of size {first} and {second}"
        raise LogIntegrityFailure(
            log.origin,
            where,
            f"the stored tree does not prove them against the checkpoint "
            f"of size {head.size} this node signed ({exc})",
            first,
        ) from exc
    return ConsistencyOut(first=first, second=second, hashes=_hashes(proof))
