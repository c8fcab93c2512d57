"""Appending to the signed logs and reading them back: leaves, subtrees, checkpoints.

Appends to one log are serialised by an advisory lock on that log alone (PostgreSQL; the
same key as the agreement's event log, see `_writer`), so
appends to different agreements' logs never wait on each other; on SQLite every write
transaction already holds the database's write lock. Each append writes the leaf and the
perfect subtrees it completes (O(1) amortised); when the transaction commits, every log
it touched gets a signed checkpoint (one per log per transaction: the "small batch").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, event, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from relos.kit.db import advisory_lock, memo_of
from relos.kit.errors import Conflict
from relos.kit.timeutil import utcnow
from relos.tlog import dsse, merkle, note
from relos.tlog.keys import Signer
from relos.tlog.models import CheckpointRow, EntryRow, LogRow, NodeRow, SubtreeRow
from relos.tlog.node import create_key, node_name, pending_path, read_key, session_key_path

INTERNAL = "internal"
WRITERS = "relos.tlog.writers"
SIGNER = "relos.tlog.signer"
HEADS = "relos.tlog.heads"


@dataclass(frozen=True)
class Appended:
    origin: str
    index: int
    leaf: bytes
    log_id: int


@dataclass
class _Writer:
    log_id: int
    origin: str
    tree: merkle.CompactRange
    signer: Signer
    """The key checked under the lock (`current_signer`) when the writer was made."""
    appended: int = 0


def origin_for(name: str, agreement: str | None) -> str:
    """`relos.example/IN/in-ru-relos`: the node's key name, then the agreement (or internal)."""
    return f"{name}/{agreement or INTERNAL}"


def node_signer(session: Session) -> Signer:
    """The key this session signs with: the node key, made on first use (single-node mode)."""
    override = session.info.get(SIGNER)
    if isinstance(override, Signer):
        return override
    path = session_key_path(session)
    signer = read_key(path)
    if signer is None:
        node = session.get(NodeRow, 1)
        signer, _ = create_key(path, node.key_name if node else node_name(None))
    return signer


def log_of(session: Session, agreement: str | None) -> LogRow | None:
    where = LogRow.agreement.is_(None) if agreement is None else LogRow.agreement == agreement
    return session.scalar(select(LogRow).where(where))


def log_by_origin(session: Session, origin: str) -> LogRow | None:
    return session.scalar(select(LogRow).where(LogRow.origin == origin))


def stored_size(session: Session, log_id: int) -> int:
    """The number of leaves as stored (not the head row, which is only a cache)."""
    top = session.scalar(select(func.max(EntryRow.idx)).where(EntryRow.log_id == log_id))
    return 0 if top is None else int(top) + 1


def subtrees(session: Session, log_id: int, nodes: Iterable[merkle.Node]) -> merkle.Lookup:
    """Fetch perfect subtrees in one query; the lookup names any that are missing.

    One primary-key seek per node, joined by UNION ALL, as plain SQL on the driver: with an
    OR of many pairs SQLite's planner scanned the whole log's subtrees instead, and an ORM
    statement per proof cost more than the query. Proofs are the hot read path.
    """
    wanted = sorted(set(nodes))
    found: dict[merkle.Node, bytes] = {}
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    # Only placeholders are interpolated; every value is a bound parameter.
    seek = (
        "SELECT level, idx, hash FROM tlog_subtrees "  # noqa: S608
        f"WHERE log_id = {mark} AND level = {mark} AND idx = {mark}"
    )
    for start in range(0, len(wanted), 100):
        chunk = wanted[start : start + 100]
        sql = " UNION ALL ".join([seek] * len(chunk))
        params = tuple(value for level, idx in chunk for value in (log_id, level, idx))
        rows = connection.exec_driver_sql(sql, params)
        found.update(((level, int(idx)), bytes(value)) for level, idx, value in rows)
    return merkle.lookup_in(found)


def current_signer(session: Session) -> Signer:
    """The node key to sign with now, checked against the key the node last announced.

    Called with the log's lock held. `relos node rotate-key` records the new key in
    `tlog_node` in the transaction that announces it in every log (holding every log's
    lock), and replaces the key file only after its commit; another process may meanwhile
    hold the old key (read before, cached, or its own copy of the file). So the key is
    compared with the one recorded, read afresh: on a mismatch the key file is read
    again, then the staged next key; if neither is the announced key, nothing is signed.
    An explicit signer (`session.info[SIGNER]`: the rotation itself, tests) is not checked.
    """
    return _checked_signer(session, session.scalar(_ANNOUNCED))


# The announced key, alone or with a log's stored size (one round trip for both).
_ANNOUNCED = select(NodeRow.verifier_key).where(NodeRow.id == 1)
_SIZE = select(func.max(EntryRow.idx)).where(EntryRow.log_id == bindparam("log_id"))
_ANNOUNCED_AND_SIZE = select(_ANNOUNCED.scalar_subquery(), _SIZE.scalar_subquery())


def _checked_signer(session: Session, announced: str | None) -> Signer:
    """`current_signer` given the announced key as read under the log's lock."""
    override = session.info.get(SIGNER)
    if isinstance(override, Signer):
        return override
    signer = node_signer(session)
    if announced is None or announced == signer.verifier.vkey:
        return signer
    path = session_key_path(session)
    for candidate in (read_key(path, fresh=True), read_key(pending_path(path), fresh=True)):
        if candidate is not None and candidate.verifier.vkey == announced:
            session.info[SIGNER] = candidate  # the checkpoints at commit too
            return candidate
    raise Conflict(
        f"the signing key {signer.verifier.key_id} at {path} is not the node's current key "
        f"({announced.rsplit('+', 1)[0]}): it was rotated; give this process the new key"
    )


def _writer(session: Session, agreement: str | None) -> _Writer:
    writers: dict[str | None, _Writer] = session.info.setdefault(WRITERS, {})
    writer = writers.get(agreement)
    if writer is not None:
        return writer
    # This log's writers queue here, and only here; other logs are not held up. The key is
    # the event log's append lock (relos.events.store.lock_log): `record` already holds it
    # when its hook appends here, so the signed append asks for no second lock.
    advisory_lock(session, f"log:{agreement or INTERNAL}")
    heads: dict[str | None, _Writer] = memo_of(session).setdefault(HEADS, {})
    known = heads.get(agreement)
    if known is None:
        signer = current_signer(session)
    else:
        # The head this process last committed is still the head when the log has not
        # grown since: committed entries never change, so the same size is the same tree.
        # Read with the announced key, in one statement, both under the lock.
        announced, top = session.execute(_ANNOUNCED_AND_SIZE, {"log_id": known.log_id}).one()
        signer = _checked_signer(session, announced)
        size = 0 if top is None else int(top) + 1
        if size == known.tree.size:
            writer = _Writer(known.log_id, known.origin, _copy(known.tree), signer)
            writers[agreement] = writer
            return writer
    log = log_of(session, agreement)
    if log is None:
        log = LogRow(
            origin=origin_for(signer.name, agreement),
            agreement=agreement,
            size=0,
            root=merkle.EMPTY_ROOT,
        )
        session.add(log)
        session.flush()
    size = stored_size(session, log.id)
    tree = merkle.CompactRange.load(size, subtrees(session, log.id, merkle.needed_for_root(size)))
    writer = _Writer(log.id, log.origin, tree, signer)
    writers[agreement] = writer
    return writer


def append(
    session: Session,
    agreement: str | None,
    payload: bytes,
    event_type: str,
    extra_signers: Sequence[Signer] = (),
) -> Appended:
    """Sign `payload` (an event's canonical JSON bytes) and append it to a log.

    `agreement` names the agreement's log; None the node's internal log (users, tokens).
    The envelope is signed by the node key (and `extra_signers`, e.g. the next key during
    rotation) and stored byte for byte; the checkpoint follows at commit.
    """
    writer = _writer(session, agreement)
    signers = [writer.signer, *extra_signers]
    leaf = dsse.seal(payload, dsse.payload_type(event_type), signers)
    index = writer.tree.size
    made = writer.tree.append(merkle.leaf_hash(leaf))
    # Plain driver statements: an ORM insert per append cost several times the signing.
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(
        f"INSERT INTO tlog_entries (log_id, idx, leaf) VALUES ({mark}, {mark}, {mark})",  # noqa: S608
        (writer.log_id, index, leaf),
    )
    rows = ", ".join([f"({mark}, {mark}, {mark}, {mark})"] * len(made))
    connection.exec_driver_sql(
        f"INSERT INTO tlog_subtrees (log_id, level, idx, hash) VALUES {rows}",  # noqa: S608
        tuple(v for (level, idx), value in made for v in (writer.log_id, level, idx, value)),
    )
    writer.appended += 1
    return Appended(writer.origin, index, leaf, writer.log_id)


def checkpoint_pending(session: Session) -> None:
    """Sign a checkpoint for every log this transaction appended to, and move its head."""
    writers: dict[str | None, _Writer] = session.info.get(WRITERS, {})
    pending = [w for w in writers.values() if w.appended]
    if not pending:
        return
    signer = node_signer(session)
    now = utcnow()
    for writer in pending:
        root = writer.tree.root()
        checkpoint = note.Checkpoint(writer.origin, writer.tree.size, root)
        signed = note.sign_checkpoint(checkpoint, [signer])
        _store_checkpoint(session, writer.log_id, writer.tree.size, root, signed, now)
        writer.appended = 0


# PostgreSQL moves the head and stores the checkpoint in one statement (one round trip at
# commit, with the log's lock still held); SQLite, in process, runs the two statements.
_PG_CHECKPOINT = (
    "WITH head AS (UPDATE tlog_logs SET size = %s, root = %s WHERE id = %s) "
    "INSERT INTO tlog_checkpoints (log_id, size, note, signed_at) VALUES (%s, %s, %s, %s)"
)


def _store_checkpoint(
    session: Session, log_id: int, size: int, root: bytes, signed: str, now: datetime
) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(_PG_CHECKPOINT, (size, root, log_id, log_id, size, signed, now))
        # As the ORM update did: a head row this session holds shows the new head.
        held = session.identity_map.get(identity_key(LogRow, log_id))
        if isinstance(held, LogRow):
            set_committed_value(held, "size", size)
            set_committed_value(held, "root", root)
        return
    session.execute(update(LogRow).where(LogRow.id == log_id).values(size=size, root=root))
    session.execute(
        insert(CheckpointRow),
        [{"log_id": log_id, "size": size, "note": signed, "signed_at": now}],
    )


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    checkpoint_pending(session)


def _copy(tree: merkle.CompactRange) -> merkle.CompactRange:
    return merkle.CompactRange(tree.size, [value for _, value in tree.nodes])


@event.listens_for(Session, "after_commit")
def _keep_heads(session: Session) -> None:
    # The committed heads, for this process's next append to the same logs (see _writer).
    writers: dict[str | None, _Writer] = session.info.get(WRITERS, {})
    if writers:
        heads: dict[str | None, _Writer] = memo_of(session).setdefault(HEADS, {})
        for agreement, writer in writers.items():
            heads[agreement] = _Writer(
                writer.log_id, writer.origin, _copy(writer.tree), writer.signer
            )


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_writers(session: Session) -> None:
    # The lock ends with the transaction: the next one must read the head again.
    session.info.pop(WRITERS, None)


def latest_checkpoint(session: Session, log_id: int) -> CheckpointRow | None:
    return session.scalar(
        select(CheckpointRow)
        .where(CheckpointRow.log_id == log_id)
        .order_by(CheckpointRow.size.desc())
        .limit(1)
    )


def checkpoints(session: Session, log_id: int) -> list[CheckpointRow]:
    return list(
        session.scalars(
            select(CheckpointRow).where(CheckpointRow.log_id == log_id).order_by(CheckpointRow.size)
        )
    )


def leaf_at(session: Session, log_id: int, index: int) -> bytes | None:
    """One stored leaf (a plain driver statement: proofs are the hot read path)."""
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    row = connection.exec_driver_sql(
        f"SELECT leaf FROM tlog_entries WHERE log_id = {mark} AND idx = {mark}",  # noqa: S608
        (log_id, index),
    ).first()
    return None if row is None else bytes(row[0])


def entries(session: Session, log_id: int, start: int, end: int) -> list[tuple[int, bytes]]:
    rows = session.execute(
        select(EntryRow.idx, EntryRow.leaf)
        .where(EntryRow.log_id == log_id, EntryRow.idx >= start, EntryRow.idx < end)
        .order_by(EntryRow.idx)
    )
    return [(int(idx), bytes(leaf)) for idx, leaf in rows]


def all_entries(session: Session, log_id: int, batch: int = 2000) -> Iterator[tuple[int, bytes]]:
    """Every stored entry in index order, in batches (a log may be large)."""
    after = -1
    while True:
        rows = session.execute(
            select(EntryRow.idx, EntryRow.leaf)
            .where(EntryRow.log_id == log_id, EntryRow.idx > after)
            .order_by(EntryRow.idx)
            .limit(batch)
        ).all()
        for idx, leaf in rows:
            yield int(idx), bytes(leaf)
        if len(rows) < batch:
            return
        after = int(rows[-1][0])


def all_subtrees(session: Session, log_id: int) -> dict[merkle.Node, bytes]:
    rows = session.execute(
        select(SubtreeRow.level, SubtreeRow.idx, SubtreeRow.hash).where(SubtreeRow.log_id == log_id)
    )
    return {(level, int(idx)): bytes(value) for level, idx, value in rows}


def inclusion_proof(session: Session, log_id: int, index: int, size: int) -> list[bytes]:
    lookup = subtrees(session, log_id, merkle.needed_for_inclusion(index, size))
    return merkle.inclusion_proof(index, size, lookup)


def consistency_proof(session: Session, log_id: int, first: int, second: int) -> list[bytes]:
    lookup = subtrees(session, log_id, merkle.needed_for_consistency(first, second))
    return merkle.consistency_proof(first, second, lookup)


def root_at(session: Session, log_id: int, size: int) -> bytes:
    return merkle.root(size, subtrees(session, log_id, merkle.needed_for_root(size)))
