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
from typing import Any

from sqlalchemy import Table, bindparam, event, func, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from relos.events.store import HeadRead
from relos.kit.db import advisory_lock, memo_of
from relos.kit.errors import Conflict
from relos.kit.inserts import batch_for
from relos.kit.timeutil import utcnow
from relos.tlog import dsse, merkle, note
from relos.tlog.keys import Signer
from relos.tlog.models import CheckpointRow, EntryRow, EventLeafRow, LogRow, NodeRow, SubtreeRow
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
_HEAD_CHECK = (_ANNOUNCED.scalar_subquery(), _SIZE.scalar_subquery())
_ANNOUNCED_AND_SIZE = select(*_HEAD_CHECK)
# What `head_read` read under the log's lock, for `_writer` (this transaction only).
READ_WITH_HEAD = "relos.tlog.read_with_head"


@dataclass(frozen=True)
class _HeadCheck:
    log_id: int
    announced: str | None
    top: int | None


def head_read(session: Session, agreement: str | None) -> HeadRead | None:
    """The announced key and the log's stored size, to be read with the event log's head.

    `record` holds the log's lock (the same key as `_writer`'s) when it reads its head, so
    the two reads `_writer` needs for a head this process already knows join that one
    statement. Nothing when the head is not known (the log is read in full anyway) or when
    this transaction already has the log's writer.
    """
    known = memo_of(session).get(HEADS, {}).get(agreement)
    if known is None or agreement in session.info.get(WRITERS, {}):
        return None
    log_id = known.log_id

    def keep(session: Session, values: Sequence[Any]) -> None:
        announced, top = values
        checks = session.info.setdefault(READ_WITH_HEAD, {})
        checks[agreement] = _HeadCheck(log_id, announced, None if top is None else int(top))

    return HeadRead(_HEAD_CHECK, {"log_id": log_id}, keep)


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
    # Read under the lock by `record` just now (see head_read), or nothing: taken either way.
    checked: _HeadCheck | None = session.info.get(READ_WITH_HEAD, {}).pop(agreement, None)
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
        if checked is not None and checked.log_id == known.log_id:
            announced, top = checked.announced, checked.top
        else:
            params = {"log_id": known.log_id}
            announced, top = session.connection().execute(_ANNOUNCED_AND_SIZE, params).one()
        signer = _checked_signer(session, announced)
        size = 0 if top is None else int(top) + 1
        if size == known.tree.size:
            writer = _Writer(known.log_id, known.origin, _copy(known.tree), signer)
            writers[agreement] = writer
            return writer
        if size > known.tree.size:
            # Grown by another process (a second worker): same log, same origin, and the
            # size just read under the lock, so only the new tree's frontier is read (two
            # statements fewer on every write that follows another worker's).
            needed = subtrees(session, known.log_id, merkle.needed_for_root(size))
            tree = merkle.CompactRange.load(size, needed)
            writer = _Writer(known.log_id, known.origin, tree, signer)
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
    event_id: int | None = None,
) -> Appended:
    """Sign `payload` (an event's canonical JSON bytes) and append it to a log.

    `agreement` names the agreement's log; None the node's internal log (users, tokens).
    The envelope is signed by the node key (and `extra_signers`, e.g. the next key during
    rotation) and stored byte for byte; the checkpoint follows at commit. `event_id` names
    the recorded event the leaf holds (tlog_event_leaves, which the audit trail reads).
    """
    writer = _writer(session, agreement)
    signers = [writer.signer, *extra_signers]
    leaf = dsse.seal(payload, dsse.payload_type(event_type), signers)
    index = writer.tree.size
    made = writer.tree.append(merkle.leaf_hash(leaf))
    _store_leaf(session, writer.log_id, index, leaf, made, event_id)
    writer.appended += 1
    return Appended(writer.origin, index, leaf, writer.log_id)


def _store_leaf(
    session: Session,
    log_id: int,
    index: int,
    leaf: bytes,
    made: Sequence[tuple[merkle.Node, bytes]],
    event_id: int | None,
) -> None:
    """Insert the leaf, the subtrees it completes and the event it holds (if any).

    Plain driver statements: an ORM insert per append cost several times the signing. On
    PostgreSQL the inserts are one statement (data-modifying WITH clauses), so the append
    is one round trip under the log's lock; SQLite, in process, runs them one by one. The
    leaf of an event being recorded joins the event's own statement instead (its batch).
    """
    batch = None if event_id is None else batch_for(session, event_id)
    if batch is not None and event_id is not None:
        batch.parts += [
            (_ENTRIES, [{"log_id": log_id, "idx": index, "leaf": leaf}]),
            (
                _SUBTREES,
                [
                    {"log_id": log_id, "level": level, "idx": idx, "hash": value}
                    for (level, idx), value in made
                ],
            ),
            (_EVENT_LEAVES, [{"event_id": event_id, "log_id": log_id, "idx": index}]),
        ]
        return
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    statements = _leaf_statements("%s" if postgres else "?", len(made), event_id is not None)
    values: list[tuple[object, ...]] = [
        (log_id, index, leaf),
        tuple(v for (level, idx), value in made for v in (log_id, level, idx, value)),
    ]
    if event_id is not None:
        values.append((event_id, log_id, index))
    if postgres:
        *first, last = statements
        clauses = ", ".join(f"s{n} AS ({sql})" for n, sql in enumerate(first))
        connection.exec_driver_sql(f"WITH {clauses} {last}", tuple(v for vs in values for v in vs))
        return
    for sql, params in zip(statements, values, strict=True):
        connection.exec_driver_sql(sql, params)


_ENTRIES: Table = EntryRow.__table__  # type: ignore[assignment]
_SUBTREES: Table = SubtreeRow.__table__  # type: ignore[assignment]
_EVENT_LEAVES: Table = EventLeafRow.__table__  # type: ignore[assignment]


def _leaf_statements(mark: str, subtrees: int, event: bool) -> list[str]:
    # Only placeholders are interpolated; every value is a bound parameter.
    three, four = ", ".join([mark] * 3), ", ".join([mark] * 4)
    rows = ", ".join([f"({four})"] * subtrees)
    statements = [
        f"INSERT INTO tlog_entries (log_id, idx, leaf) VALUES ({three})",  # noqa: S608
        f"INSERT INTO tlog_subtrees (log_id, level, idx, hash) VALUES {rows}",  # noqa: S608
    ]
    if event:
        held = f"INSERT INTO tlog_event_leaves (event_id, log_id, idx) VALUES ({three})"  # noqa: S608
        statements.append(held)
    return statements


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
    else:
        # Prebuilt Core statements on the connection (the ORM's execution path cost more).
        connection.execute(_MOVE_HEAD, {"log": log_id, "new_size": size, "new_root": root})
        row = {"log_id": log_id, "size": size, "note": signed, "signed_at": now}
        connection.execute(_ADD_CHECKPOINT, row)
    # As an ORM update would: a head row this session holds shows the new head.
    held = session.identity_map.get(identity_key(LogRow, log_id))
    if isinstance(held, LogRow):
        set_committed_value(held, "size", size)
        set_committed_value(held, "root", root)


_LOGS: Table = LogRow.__table__  # type: ignore[assignment]
_MOVE_HEAD = (
    update(_LOGS)
    .where(_LOGS.c.id == bindparam("log"))
    .values(size=bindparam("new_size"), root=bindparam("new_root"))
)
_ADD_CHECKPOINT = insert(CheckpointRow)


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


@event.listens_for(Session, "after_transaction_end")
def _forget_head_reads(session: Session, transaction: SessionTransaction) -> None:
    # A read made under a lock is good only while the lock is held: a savepoint that rolls
    # back may have released it (as relos.kit.db forgets its held keys then).
    if transaction.parent is None or transaction.nested:
        session.info.pop(READ_WITH_HEAD, None)


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
